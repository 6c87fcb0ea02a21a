package io.vcanokey.usb.ccid;

import java.util.Optional;

/**
 * Bulk-IN message types, reader to host (CCID rev 1.1, section 6.2, table 6.2-1).
 *
 * <p>The interrupt-IN messages of section 6.3 are absent: the CanoKey CCID interface has no
 * interrupt endpoint, as its card is never removed.
 */
public enum CcidResponseType {
  /** RDR_to_PC_DataBlock (6.2.1): answers IccPowerOn, XfrBlock and Secure. */
  DATA_BLOCK(0x80, "RDR_to_PC_DataBlock"),
  /** RDR_to_PC_SlotStatus (6.2.2). */
  SLOT_STATUS(0x81, "RDR_to_PC_SlotStatus"),
  /** RDR_to_PC_Parameters (6.2.3): answers Get, Reset and SetParameters. */
  PARAMETERS(0x82, "RDR_to_PC_Parameters"),
  /** RDR_to_PC_Escape (6.2.4). */
  ESCAPE(0x83, "RDR_to_PC_Escape"),
  /** RDR_to_PC_DataRateAndClockFrequency (6.2.5). */
  DATA_RATE_AND_CLOCK_FREQUENCY(0x84, "RDR_to_PC_DataRateAndClockFrequency");

  private final int value;
  private final String specName;

  CcidResponseType(int value, String specName) {
    this.value = value;
    this.specName = specName;
  }

  /** bMessageType on the wire. */
  public int value() {
    return value;
  }

  /** The name the specification uses, for logs. */
  public String specName() {
    return specName;
  }

  public static Optional<CcidResponseType> fromValue(int value) {
    for (CcidResponseType type : values()) {
      if (type.value == value) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
