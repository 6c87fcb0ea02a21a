package io.vcanokey.transport.usbredir;

/**
 * One decoded usbredir packet with the id from its {@code usb_redir_header}
 * (usb-redirection-protocol.md, "Basic packet structure / communication"): the guest chooses ids,
 * the host echoes them in replies; unsolicited host packets use 0 or a running count.
 *
 * @param id the header id, an unsigned 32- or 64-bit value held in a long
 * @param packet the packet
 */
public record UsbRedirFrame(long id, UsbRedirPacket packet) {

  @Override
  public String toString() {
    return UsbRedirProto.typeName(packet.type()) + "#" + Long.toUnsignedString(id);
  }
}
