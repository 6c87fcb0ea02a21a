package io.vcanokey.usb.ccid;

import io.vcanokey.core.bytes.Hex;
import java.util.Arrays;

/**
 * One CCID bulk message in either direction (CCID rev 1.1, sections 6.1 and 6.2): a 10-byte header
 * followed by dwLength bytes of abData. Multi-byte fields are little-endian (section 1.3).
 *
 * <pre>
 * offset 0     bMessageType
 * offset 1-4   dwLength, the length of abData
 * offset 5     bSlot
 * offset 6     bSeq
 * offset 7-9   message specific: e.g. bPowerSelect + abRFU, bBWI + wLevelParameter (host to
 *              reader); bStatus + bError + bClockStatus / bChainParameter / bProtocolNum
 *              (reader to host)
 * offset 10-   abData
 * </pre>
 *
 * @param messageType bMessageType
 * @param slot bSlot
 * @param sequence bSeq
 * @param specific the three message-specific header bytes at offsets 7 to 9
 * @param data abData
 */
public record CcidMessage(int messageType, int slot, int sequence, byte[] specific, byte[] data) {

  /** Length of the header that every bulk message starts with. */
  public static final int HEADER_LENGTH = 10;

  /** Offsets of the header fields, as the slot error register reports them (6.2.6). */
  public static final int OFFSET_DW_LENGTH = 1;

  public static final int OFFSET_SLOT = 5;
  public static final int OFFSET_SEQUENCE = 6;
  public static final int OFFSET_SPECIFIC = 7;

  private static final int SPECIFIC_LENGTH = 3;

  public CcidMessage {
    checkByte("bMessageType", messageType);
    checkByte("bSlot", slot);
    checkByte("bSeq", sequence);
    if (specific == null || specific.length != SPECIFIC_LENGTH) {
      throw new IllegalArgumentException("message-specific header must be 3 bytes");
    }
    specific = specific.clone();
    data = data == null ? new byte[0] : data.clone();
  }

  /** A reader-to-host message: bStatus, bError and the third specific byte, then abData. */
  public static CcidMessage response(
      CcidResponseType type, int slot, int sequence, int status, int error, int b9, byte[] data) {
    return new CcidMessage(
        type.value(), slot, sequence, new byte[] {(byte) status, (byte) error, (byte) b9}, data);
  }

  /**
   * Decodes one complete message.
   *
   * @throws IllegalArgumentException if there is no full header or dwLength disagrees with the
   *     number of bytes after it
   */
  public static CcidMessage decode(byte[] bytes) {
    if (bytes.length < HEADER_LENGTH) {
      throw new IllegalArgumentException(
          "CCID message needs a 10-byte header, got " + bytes.length + " bytes");
    }
    long declared = dataLength(bytes);
    if (declared != bytes.length - HEADER_LENGTH) {
      throw new IllegalArgumentException(
          "dwLength " + declared + " but " + (bytes.length - HEADER_LENGTH) + " data bytes");
    }
    return new CcidMessage(
        bytes[0] & 0xFF,
        bytes[OFFSET_SLOT] & 0xFF,
        bytes[OFFSET_SEQUENCE] & 0xFF,
        Arrays.copyOfRange(bytes, OFFSET_SPECIFIC, HEADER_LENGTH),
        Arrays.copyOfRange(bytes, HEADER_LENGTH, bytes.length));
  }

  /** dwLength (unsigned, little-endian) from a buffer holding at least the first 5 header bytes. */
  public static long dataLength(byte[] header) {
    return (header[1] & 0xFFL)
        | (header[2] & 0xFFL) << 8
        | (header[3] & 0xFFL) << 16
        | (header[4] & 0xFFL) << 24;
  }

  /** The wire form: header, then abData. */
  public byte[] encode() {
    byte[] out = new byte[HEADER_LENGTH + data.length];
    out[0] = (byte) messageType;
    out[1] = (byte) data.length;
    out[2] = (byte) (data.length >> 8);
    out[3] = (byte) (data.length >> 16);
    out[4] = (byte) (data.length >> 24);
    out[OFFSET_SLOT] = (byte) slot;
    out[OFFSET_SEQUENCE] = (byte) sequence;
    System.arraycopy(specific, 0, out, OFFSET_SPECIFIC, SPECIFIC_LENGTH);
    System.arraycopy(data, 0, out, HEADER_LENGTH, data.length);
    return out;
  }

  /** The header byte at {@code offset} 7, 8 or 9, unsigned. */
  public int headerByte(int offset) {
    if (offset < OFFSET_SPECIFIC || offset >= HEADER_LENGTH) {
      throw new IllegalArgumentException("no message-specific byte at offset " + offset);
    }
    return specific[offset - OFFSET_SPECIFIC] & 0xFF;
  }

  /** bStatus of a reader-to-host message. */
  public int status() {
    return headerByte(7);
  }

  /** bError of a reader-to-host message. */
  public int error() {
    return headerByte(8);
  }

  @Override
  public byte[] specific() {
    return specific.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** dwLength, the number of abData bytes. */
  public int dataLength() {
    return data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CcidMessage other
        && messageType == other.messageType
        && slot == other.slot
        && sequence == other.sequence
        && Arrays.equals(specific, other.specific)
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    int h = messageType;
    h = 31 * h + slot;
    h = 31 * h + sequence;
    h = 31 * h + Arrays.hashCode(specific);
    return 31 * h + Arrays.hashCode(data);
  }

  /** Header fields and the data length; the data itself may hold an APDU with a PIN. */
  @Override
  public String toString() {
    return String.format(
        "CcidMessage[type=%02X slot=%d seq=%d specific=%s dwLength=%d]",
        messageType, slot, sequence, Hex.encode(specific), data.length);
  }

  private static void checkByte(String field, int value) {
    if (value < 0 || value > 0xFF) {
      throw new IllegalArgumentException(field + " out of range: " + value);
    }
  }
}
