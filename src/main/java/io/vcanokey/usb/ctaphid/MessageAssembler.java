package io.vcanokey.usb.ctaphid;

import java.util.Arrays;

/**
 * Reassembles one CTAPHID request from its initialization frame and continuation frames (CTAP 2.1,
 * section 11.2.4, and 11.2.5.4 "Packet sequencing": SEQ starts at 0 and increases by one per
 * continuation frame; any other value is ERR_INVALID_SEQ).
 *
 * <p>One assembler holds one message; the function creates a new one for each request. It checks
 * lengths and sequence numbers only: channel arbitration is the function's business.
 */
public final class MessageAssembler {

  private final int cid;
  private final CtapHidCommand command;
  private final byte[] buffer;
  private int filled;
  private int nextSequence;

  private MessageAssembler(int cid, CtapHidCommand command, byte[] buffer, int filled) {
    this.cid = cid;
    this.command = command;
    this.buffer = buffer;
    this.filled = filled;
  }

  /**
   * Starts a message from its initialization frame.
   *
   * @param frame the initialization frame
   * @param command the frame's command, already resolved by the caller
   * @param maxLength the longest payload the device accepts
   * @throws CtapHidException ERR_INVALID_LEN if BCNT exceeds {@code maxLength}
   * @throws IllegalArgumentException if {@code maxLength} is beyond what framing can carry
   */
  public static MessageAssembler start(InitFrame frame, CtapHidCommand command, int maxLength) {
    if (maxLength > CtapHidMessage.MAX_FRAMED_PAYLOAD) {
      throw new IllegalArgumentException("maxLength beyond framing limit: " + maxLength);
    }
    if (frame.command() != command.code()) {
      throw new IllegalArgumentException("command " + command + " does not match " + frame);
    }
    if (frame.length() > maxLength) {
      throw new CtapHidException(
          CtapHidError.ERR_INVALID_LEN,
          "BCNT " + frame.length() + " exceeds the maximum message size " + maxLength);
    }
    byte[] buffer = new byte[frame.length()];
    byte[] first = frame.payloadPart();
    System.arraycopy(first, 0, buffer, 0, first.length);
    return new MessageAssembler(frame.cid(), command, buffer, first.length);
  }

  /**
   * Adds the next continuation frame.
   *
   * @throws CtapHidException ERR_INVALID_SEQ if the frame's SEQ is not the next expected one
   * @throws IllegalStateException if the message is already complete
   * @throws IllegalArgumentException if the frame belongs to another channel
   */
  public void add(ContinuationFrame frame) {
    if (frame.cid() != cid) {
      throw new IllegalArgumentException("frame of another channel: " + frame);
    }
    if (isComplete()) {
      throw new IllegalStateException("message already complete");
    }
    if (frame.sequence() != nextSequence) {
      throw new CtapHidException(
          CtapHidError.ERR_INVALID_SEQ,
          "expected SEQ " + nextSequence + ", got " + frame.sequence());
    }
    int count = Math.min(ContinuationFrame.DATA_SIZE, buffer.length - filled);
    System.arraycopy(frame.data(), 0, buffer, filled, count);
    filled += count;
    nextSequence++;
  }

  /** The channel this message arrives on. */
  public int cid() {
    return cid;
  }

  /** The command of the message being assembled. */
  public CtapHidCommand command() {
    return command;
  }

  /** The first payload byte (the CTAP2 command byte of a CBOR request), or -1 if none. */
  public int firstPayloadByte() {
    return buffer.length == 0 ? -1 : buffer[0] & 0xFF;
  }

  /** Whether every payload byte has arrived. */
  public boolean isComplete() {
    return filled == buffer.length;
  }

  /**
   * The assembled message.
   *
   * @throws IllegalStateException if frames are still missing
   */
  public CtapHidMessage message() {
    if (!isComplete()) {
      throw new IllegalStateException("message incomplete: " + filled + "/" + buffer.length);
    }
    return new CtapHidMessage(cid, command, Arrays.copyOf(buffer, buffer.length));
  }
}
