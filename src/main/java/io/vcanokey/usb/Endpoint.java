package io.vcanokey.usb;

/**
 * One non-control endpoint of the device, as its endpoint descriptor declares it (USB 2.0, 9.6.6).
 *
 * @param address bEndpointAddress: number in bits 3-0, 0x80 set for IN
 * @param type transfer type
 * @param maxPacketSize wMaxPacketSize in bytes
 * @param interval bInterval, in the units the device's speed gives it
 * @param interfaceNumber the interface that owns the endpoint
 */
public record Endpoint(
    int address, TransferType type, int maxPacketSize, int interval, int interfaceNumber) {

  public boolean isIn() {
    return (address & 0x80) != 0;
  }

  public int number() {
    return address & 0x0F;
  }
}
