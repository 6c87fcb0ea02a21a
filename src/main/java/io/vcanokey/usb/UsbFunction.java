package io.vcanokey.usb;

/**
 * One interface's behaviour inside the device: CTAPHID or CCID. The {@link UsbDevice} owns the
 * descriptors and standard requests; a function sees only its class requests and its endpoints'
 * data.
 *
 * <p>Threading: every method is called on the key's single thread, never concurrently.
 */
public interface UsbFunction {

  /**
   * Handles a class-specific request addressed to this function's interface (recipient interface,
   * wIndex low byte = its interface number).
   *
   * @param setup the SETUP packet
   * @param data the OUT data stage, empty for IN requests
   * @return the result; {@link ControlResult#stall()} for unsupported requests
   */
  ControlResult classRequest(SetupPacket setup, byte[] data);

  /** Receives one OUT transfer (an interrupt report or a bulk transfer) from the host. */
  void dataOut(int endpointAddress, byte[] data);

  /**
   * The device was reset, deconfigured or detached: forget partial messages and pending answers.
   */
  void reset();
}
