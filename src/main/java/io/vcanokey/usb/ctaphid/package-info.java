/**
 * The CTAPHID USB function: FIDO's HID transport (CTAP 2.1, section 11.2, "USB Human Interface
 * Device (USB HID)").
 *
 * <p>Role: turns 64-byte HID reports into CTAPHID messages and back, allocates and arbitrates
 * channels, answers INIT, PING, WINK and every transport error itself, and hands MSG and CBOR
 * requests to a {@link io.vcanokey.usb.ctaphid.CtapHidHandler}: in the key, {@link
 * io.vcanokey.usb.ctaphid.FidoHidAdapter} around the FIDO applet.
 *
 * <p>May depend on: {@code io.vcanokey.usb} (the function contract), {@code
 * io.vcanokey.applet.fido} (only in the adapter), {@code io.vcanokey.platform} (scheduler) and
 * {@code io.vcanokey.core}. Descriptors (interface, HID and report descriptors) belong to the
 * device, not to this package.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>Wire format (11.2.4): frames are records ({@link io.vcanokey.usb.ctaphid.InitFrame}, {@link
 *       io.vcanokey.usb.ctaphid.ContinuationFrame}) decoded once at the boundary; a whole message
 *       is a {@link io.vcanokey.usb.ctaphid.CtapHidMessage}, which fragments itself; a {@link
 *       io.vcanokey.usb.ctaphid.MessageAssembler} reassembles one request.
 *   <li>Protocol errors are {@link io.vcanokey.usb.ctaphid.CtapHidException}s, caught in one place
 *       in {@link io.vcanokey.usb.ctaphid.CtapHidFunction}, which answers CTAPHID_ERROR on the
 *       offending channel. Malformed input never changes another channel's state.
 *   <li>Where the reference key (canokey-core, inventory 2) departs from the spec we follow the
 *       spec: channels are tracked and unknown ones refused, WINK is advertised since it is
 *       handled. The reference's limits are kept: 1300-byte messages, 800 ms frame timeout.
 *   <li>Logging: DEBUG one line per request and response, WARN for malformed host input, TRACE for
 *       raw reports (with the data of clientPIN frames blanked out).
 * </ul>
 */
package io.vcanokey.usb.ctaphid;
