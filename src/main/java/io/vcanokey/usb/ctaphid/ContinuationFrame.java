package io.vcanokey.usb.ctaphid;

import java.util.Arrays;

/**
 * A CTAPHID continuation frame (CTAP 2.1, section 11.2.4): CID (4 bytes), SEQ (1 byte, 0-127, bit 7
 * clear), then up to 59 further payload bytes.
 *
 * @param cid channel identifier
 * @param sequence SEQ, 0-127: 0 for the first continuation frame of a message
 * @param data the frame's data area: as decoded, all 59 bytes; when encoding, at most 59 bytes,
 *     zero-padded
 */
public record ContinuationFrame(int cid, int sequence, byte[] data) implements CtapHidFrame {

  /** Bytes of payload a continuation frame carries: 64 - 5. */
  public static final int DATA_SIZE = CtapHidFrame.REPORT_SIZE - 5;

  /** Highest sequence number (11.2.4): SEQ is 7 bits. */
  public static final int MAX_SEQUENCE = 0x7F;

  public ContinuationFrame {
    if (sequence < 0 || sequence > MAX_SEQUENCE) {
      throw new IllegalArgumentException("SEQ must be 0-127: " + sequence);
    }
    if (data.length > DATA_SIZE) {
      throw new IllegalArgumentException(
          "continuation frame carries at most 59 bytes: " + data.length);
    }
    data = data.clone();
  }

  static ContinuationFrame decode(byte[] report) {
    return new ContinuationFrame(
        CtapHidFrame.readCid(report),
        report[4] & 0x7F,
        Arrays.copyOfRange(report, 5, CtapHidFrame.REPORT_SIZE));
  }

  @Override
  public byte[] encode() {
    byte[] report = new byte[CtapHidFrame.REPORT_SIZE];
    CtapHidFrame.writeCid(report, cid);
    report[4] = (byte) sequence;
    System.arraycopy(data, 0, report, 5, data.length);
    return report;
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContinuationFrame f
        && f.cid == cid
        && f.sequence == sequence
        && Arrays.equals(f.data, data);
  }

  @Override
  public int hashCode() {
    return (cid * 31 + sequence) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    // The data may hold PIN material (clientPIN); logs show it only through redacting tracers.
    return String.format("ContinuationFrame[cid=%08X seq=%d]", cid, sequence);
  }
}
