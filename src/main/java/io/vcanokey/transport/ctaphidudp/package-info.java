/**
 * The CTAPHID-over-UDP transport: the key's FIDO interface on a loopback UDP port, one 64-byte
 * CTAPHID report (CTAP 2.1, section 11.2.4) per datagram, as the SoloKeys simulator does, so that
 * host FIDO libraries (python-fido2 with a UDP connection class) reach the authenticator with no
 * USB and no QEMU.
 *
 * <p>Role: datagrams to and from a {@link io.vcanokey.usb.ctaphid.CtapHidFunction}. The CTAPHID
 * framing, channels, arbitration, keepalives and timeouts are that function's, unchanged; this
 * package only moves reports. May depend on {@code io.vcanokey.usb.ctaphid}, {@code
 * io.vcanokey.core} and {@code io.vcanokey.platform}; knows nothing of applets.
 *
 * <h2>Wire convention</h2>
 *
 * <ul>
 *   <li>The key receives on 127.0.0.1 port 8111 by default. It binds loopback only: anyone who can
 *       send it a datagram can use the key.
 *   <li>Each datagram carries one report of 1 to 64 bytes; a short one is padded with zeros, as a
 *       short interrupt transfer is. Empty or longer datagrams are dropped with a WARN.
 *   <li>Replies go to the address the channel's last datagram came from (the SoloKeys convention
 *       has clients receive on 7112, but any source port works). A reply on the broadcast CID goes
 *       to whoever sent the last broadcast datagram.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * One receiver thread reads the socket and hands every report to the key thread through {@link
 * io.vcanokey.platform.Scheduler#execute}; the key thread sends the replies.
 */
package io.vcanokey.transport.ctaphidudp;
