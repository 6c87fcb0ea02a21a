package io.vcanokey.usb;

/**
 * The eight-byte SETUP packet that starts every control transfer (USB 2.0, section 9.3).
 *
 * @param requestType bmRequestType: direction (bit 7), type (bits 6-5), recipient (bits 4-0)
 * @param request bRequest
 * @param value wValue
 * @param index wIndex
 * @param length wLength, the number of data-stage bytes the host sends or accepts
 */
public record SetupPacket(int requestType, int request, int value, int index, int length) {

  public static final int DIRECTION_IN = 0x80;
  public static final int TYPE_MASK = 0x60;
  public static final int TYPE_STANDARD = 0x00;
  public static final int TYPE_CLASS = 0x20;
  public static final int TYPE_VENDOR = 0x40;
  public static final int RECIPIENT_MASK = 0x1F;
  public static final int RECIPIENT_DEVICE = 0x00;
  public static final int RECIPIENT_INTERFACE = 0x01;
  public static final int RECIPIENT_ENDPOINT = 0x02;

  public SetupPacket {
    checkRange("bmRequestType", requestType, 0xFF);
    checkRange("bRequest", request, 0xFF);
    checkRange("wValue", value, 0xFFFF);
    checkRange("wIndex", index, 0xFFFF);
    checkRange("wLength", length, 0xFFFF);
  }

  /** Decodes the wire form, whose 16-bit fields are little-endian. */
  public static SetupPacket decode(byte[] bytes) {
    if (bytes.length != 8) {
      throw new IllegalArgumentException("SETUP packet must be 8 bytes, got " + bytes.length);
    }
    return new SetupPacket(
        bytes[0] & 0xFF, bytes[1] & 0xFF, le16(bytes, 2), le16(bytes, 4), le16(bytes, 6));
  }

  /** Encodes the wire form. */
  public byte[] encode() {
    return new byte[] {
      (byte) requestType,
      (byte) request,
      (byte) value,
      (byte) (value >> 8),
      (byte) index,
      (byte) (index >> 8),
      (byte) length,
      (byte) (length >> 8)
    };
  }

  public boolean isDeviceToHost() {
    return (requestType & DIRECTION_IN) != 0;
  }

  public int type() {
    return requestType & TYPE_MASK;
  }

  public int recipient() {
    return requestType & RECIPIENT_MASK;
  }

  @Override
  public String toString() {
    return String.format(
        "SETUP[bmRequestType=%02X bRequest=%02X wValue=%04X wIndex=%04X wLength=%d]",
        requestType, request, value, index, length);
  }

  private static int le16(byte[] b, int offset) {
    return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8;
  }

  private static void checkRange(String field, int value, int max) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(field + " out of range: " + value);
    }
  }
}
