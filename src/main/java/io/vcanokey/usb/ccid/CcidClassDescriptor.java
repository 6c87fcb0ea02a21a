package io.vcanokey.usb.ccid;

/**
 * The Smart Card Device Class descriptor of the CanoKey CCID interface (CCID rev 1.1, section 5.1,
 * table 5.1-1), with the values of the reference key (canokey-core inventory, 1.6). The device's
 * configuration descriptor places it after the CCID interface descriptor; {@link CcidFunction}
 * behaves as it announces.
 */
public final class CcidClassDescriptor {

  /** bDescriptorType of the class descriptor (5.1: CCID functional descriptor). */
  public static final int DESCRIPTOR_TYPE = 0x21;

  public static final int LENGTH = 54;
  public static final int BCD_CCID = 0x0110;

  /** dwProtocols: T=1 only. */
  public static final int PROTOCOLS = 0x00000002;

  /** bVoltageSupport: 5.0 V, 3.0 V and 1.8 V. */
  public static final int VOLTAGE_SUPPORT = 0x07;

  public static final int DEFAULT_CLOCK_KHZ = 4000;
  public static final int MAXIMUM_CLOCK_KHZ = 4000;
  public static final int DATA_RATE_BPS = 307200;
  public static final int MAX_DATA_RATE_BPS = 307200;

  /** dwMaxIFSD: the 1340-byte APDU buffer of the reference plus SW1 SW2. */
  public static final int MAX_IFSD = 1342;

  /**
   * dwFeatures 0x000400FE: automatic parameter configuration from the ATR (02), activation (04),
   * voltage (08), clock (10), baud rate (20), parameter negotiation (40), PPS (80), and short and
   * extended APDU level exchange (40000).
   */
  public static final int FEATURES = 0x000400FE;

  /** dwMaxCCIDMessageLength: 10-byte header plus {@link #MAX_IFSD} bytes of abData. */
  public static final int MAX_CCID_MESSAGE_LENGTH = 1352;

  /** bClassGetResponse and bClassEnvelope: FF, echo the class of the APDU. */
  public static final int CLASS_ECHO = 0xFF;

  public static final int MAX_CCID_BUSY_SLOTS = 1;

  private CcidClassDescriptor() {}

  /** The 54 descriptor bytes. */
  public static byte[] encode() {
    byte[] d = new byte[LENGTH];
    d[0] = LENGTH; // bLength
    d[1] = DESCRIPTOR_TYPE; // bDescriptorType
    le16(d, 2, BCD_CCID); // bcdCCID
    d[4] = 0x00; // bMaxSlotIndex: one slot
    d[5] = VOLTAGE_SUPPORT; // bVoltageSupport
    le32(d, 6, PROTOCOLS); // dwProtocols
    le32(d, 10, DEFAULT_CLOCK_KHZ); // dwDefaultClock
    le32(d, 14, MAXIMUM_CLOCK_KHZ); // dwMaximumClock
    d[18] = 0x00; // bNumClockSupported: default and maximum only
    le32(d, 19, DATA_RATE_BPS); // dwDataRate
    le32(d, 23, MAX_DATA_RATE_BPS); // dwMaxDataRate
    d[27] = 0x00; // bNumDataRatesSupported: the range from dwDataRate to dwMaxDataRate
    le32(d, 28, MAX_IFSD); // dwMaxIFSD
    le32(d, 32, 0); // dwSynchProtocols
    le32(d, 36, 0); // dwMechanical
    le32(d, 40, FEATURES); // dwFeatures
    le32(d, 44, MAX_CCID_MESSAGE_LENGTH); // dwMaxCCIDMessageLength
    d[48] = (byte) CLASS_ECHO; // bClassGetResponse
    d[49] = (byte) CLASS_ECHO; // bClassEnvelope
    le16(d, 50, 0); // wLcdLayout: no LCD
    d[52] = 0x00; // bPINSupport: no PIN pad
    d[53] = MAX_CCID_BUSY_SLOTS; // bMaxCCIDBusySlots
    return d;
  }

  private static void le16(byte[] d, int at, int v) {
    d[at] = (byte) v;
    d[at + 1] = (byte) (v >> 8);
  }

  private static void le32(byte[] d, int at, int v) {
    le16(d, at, v);
    le16(d, at + 2, v >> 16);
  }
}
