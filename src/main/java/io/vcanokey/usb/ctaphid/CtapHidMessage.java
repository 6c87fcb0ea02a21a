package io.vcanokey.usb.ctaphid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A whole CTAPHID message: channel, command and payload, before fragmentation into frames or after
 * reassembly (CTAP 2.1, section 11.2.4).
 *
 * @param cid channel identifier
 * @param command the command
 * @param payload the message payload, at most {@link #MAX_FRAMED_PAYLOAD} bytes
 */
public record CtapHidMessage(int cid, CtapHidCommand command, byte[] payload) {

  /**
   * The longest payload the framing can carry (11.2.4): one initialization frame and 128
   * continuation frames, 57 + 128 * 59 = 7609 bytes.
   */
  public static final int MAX_FRAMED_PAYLOAD =
      InitFrame.DATA_SIZE + (ContinuationFrame.MAX_SEQUENCE + 1) * ContinuationFrame.DATA_SIZE;

  public CtapHidMessage {
    if (payload.length > MAX_FRAMED_PAYLOAD) {
      throw new IllegalArgumentException(
          "CTAPHID payload exceeds " + MAX_FRAMED_PAYLOAD + " bytes: " + payload.length);
    }
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The payload length, BCNT. */
  public int length() {
    return payload.length;
  }

  /**
   * Splits the message into frames: one initialization frame with the first 57 bytes, then
   * continuation frames of 59 bytes with SEQ counting from 0. An empty payload gives one frame.
   */
  public List<CtapHidFrame> toFrames() {
    List<CtapHidFrame> frames = new ArrayList<>();
    int first = Math.min(payload.length, InitFrame.DATA_SIZE);
    frames.add(new InitFrame(cid, command.code(), payload.length, Arrays.copyOf(payload, first)));
    int sequence = 0;
    for (int offset = first; offset < payload.length; offset += ContinuationFrame.DATA_SIZE) {
      int end = Math.min(payload.length, offset + ContinuationFrame.DATA_SIZE);
      frames.add(new ContinuationFrame(cid, sequence++, Arrays.copyOfRange(payload, offset, end)));
    }
    return frames;
  }

  /** The 64-byte reports of {@link #toFrames()}. */
  public List<byte[]> toReports() {
    return toFrames().stream().map(CtapHidFrame::encode).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CtapHidMessage m
        && m.cid == cid
        && m.command == command
        && Arrays.equals(m.payload, payload);
  }

  @Override
  public int hashCode() {
    return (cid * 31 + command.hashCode()) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    // The payload may hold PIN material (clientPIN); show only its length.
    return String.format("CtapHidMessage[cid=%08X %s bcnt=%d]", cid, command, payload.length);
  }
}
