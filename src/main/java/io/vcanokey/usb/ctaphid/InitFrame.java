package io.vcanokey.usb.ctaphid;

import java.util.Arrays;

/**
 * A CTAPHID initialization frame (CTAP 2.1, section 11.2.4): CID (4 bytes), CMD (1 byte, bit 7
 * set), BCNT (2 bytes, big-endian payload length of the whole message), then the first up to 57
 * payload bytes.
 *
 * @param cid channel identifier
 * @param command the 7-bit command code (bit 7 of the CMD byte removed); see {@link
 *     CtapHidCommand#fromValue(int)}
 * @param length BCNT, the length of the whole message payload, 0-65535
 * @param data the frame's data area: as decoded, all 57 bytes (only the first {@code min(length,
 *     57)} belong to the message); when encoding, at most 57 bytes, zero-padded
 */
public record InitFrame(int cid, int command, int length, byte[] data) implements CtapHidFrame {

  /** Bytes of payload an initialization frame carries: 64 - 7. */
  public static final int DATA_SIZE = CtapHidFrame.REPORT_SIZE - 7;

  public InitFrame {
    if (command < 0 || command > 0x7F) {
      throw new IllegalArgumentException("command must be 7 bits: " + command);
    }
    if (length < 0 || length > 0xFFFF) {
      throw new IllegalArgumentException("BCNT must be 16 bits: " + length);
    }
    if (data.length > DATA_SIZE) {
      throw new IllegalArgumentException("init frame carries at most 57 bytes: " + data.length);
    }
    data = data.clone();
  }

  static InitFrame decode(byte[] report) {
    int length = (report[5] & 0xFF) << 8 | (report[6] & 0xFF);
    return new InitFrame(
        CtapHidFrame.readCid(report),
        report[4] & 0x7F,
        length,
        Arrays.copyOfRange(report, 7, CtapHidFrame.REPORT_SIZE));
  }

  @Override
  public byte[] encode() {
    byte[] report = new byte[CtapHidFrame.REPORT_SIZE];
    CtapHidFrame.writeCid(report, cid);
    report[4] = (byte) (0x80 | command);
    report[5] = (byte) (length >>> 8);
    report[6] = (byte) length;
    System.arraycopy(data, 0, report, 7, data.length);
    return report;
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The bytes of this frame that belong to the message: the first {@code min(BCNT, 57)}. */
  public byte[] payloadPart() {
    return Arrays.copyOf(data, Math.min(length, data.length));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InitFrame f
        && f.cid == cid
        && f.command == command
        && f.length == length
        && Arrays.equals(f.data, data);
  }

  @Override
  public int hashCode() {
    return ((cid * 31 + command) * 31 + length) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    // The data may hold PIN material (clientPIN); logs show it only through redacting tracers.
    return String.format("InitFrame[cid=%08X cmd=%02X bcnt=%d]", cid, command, length);
  }
}
