package io.vcanokey.usb;

/** Bus speeds a device can announce to the port it is attached to (USB 2.0, 7.1.1; USB 3.2). */
public enum UsbSpeed {
  LOW,
  FULL,
  HIGH,
  SUPER
}
