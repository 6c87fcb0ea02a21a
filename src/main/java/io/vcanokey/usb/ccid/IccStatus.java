package io.vcanokey.usb.ccid;

import java.util.Optional;

/** bmICCStatus, bits 1-0 of the bulk-IN bStatus field (CCID rev 1.1, section 6.2.6). */
public enum IccStatus {
  /** An ICC is present and active (powered on, ATR sent). */
  PRESENT_ACTIVE(0),
  /** An ICC is present and inactive (not activated or shut down by hardware error). */
  PRESENT_INACTIVE(1),
  /** No ICC is present. */
  NOT_PRESENT(2);

  private final int value;

  IccStatus(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static Optional<IccStatus> fromValue(int value) {
    for (IccStatus status : values()) {
      if (status.value == value) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
