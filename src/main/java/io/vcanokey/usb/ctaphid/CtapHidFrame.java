package io.vcanokey.usb.ctaphid;

/**
 * One 64-byte CTAPHID report, either an initialization or a continuation frame (CTAP 2.1, section
 * 11.2.4, "Message and packet structure"). Bit 7 of byte 4 tells them apart: set for an
 * initialization frame (the CMD byte), clear for a continuation frame (the SEQ byte).
 *
 * <p>All multi-byte fields are big-endian. The device's report descriptor declares no report IDs,
 * so the 64 bytes are the whole report.
 */
public sealed interface CtapHidFrame permits InitFrame, ContinuationFrame {

  /** Size of every CTAPHID report: the HID report count and the endpoints' wMaxPacketSize. */
  int REPORT_SIZE = 64;

  /** CID 0x00000000, reserved (11.2.3). */
  int CID_RESERVED = 0x00000000;

  /** CID 0xFFFFFFFF, the broadcast channel used to allocate channels with CTAPHID_INIT (11.2.3). */
  int CID_BROADCAST = 0xFFFFFFFF;

  /** The channel identifier in bytes 0-3. */
  int cid();

  /** The 64-byte report, data zero-padded. */
  byte[] encode();

  /**
   * Decodes one report.
   *
   * @param report exactly {@link #REPORT_SIZE} bytes
   * @throws IllegalArgumentException if the report is not 64 bytes long (a caller's mistake: the
   *     function normalises the length of what the host sent before decoding)
   */
  static CtapHidFrame decode(byte[] report) {
    if (report.length != REPORT_SIZE) {
      throw new IllegalArgumentException(
          "CTAPHID report must be " + REPORT_SIZE + " bytes, got " + report.length);
    }
    return (report[4] & 0x80) != 0 ? InitFrame.decode(report) : ContinuationFrame.decode(report);
  }

  /** Reads the big-endian CID from bytes 0-3. */
  static int readCid(byte[] report) {
    return (report[0] & 0xFF) << 24
        | (report[1] & 0xFF) << 16
        | (report[2] & 0xFF) << 8
        | (report[3] & 0xFF);
  }

  /** Writes {@code cid} big-endian into bytes 0-3. */
  static void writeCid(byte[] report, int cid) {
    report[0] = (byte) (cid >>> 24);
    report[1] = (byte) (cid >>> 16);
    report[2] = (byte) (cid >>> 8);
    report[3] = (byte) cid;
  }
}
