package io.vcanokey.usb;

import java.util.Optional;

/**
 * USB transfer types, valued as in bmAttributes bits 1-0 of an endpoint descriptor (USB 2.0,
 * 9.6.6).
 */
public enum TransferType {
  CONTROL(0),
  ISOCHRONOUS(1),
  BULK(2),
  INTERRUPT(3);

  private final int value;

  TransferType(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static Optional<TransferType> fromValue(int value) {
    for (TransferType type : values()) {
      if (type.value == value) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
