package io.vcanokey.guest;

/**
 * The USB host controllers a guest test can give QEMU 7.2, each as its {@code -device} option and
 * the bus name a {@code usb-redir} device names to sit on it (DESIGN.md, "A guest in ten seconds").
 * EHCI runs with no UHCI companion, so every device on it is seen at high speed.
 */
enum UsbController {
  /** USB 1.1, full speed only: {@code -device piix3-usb-uhci,id=uhci}. */
  UHCI("piix3-usb-uhci", "uhci"),
  /** USB 2.0 high speed: {@code -device usb-ehci,id=ehci}. */
  EHCI("usb-ehci", "ehci"),
  /** USB 3 (also serves USB 2 devices): {@code -device qemu-xhci,id=xhci}. */
  XHCI("qemu-xhci", "xhci");

  private final String qemuDevice;
  private final String id;

  UsbController(String qemuDevice, String id) {
    this.qemuDevice = qemuDevice;
    this.id = id;
  }

  /** The value of QEMU's {@code -device} option, e.g. "qemu-xhci,id=xhci". */
  String deviceOption() {
    return qemuDevice + ",id=" + id;
  }

  /** The bus of the controller's root ports, e.g. "xhci.0". */
  String bus() {
    return id + ".0";
  }
}
