/**
 * The CCID function of the key: a USB smart-card reader with one slot and the card always present
 * (USB Device Class: Smart Card CCID, rev 1.1, April 2005), exchanging APDUs with the card OS.
 *
 * <p>Role: turn bulk-OUT transfers on endpoint 0x02 into CCID command messages, answer each with
 * exactly one bulk-IN message on endpoint 0x82, and serve the CCID class requests on the control
 * pipe. {@link io.vcanokey.usb.ccid.CcidFunction} is the entry point; {@link
 * io.vcanokey.usb.ccid.CcidClassDescriptor} gives the class descriptor it honours.
 *
 * <p>Dependencies: {@code io.vcanokey.usb} (the function contract), {@code io.vcanokey.core.apdu}
 * (the card OS), {@code io.vcanokey.core.bytes}, {@code io.vcanokey.platform} and slf4j. It knows
 * no applet.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>Wire format (6.1, 6.2): 10-byte header {bMessageType, dwLength (LE), bSlot, bSeq, three
 *       message-specific bytes} then dwLength bytes of abData; {@link
 *       io.vcanokey.usb.ccid.CcidMessage} codes both directions. Every answer echoes bSlot and bSeq
 *       and carries bStatus = bmCommandStatus &lt;&lt; 6 | bmICCStatus.
 *   <li>Assembly: pieces are joined by dwLength. dwMaxCCIDMessageLength is 1352, so dwLength above
 *       1342 fails at once with bError 1 (the offset of dwLength, 6.2.6) and the rest of that
 *       transfer is discarded, up to the end of the host's transfer (the first piece that is not a
 *       multiple of the 64-byte packet size). Nothing waits for bytes that cannot fit.
 *   <li>Errors: a command handler throws {@link io.vcanokey.usb.ccid.CcidException}; one catch
 *       builds the failed answer of the command's response type. Check order follows the message
 *       layout: message type (CMD_NOT_SUPPORTED), dwLength (1), bSlot (5, with bmICCStatus "no ICC
 *       present"), then the command's own fields (7, 8). Reserved bytes must be zero, as the
 *       reference key demands.
 *   <li>Slot state: present and inactive at start and after IccPowerOff or a USB reset; active
 *       after IccPowerOn, which resets the card OS sessions and answers the ATR. XfrBlock on an
 *       inactive card fails with ICC_MUTE.
 *   <li>SetParameters and ResetParameters fail with CMD_NOT_SUPPORTED, as in the reference key;
 *       CCID 6.1.6 and 6.1.7 allow it, and the class descriptor announces automatic parameter
 *       negotiation and PPS (dwFeatures 40h, 80h), so libccid does not send them.
 *   <li>Abort (5.3.1, 6.1.13): after the ABORT class request for bSeq S, every command fails with
 *       CMD_ABORTED until PC_to_RDR_Abort with bSeq S, which answers SlotStatus. The request also
 *       drops a half-received message. A PC_to_RDR_Abort arriving first is answered at once, and
 *       its late request is absorbed: the card answers synchronously, so there is never a command
 *       in progress to wait for.
 *   <li>Time extension (bStatus 80h, 6.2.6) is not sent: the card OS answers before the next
 *       message is read. It will be needed if a command ever waits, e.g. for user presence; the
 *       scheduler given to the constructor is there for it.
 *   <li>Logging: DEBUG one line per message (names as in the spec, bStatus, bError, time); TRACE
 *       the headers and lengths only, since abData holds APDUs (the card OS traces those with
 *       secrets withheld); WARN for malformed host traffic.
 * </ul>
 */
package io.vcanokey.usb.ccid;
