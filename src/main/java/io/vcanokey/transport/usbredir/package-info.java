/**
 * The usbredir transport: the key as the "usb-host" side of the USB network redirection protocol
 * 0.7 (spice-usbredir {@code docs/usb-redirection-protocol.md}, struct layouts in {@code
 * usbredirparser/usbredirproto.h}), serving QEMU's {@code usb-redir} device.
 *
 * <p>Role: bytes on a socket to and from {@link io.vcanokey.usb.UsbDevice} calls. May depend on
 * {@code io.vcanokey.usb}, {@code io.vcanokey.platform} and {@code io.vcanokey.core}; knows nothing
 * of applets or of CTAPHID and CCID message formats.
 *
 * <p>Pieces: {@link io.vcanokey.transport.usbredir.UsbRedirCodec} frames the packets (one record
 * per type in {@link io.vcanokey.transport.usbredir.UsbRedirPacket}); {@link
 * io.vcanokey.transport.usbredir.UsbRedirSession} is one connection's state machine on the key
 * thread; {@link io.vcanokey.transport.usbredir.UsbRedirServer} accepts one guest at a time on a
 * {@link io.vcanokey.transport.usbredir.UsbRedirAddress}.
 *
 * <h2>Wire format</h2>
 *
 * <ul>
 *   <li>Every packet: {@code type} u32, {@code length} u32 (bytes that follow), {@code id} u32, or
 *       u64 once both hellos announce cap 64bits_ids (bit 5). Little-endian, packed.
 *   <li>Then a type-specific header of fixed size (hello 64, device_connect 8 or 10, ep_info 96,
 *       160 or 288, interface_info 132, control_packet 10, bulk_packet 8 or 10, interrupt_packet 4,
 *       ...), then data for hello (capability words), filter_filter (a string) and data packets.
 *   <li>Optional fields exist only when both sides announced the capability: device_version_bcd
 *       (cap 1), ep_info max_packet_size (cap 4) and max_streams (cap 0), bulk length_high (cap 6).
 *   <li>Data packets carry data one way only: OUT data from the guest, IN data from the host. A
 *       bulk IN request is a bulk_packet with a length and no data; the reply carries the data.
 *   <li>Order at start: each side sends hello first; then the host sends ep_info, interface_info
 *       and device_connect. After a successful set_configuration or set_alt_setting the host sends
 *       ep_info and interface_info before the status packet.
 * </ul>
 *
 * <h2>What QEMU 7.2 does ({@code hw/usb/redirect.c})</h2>
 *
 * <ul>
 *   <li>Announces caps connect_device_version, filter, ep_info_max_packet_size, 64bits_ids,
 *       32bits_bulk_length, bulk_receiving. Attaches to an xHCI port only if the host has
 *       ep_info_max_packet_size, 64bits_ids and 32bits_bulk_length.
 *   <li>Answers SET_ADDRESS itself; sends SET/GET_CONFIGURATION and SET/GET_INTERFACE as the
 *       dedicated packets and every other control request as control_packet with endpoint 0x80 for
 *       device-to-host requests and 0x00 otherwise.
 *   <li>Starts interrupt receiving (id 0) on the first guest poll of an interrupt IN endpoint, and
 *       stops it before set_configuration and set_alt_setting. It completes interrupt OUT transfers
 *       at once and only logs a failed status from our reply.
 *   <li>Sends bulk IN requests of up to about 1 MiB (pipelined packets combined) and cancels a
 *       waiting one with cancel_data_packet carrying its id. Buffered bulk receiving is used only
 *       for devices with a quirk entry (serial adapters), never for ours.
 *   <li>Sends reset without expecting a reply; the guest then enumerates the device again.
 * </ul>
 *
 * <h2>Seen with QEMU 7.2.22 and a Linux 6.1 guest (the guest tests in io.vcanokey.guest)</h2>
 *
 * <ul>
 *   <li>The device enumerates as 20a0:42d4 "CanoKey QEMU" at 12 Mbit/s on UHCI and 480 Mbit/s on
 *       EHCI and xHCI; SeaBIOS enumerates it once more before the kernel does.
 *   <li>On UHCI, QEMU sends each 64-byte bulk OUT packet as its own bulk_packet (a 1352-byte CCID
 *       message arrives as 22 packets), so a function's {@code dataOut} sees pieces there; on EHCI
 *       and xHCI a transfer arrives whole. Bulk IN requests are combined (up to 64 KiB and more).
 *   <li>On UHCI, QEMU cancels a transfer the guest removed from its schedule only after 32 frames
 *       (hcd-uhci.c); data the device produces meanwhile completes the abandoned bulk IN and is
 *       lost. When the cancel crosses our answer instead, the session hands the data to the next
 *       request (see {@link io.vcanokey.transport.usbredir.UsbRedirSession}).
 *   <li>64-byte interrupt echo round trips (OUT report, IN report) took about 2.1 to 2.6 ms on
 *       xHCI, 2.4 to 3.0 ms on EHCI and 4.1 to 4.3 ms on UHCI under TCG.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * Per connection a reader thread decodes packets and hands them to the key thread through {@link
 * io.vcanokey.platform.Scheduler#execute}; the session runs there and queues encoded replies for a
 * writer thread. The key thread never blocks on the socket: a guest that stops reading is dropped
 * when 1 MiB is waiting. A malformed packet ends only its connection (WARN line, no stack trace);
 * the device is reset and the next connection is served.
 *
 * <h2>Logging</h2>
 *
 * INFO for connections and resets, DEBUG one line per transfer, TRACE one line per packet with its
 * header fields and data length. Data bytes are never logged: CCID and CTAPHID payloads carry PINs.
 * The {@link io.vcanokey.usb.UsbTap} given to the server sees them, for the pcap the user asks for.
 */
package io.vcanokey.transport.usbredir;
