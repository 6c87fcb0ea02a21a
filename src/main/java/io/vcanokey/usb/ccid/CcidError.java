package io.vcanokey.usb.ccid;

import java.util.Optional;

/**
 * Named values of the slot error register bError when a command failed (CCID rev 1.1, section
 * 6.2.6).
 *
 * <p>Values 1 to 127 are not listed here: they give the offset in the bulk-OUT message of the first
 * parameter the reader rejects (1 for dwLength, 5 for bSlot, 7 for bPowerSelect, ...); see {@link
 * CcidException#badParameter(int)}. Values 0x81 to 0xC0 are user defined, the rest reserved.
 */
public enum CcidError {
  /** The message type is not supported. */
  CMD_NOT_SUPPORTED(0x00),
  /** The host aborted the current activity (5.3.1). */
  CMD_ABORTED(0xFF),
  /** The reader timed out while talking to the card; also used when no card is active. */
  ICC_MUTE(0xFE),
  XFR_PARITY_ERROR(0xFD),
  XFR_OVERRUN(0xFC),
  /** An all-inclusive hardware error occurred. */
  HW_ERROR(0xFB),
  BAD_ATR_TS(0xF8),
  BAD_ATR_TCK(0xF7),
  ICC_PROTOCOL_NOT_SUPPORTED(0xF6),
  ICC_CLASS_NOT_SUPPORTED(0xF5),
  PROCEDURE_BYTE_CONFLICT(0xF4),
  DEACTIVATED_PROTOCOL(0xF3),
  BUSY_WITH_AUTO_SEQUENCE(0xF2),
  PIN_TIMEOUT(0xF0),
  PIN_CANCELLED(0xEF),
  /** A second command arrived for a slot that was still busy. */
  CMD_SLOT_BUSY(0xE0);

  private final int value;

  CcidError(int value) {
    this.value = value;
  }

  /** bError on the wire. */
  public int value() {
    return value;
  }

  public static Optional<CcidError> fromValue(int value) {
    for (CcidError error : values()) {
      if (error.value == value) {
        return Optional.of(error);
      }
    }
    return Optional.empty();
  }
}
