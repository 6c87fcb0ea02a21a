package io.vcanokey.usb.ccid;

import java.util.Optional;

/**
 * Bulk-OUT message types, host to reader (CCID rev 1.1, section 6.1, table 6.1-1), each with the
 * bulk-IN message type that answers it (section 6.2, table 6.2-1).
 */
public enum CcidCommandType {
  /** PC_to_RDR_SetParameters (6.1.7). */
  SET_PARAMETERS(0x61, "PC_to_RDR_SetParameters", CcidResponseType.PARAMETERS),
  /** PC_to_RDR_IccPowerOn (6.1.1). */
  ICC_POWER_ON(0x62, "PC_to_RDR_IccPowerOn", CcidResponseType.DATA_BLOCK),
  /** PC_to_RDR_IccPowerOff (6.1.2). */
  ICC_POWER_OFF(0x63, "PC_to_RDR_IccPowerOff", CcidResponseType.SLOT_STATUS),
  /** PC_to_RDR_GetSlotStatus (6.1.3). */
  GET_SLOT_STATUS(0x65, "PC_to_RDR_GetSlotStatus", CcidResponseType.SLOT_STATUS),
  /** PC_to_RDR_Secure (6.1.11). */
  SECURE(0x69, "PC_to_RDR_Secure", CcidResponseType.DATA_BLOCK),
  /** PC_to_RDR_T0APDU (6.1.10). */
  T0_APDU(0x6A, "PC_to_RDR_T0APDU", CcidResponseType.SLOT_STATUS),
  /** PC_to_RDR_Escape (6.1.8). */
  ESCAPE(0x6B, "PC_to_RDR_Escape", CcidResponseType.ESCAPE),
  /** PC_to_RDR_GetParameters (6.1.5). */
  GET_PARAMETERS(0x6C, "PC_to_RDR_GetParameters", CcidResponseType.PARAMETERS),
  /** PC_to_RDR_ResetParameters (6.1.6). */
  RESET_PARAMETERS(0x6D, "PC_to_RDR_ResetParameters", CcidResponseType.PARAMETERS),
  /** PC_to_RDR_IccClock (6.1.9). */
  ICC_CLOCK(0x6E, "PC_to_RDR_IccClock", CcidResponseType.SLOT_STATUS),
  /** PC_to_RDR_XfrBlock (6.1.4). */
  XFR_BLOCK(0x6F, "PC_to_RDR_XfrBlock", CcidResponseType.DATA_BLOCK),
  /** PC_to_RDR_Mechanical (6.1.12). */
  MECHANICAL(0x71, "PC_to_RDR_Mechanical", CcidResponseType.SLOT_STATUS),
  /** PC_to_RDR_Abort (6.1.13). */
  ABORT(0x72, "PC_to_RDR_Abort", CcidResponseType.SLOT_STATUS),
  /** PC_to_RDR_SetDataRateAndClockFrequency (6.1.14). */
  SET_DATA_RATE_AND_CLOCK_FREQUENCY(
      0x73,
      "PC_to_RDR_SetDataRateAndClockFrequency",
      CcidResponseType.DATA_RATE_AND_CLOCK_FREQUENCY);

  private final int value;
  private final String specName;
  private final CcidResponseType responseType;

  CcidCommandType(int value, String specName, CcidResponseType responseType) {
    this.value = value;
    this.specName = specName;
    this.responseType = responseType;
  }

  /** bMessageType on the wire. */
  public int value() {
    return value;
  }

  /** The name the specification uses, for logs. */
  public String specName() {
    return specName;
  }

  /** The message type that answers this command, successful or not. */
  public CcidResponseType responseType() {
    return responseType;
  }

  public static Optional<CcidCommandType> fromValue(int value) {
    for (CcidCommandType type : values()) {
      if (type.value == value) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
