/**
 * Command and response APDUs (ISO/IEC 7816-4:2005, section 5.1), status words, and the card
 * operating system that selects applets by AID and dispatches APDUs to them.
 *
 * <p>Role: the one place where raw APDU bytes become typed commands. Transports (CCID XfrBlock,
 * vpcd, the in-process API) call {@link io.vcanokey.core.apdu.CardOs#transmit(byte[])}; applets
 * implement {@link io.vcanokey.core.apdu.Applet} and never see raw bytes.
 *
 * <p>Dependencies: {@code io.vcanokey.core.bytes} and slf4j only. Nothing here knows USB, CCID or
 * any applet.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>{@link io.vcanokey.core.apdu.CommandApdu#decode(byte[])} accepts exactly the seven cases of
 *       ISO/IEC 7816-4 5.1 (1, 2S, 3S, 4S, 2E, 3E, 4E); every other length, including an extended
 *       Lc of 0000 and trailing bytes, is rejected with 6700. Ne is 0 when the Le field is absent,
 *       256 for a short Le of 00 and 65536 for an extended Le of 0000.
 *   <li>A failed command is a status word, carried by the unchecked {@link
 *       io.vcanokey.core.apdu.StatusException} and caught only in {@code CardOs.transmit}. Any
 *       other exception reaching the card OS is a bug: ERROR log with stack, answer 6F00.
 *   <li>Selection matches the reference key (canokey-core inventory, 1.8): prefix match on the AID,
 *       6A82 for an unknown AID with the current applet kept, deselect of the old applet when
 *       another one is selected, and all sessions reset at power on and off.
 *   <li>The class byte is checked before anything else: CLA FF and the reserved 001x xxxx answer
 *       6E00, secure messaging 6882, logical channels other than the basic one 6881; proprietary
 *       classes reach the applet.
 *   <li>Command chaining (CLA bit 10) joins segments with one header up to {@code
 *       CardOs.BUFFER_SIZE} bytes (6700 beyond); each segment answers 9000; another header abandons
 *       the chain. A single APDU with more data than the buffer also answers 6700.
 *   <li>Responses longer than Ne (or, without Le, than 256 or 65536 bytes) or than {@code
 *       CardOs.MAX_RESPONSE_CHUNK} go out in pieces: 61XX, then GET RESPONSE (C0) or the applet's
 *       own instruction such as YKOATH's SEND REMAINING (A5). Any other command drops the rest.
 *   <li>Logging: DEBUG one line per APDU (applet, header, lengths, SW); TRACE the raw APDUs, with
 *       the data field of VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and of commands an
 *       applet flags with {@link io.vcanokey.core.apdu.Applet#carriesSecret} withheld.
 * </ul>
 */
package io.vcanokey.core.apdu;
