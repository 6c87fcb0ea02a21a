package io.vcanokey.usb.ccid;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.TestApplet;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.ManualScheduler;
import io.vcanokey.usb.ControlResult;
import io.vcanokey.usb.SetupPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CcidFunctionTest {

  // Inventory 1.6.
  private static final String ATR = "3B F7 11 00 00 81 31 FE 65 43 61 6E 6F 6B 65 79 99";
  private static final byte[] PIV_AID = Hex.decode("A0 00 00 03 08");

  private final List<byte[]> bulkIn = new ArrayList<>();
  private TestApplet applet;
  private CcidFunction ccid;

  @BeforeEach
  void setUp() {
    applet = new TestApplet("piv", PIV_AID);
    CardOs card = new CardOs(List.of(applet));
    ccid = new CcidFunction(bulkIn::add, card, new ManualScheduler());
  }

  /** Sends one bulk-OUT transfer and returns the single bulk-IN answer. */
  private byte[] exchange(String hex) {
    return exchange(Hex.decode(hex));
  }

  private byte[] exchange(byte[] transfer) {
    bulkIn.clear();
    ccid.dataOut(CcidFunction.ENDPOINT_BULK_OUT, transfer);
    assertThat(bulkIn).as("bulk-IN answers").hasSize(1);
    return bulkIn.get(0);
  }

  private void powerOn() {
    exchange("62 00 00 00 00 00 00 00 00 00");
  }

  /** A PC_to_RDR_XfrBlock carrying {@code apdu}, with bSeq {@code seq}. */
  private static byte[] xfrBlock(int seq, byte[] apdu) {
    byte[] message = new byte[10 + apdu.length];
    message[0] = 0x6F;
    message[1] = (byte) apdu.length;
    message[2] = (byte) (apdu.length >> 8);
    message[6] = (byte) seq;
    System.arraycopy(apdu, 0, message, 10, apdu.length);
    return message;
  }

  /** A PC_to_RDR_XfrBlock carrying part of an APDU, with wLevelParameter {@code level}. */
  private static byte[] xfrBlockPart(int seq, byte[] part, int level) {
    byte[] message = xfrBlock(seq, part);
    message[8] = (byte) level;
    message[9] = (byte) (level >> 8);
    return message;
  }

  private static SetupPacket abortRequest(int slot, int seq) {
    return new SetupPacket(0x21, 0x01, seq << 8 | slot, 2, 0);
  }

  @Test
  @DisplayName("CCID 6.2.6: at start the card is present and inactive (bmICCStatus 1)")
  void getSlotStatus_initially_presentInactive() {
    byte[] answer = exchange("65 00 00 00 00 00 05 00 00 00");

    assertThat(answer).isEqualTo(Hex.decode("81 00 00 00 00 00 05 01 00 00"));
  }

  @Test
  @DisplayName("CCID 6.1.1 / inventory 1.6: IccPowerOn answers a DataBlock holding the ATR")
  void iccPowerOn_automaticVoltage_dataBlockWithAtr() {
    byte[] answer = exchange("62 00 00 00 00 00 07 00 00 00");

    assertThat(answer).isEqualTo(Hex.decode("80 11 00 00 00 00 07 00 00 00 " + ATR));
    assertThat(ccid.iccStatus()).isEqualTo(IccStatus.PRESENT_ACTIVE);
  }

  @Test
  @DisplayName("CCID 6.2.6: after IccPowerOn the slot reports an active card (bmICCStatus 0)")
  void getSlotStatus_afterPowerOn_active() {
    powerOn();

    assertThat(exchange("65 00 00 00 00 00 08 00 00 00"))
        .isEqualTo(Hex.decode("81 00 00 00 00 00 08 00 00 00"));
  }

  @Test
  @DisplayName("CCID 6.1.2: IccPowerOff answers SlotStatus with the card present and inactive")
  void iccPowerOff_activeCard_slotStatusInactive() {
    powerOn();

    byte[] answer = exchange("63 00 00 00 00 00 09 00 00 00");

    assertThat(answer).isEqualTo(Hex.decode("81 00 00 00 00 00 09 01 00 00"));
    assertThat(exchange("65 00 00 00 00 00 0A 00 00 00"))
        .isEqualTo(Hex.decode("81 00 00 00 00 00 0A 01 00 00"));
  }

  @Test
  @DisplayName("CCID 6.1.1, 6.2.6 / inventory 1.6: bPowerSelect other than 0 fails at offset 7")
  void iccPowerOn_voltage5V_failsAtOffset7() {
    byte[] answer = exchange("62 00 00 00 00 00 03 01 00 00");

    assertThat(answer).isEqualTo(Hex.decode("80 00 00 00 00 00 03 41 07 00"));
    assertThat(ccid.iccStatus()).isEqualTo(IccStatus.PRESENT_INACTIVE);
  }

  @Test
  @DisplayName("CCID 6.1.1: IccPowerOn on an active card is a warm reset of applet sessions")
  void iccPowerOn_whileActive_resetsSessions() {
    powerOn();
    exchange(xfrBlock(1, Hex.decode("00 A4 04 00 05 A0 00 00 03 08")));
    int before = applet.deselects;

    powerOn();

    assertThat(applet.deselects).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("CCID 6.1.4 / 6.2.1: XfrBlock with a short APDU round-trips through the card OS")
  void xfrBlock_shortApdu_dataBlockWithResponse() {
    powerOn();

    byte[] answer = exchange("6F 0A 00 00 00 00 21 00 00 00 00 A4 04 00 05 A0 00 00 03 08");

    assertThat(answer).isEqualTo(Hex.decode("80 07 00 00 00 00 21 00 00 00 A0 00 00 03 08 90 00"));
  }

  @Test
  @DisplayName("CCID 6.1.4 with dwFeatures 40000h: an extended APDU travels in one XfrBlock")
  void xfrBlock_extendedApdu_roundTrips() {
    powerOn();
    exchange(xfrBlock(1, Hex.decode("00 A4 04 00 05 A0 00 00 03 08")));
    byte[] data = new byte[1000];
    Arrays.fill(data, (byte) 0x3C);
    byte[] apdu = CommandApdu.of(0x00, TestApplet.INS_ECHO, 0, 0, data, 65536).encode();

    byte[] answer = exchange(xfrBlock(2, apdu));

    assertThat(Arrays.copyOf(answer, 10)).isEqualTo(Hex.decode("80 EA 03 00 00 00 02 00 00 00"));
    assertThat(Arrays.copyOfRange(answer, 10, 1010)).isEqualTo(data);
    assertThat(Arrays.copyOfRange(answer, 1010, 1012)).isEqualTo(Hex.decode("90 00"));
  }

  @Test
  @DisplayName("CCID 5.1 dwMaxCCIDMessageLength 1352: dwLength 1342 is accepted")
  void xfrBlock_dataOfMaximumLength_accepted() {
    powerOn();
    exchange(xfrBlock(1, Hex.decode("00 A4 04 00 05 A0 00 00 03 08")));
    byte[] apdu = CommandApdu.of(0x00, TestApplet.INS_ECHO, 0, 0, new byte[1335]).encode();
    assertThat(apdu).hasSize(1342);

    byte[] answer = exchange(xfrBlock(2, apdu));

    assertThat(answer).hasSize(10 + 1335 + 2);
    assertThat(answer[7]).isZero();
  }

  @Test
  @DisplayName("inventory 1.6: a malformed APDU is answered by the card with SW 6700")
  void xfrBlock_malformedApdu_sw6700InSuccessfulDataBlock() {
    powerOn();

    byte[] answer = exchange("6F 06 00 00 00 00 04 00 00 00 00 A4 04 00 05 A0");

    assertThat(answer).isEqualTo(Hex.decode("80 02 00 00 00 00 04 00 00 00 67 00"));
  }

  @Test
  @DisplayName("CCID 6.2.6: XfrBlock to an inactive card fails with ICC_MUTE (FE)")
  void xfrBlock_cardInactive_iccMute() {
    byte[] answer = exchange("6F 04 00 00 00 00 0C 00 00 00 00 A4 04 00");

    assertThat(answer).isEqualTo(Hex.decode("80 00 00 00 00 00 0C 41 FE 00"));
  }

  @Test
  @DisplayName(
      "CCID 6.1.4 table 6.1-4: a continuation part with no command begun fails at offset 8")
  void xfrBlock_continuationWithoutBegin_failsAtOffset8() {
    powerOn();

    byte[] answer = exchange("6F 04 00 00 00 00 0D 00 02 00 00 A4 04 00");

    assertThat(answer).isEqualTo(Hex.decode("80 00 00 00 00 00 0D 40 08 00"));
  }

  @Test
  @DisplayName("CCID 6.1.4 table 6.1-4: an unknown wLevelParameter fails at offset 8")
  void xfrBlock_unknownLevelParameter_failsAtOffset8() {
    powerOn();

    byte[] answer = exchange("6F 04 00 00 00 00 0D 00 04 00 00 A4 04 00");

    assertThat(answer).isEqualTo(Hex.decode("80 00 00 00 00 00 0D 40 08 00"));
  }

  @Test
  @DisplayName(
      "CCID 6.1.4 / 6.2.1: an APDU in three XfrBlocks (0001, 0003, 0002) reaches the card whole")
  void xfrBlock_commandInParts_joined() {
    powerOn();
    exchange(xfrBlock(1, Hex.decode("00 A4 04 00 05 A0 00 00 03 08")));
    byte[] data = new byte[2000];
    Arrays.fill(data, (byte) 0x33);
    byte[] apdu = CommandApdu.of(0x00, TestApplet.INS_ECHO, 0, 0, data, 0).encode();

    byte[] first = exchange(xfrBlockPart(2, Arrays.copyOfRange(apdu, 0, 800), 0x0001));
    byte[] middle = exchange(xfrBlockPart(3, Arrays.copyOfRange(apdu, 800, 1600), 0x0003));
    byte[] last = exchange(xfrBlockPart(4, Arrays.copyOfRange(apdu, 1600, apdu.length), 0x0002));

    // bChainParameter 10h with no data: the reader expects the next part of the command.
    assertThat(first).isEqualTo(Hex.decode("80 00 00 00 00 00 02 00 00 10"));
    assertThat(middle).isEqualTo(Hex.decode("80 00 00 00 00 00 03 00 00 10"));
    // The echo of 2000 bytes: the card sends 1340 of them with 61XX.
    assertThat(last[9]).isZero();
    assertThat(last.length).isEqualTo(10 + CardOs.MAX_RESPONSE_CHUNK + 2);
  }

  @Test
  @DisplayName("a response larger than dwMaxIFSD reaches the host in pieces through 61XX")
  void xfrBlock_responseLargerThanIfsd_pagedByCard() {
    powerOn();
    exchange(xfrBlock(1, Hex.decode("00 A4 04 00 05 A0 00 00 03 08")));

    // INS 02 answers P1P2 = 0x053D = 1341 bytes; extended Le 0000 asks for all of them.
    byte[] answer = exchange(xfrBlock(2, Hex.decode("00 02 05 3D 00 00 00")));

    assertThat(answer).hasSize(10 + CardOs.MAX_RESPONSE_CHUNK + 2);
    assertThat(Arrays.copyOfRange(answer, answer.length - 2, answer.length))
        .isEqualTo(Hex.decode("61 01"));
  }

  @Test
  @DisplayName("CCID 6.1: a message written in 64-byte packets is assembled by dwLength")
  void dataOut_messageIn64BytePieces_assembled() {
    powerOn();
    exchange(xfrBlock(1, Hex.decode("00 A4 04 00 05 A0 00 00 03 08")));
    byte[] message =
        xfrBlock(2, CommandApdu.of(0x00, TestApplet.INS_ECHO, 0, 0, new byte[200]).encode());
    bulkIn.clear();

    for (int at = 0; at < message.length; at += 64) {
      ccid.dataOut(0x02, Arrays.copyOfRange(message, at, Math.min(message.length, at + 64)));
      if (at + 64 < message.length) {
        assertThat(bulkIn).isEmpty();
      }
    }

    assertThat(bulkIn).hasSize(1);
    assertThat(bulkIn.get(0)).hasSize(10 + 200 + 2);
    assertThat(bulkIn.get(0)[6]).isEqualTo((byte) 2);
  }

  @Test
  void dataOut_twoMessagesInTurn_eachAnswered() {
    assertThat(exchange("65 00 00 00 00 00 01 00 00 00")[6]).isEqualTo((byte) 1);
    assertThat(exchange("65 00 00 00 00 00 02 00 00 00")[6]).isEqualTo((byte) 2);
  }

  @Test
  @DisplayName("CCID 6.1/6.2.6: dwLength above dwMaxCCIDMessageLength - 10 fails at offset 1")
  void dataOut_oversizedDwLength_failsAtOffset1AtOnce() {
    powerOn();
    // dwLength 1343 = 0x053F, one byte more than fits; the first 64-byte packet is enough.
    byte[] header = Hex.decode("6F 3F 05 00 00 00 0E 00 00 00");
    byte[] firstPacket = Arrays.copyOf(header, 64);

    byte[] answer = exchange(firstPacket);

    assertThat(answer).isEqualTo(Hex.decode("80 00 00 00 00 00 0E 40 01 00"));
  }

  @Test
  @DisplayName("after an oversized message the rest of its transfer is dropped, then all is normal")
  void dataOut_restOfOversizedTransfer_droppedThenNormal() {
    powerOn();
    byte[] message = new byte[10 + 1400];
    System.arraycopy(Hex.decode("6F 78 05 00 00 00 0E 00 00 00"), 0, message, 0, 10);
    Arrays.fill(message, 10, message.length, (byte) 0x65); // would parse as GetSlotStatus

    bulkIn.clear();
    for (int at = 0; at < message.length; at += 64) {
      ccid.dataOut(0x02, Arrays.copyOfRange(message, at, Math.min(message.length, at + 64)));
    }

    assertThat(bulkIn).hasSize(1);
    assertThat(bulkIn.get(0)[8]).isEqualTo((byte) 0x01);
    assertThat(exchange("65 00 00 00 00 00 0F 00 00 00"))
        .isEqualTo(Hex.decode("81 00 00 00 00 00 0F 00 00 00"));
  }

  @Test
  @DisplayName("a bogus huge dwLength in a short transfer costs that transfer only, never a hang")
  void dataOut_hugeDwLengthShortTransfer_nextTransferAnswered() {
    byte[] answer = exchange("6F FF FF FF FF 00 10 00 00 00 00 A4");

    assertThat(answer).isEqualTo(Hex.decode("80 00 00 00 00 00 10 41 01 00"));
    assertThat(exchange("65 00 00 00 00 00 11 00 00 00"))
        .isEqualTo(Hex.decode("81 00 00 00 00 00 11 01 00 00"));
  }

  @Test
  @DisplayName("USB 2.0 5.8.3: a transfer ending before its dwLength is answered, not joined")
  void dataOut_transferEndsBeforeMessage_answeredAsBadLengthAndNotJoined() {
    powerOn();
    // XfrBlock declaring 100 data bytes, but the transfer ends (short packet) after 30.
    byte[] truncated = new byte[30];
    System.arraycopy(Hex.decode("6F 64 00 00 00 00 20 00 00 00"), 0, truncated, 0, 10);

    assertThat(exchange(truncated)).isEqualTo(Hex.decode("80 00 00 00 00 00 20 40 01 00"));
    assertThat(exchange("65 00 00 00 00 00 21 00 00 00"))
        .isEqualTo(Hex.decode("81 00 00 00 00 00 21 00 00 00"));
  }

  @Test
  void dataOut_fragmentShorterThanHeader_droppedAndNextAnswered() {
    bulkIn.clear();
    ccid.dataOut(0x02, Hex.decode("65 00 00 00 00"));

    assertThat(bulkIn).isEmpty();
    assertThat(exchange("65 00 00 00 00 00 07 00 00 00"))
        .isEqualTo(Hex.decode("81 00 00 00 00 00 07 01 00 00"));
  }

  @Test
  void dataOut_bytesAfterCompleteMessage_droppedAndMessageAnsweredOnce() {
    byte[] answer = exchange("65 00 00 00 00 00 12 00 00 00 65 00 00 00 00 00 13 00 00 00");

    assertThat(answer).isEqualTo(Hex.decode("81 00 00 00 00 00 12 01 00 00"));
  }

  @Test
  void dataOut_otherEndpoint_ignored() {
    bulkIn.clear();

    ccid.dataOut(0x01, Hex.decode("65 00 00 00 00 00 01 00 00 00"));

    assertThat(bulkIn).isEmpty();
  }

  @Test
  @DisplayName("CCID 6.2.6: bSlot other than 0 fails with bError 5, no ICC present, bSeq echoed")
  void dataOut_slotOne_slotDoesNotExist() {
    byte[] answer = exchange("65 00 00 00 00 01 9C 00 00 00");

    assertThat(answer).isEqualTo(Hex.decode("81 00 00 00 00 01 9C 42 05 00"));
  }

  @Test
  @DisplayName("CCID 6.2.6: a command without abData that carries some fails at offset 1")
  void getSlotStatus_withData_failsAtOffset1() {
    byte[] answer = exchange("65 01 00 00 00 00 14 00 00 00 AA");

    assertThat(answer).isEqualTo(Hex.decode("81 00 00 00 00 00 14 41 01 00"));
  }

  @Test
  @DisplayName("CCID 6.1.3: reserved bytes must be zero; the first bad offset is reported")
  void getSlotStatus_nonZeroReserved_failsAtOffset7() {
    byte[] answer = exchange("65 00 00 00 00 00 15 00 00 01");

    assertThat(answer).isEqualTo(Hex.decode("81 00 00 00 00 00 15 41 07 00"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "SetParameters, 61 07 00 00 00 00 20 01 00 00 11 10 00 15 00 FE 00, 82 00 00 00 00 00 20 41 00 01",
    "ResetParameters, 6D 00 00 00 00 00 20 00 00 00, 82 00 00 00 00 00 20 41 00 01",
    "Escape, 6B 01 00 00 00 00 20 00 00 00 AA, 83 00 00 00 00 00 20 41 00 00",
    "IccClock, 6E 00 00 00 00 00 20 00 00 00, 81 00 00 00 00 00 20 41 00 00",
    "T0APDU, 6A 00 00 00 00 00 20 00 00 00, 81 00 00 00 00 00 20 41 00 00",
    "Secure, 69 00 00 00 00 00 20 00 00 00, 80 00 00 00 00 00 20 41 00 00",
    "Mechanical, 71 00 00 00 00 00 20 01 00 00, 81 00 00 00 00 00 20 41 00 00",
    "SetDataRateAndClockFrequency, 73 08 00 00 00 00 20 00 00 00 A0 0F 00 00 00 B0 04 00,"
        + " 84 08 00 00 00 00 20 41 00 00 A0 0F 00 00 00 B0 04 00",
    "unknown type 50, 50 00 00 00 00 00 20 00 00 00, 81 00 00 00 00 00 20 41 00 00",
    "unknown type 00, 00 00 00 00 00 00 20 00 00 00, 81 00 00 00 00 00 20 41 00 00",
  })
  @DisplayName("CCID 6.2.6: unsupported commands fail with CMD_NOT_SUPPORTED in their own type")
  void dataOut_unsupportedCommand_cmdNotSupported(String name, String command, String expected) {
    assertThat(exchange(command)).isEqualTo(Hex.decode(expected));
  }

  @Test
  @DisplayName("CCID 6.2.3 / inventory 1.6: GetParameters answers T=1 11 10 00 15 00 FE 00")
  void getParameters_t1Structure() {
    powerOn();

    byte[] answer = exchange("6C 00 00 00 00 00 16 00 00 00");

    assertThat(answer).isEqualTo(Hex.decode("82 07 00 00 00 00 16 00 00 01 11 10 00 15 00 FE 00"));
  }

  @Test
  @DisplayName("CCID 5.3.1: after the ABORT request, commands fail CMD_ABORTED until Abort")
  void abort_requestThenBulk_flushesThenSlotStatus() {
    powerOn();

    ControlResult control = ccid.classRequest(abortRequest(0, 0x30), new byte[0]);
    byte[] flushed = exchange("6F 04 00 00 00 00 31 00 00 00 00 A4 04 00");
    byte[] abort = exchange("72 00 00 00 00 00 30 00 00 00");
    byte[] after = exchange("65 00 00 00 00 00 32 00 00 00");

    assertThat(control.isStall()).isFalse();
    assertThat(flushed).isEqualTo(Hex.decode("80 00 00 00 00 00 31 40 FF 00"));
    assertThat(abort).isEqualTo(Hex.decode("81 00 00 00 00 00 30 00 00 00"));
    assertThat(after).isEqualTo(Hex.decode("81 00 00 00 00 00 32 00 00 00"));
  }

  @Test
  @DisplayName("CCID 5.3.1: a PC_to_RDR_Abort with another bSeq does not end the abort")
  void abort_bulkWithOtherSequence_stillAborting() {
    ccid.classRequest(abortRequest(0, 0x40), new byte[0]);

    byte[] wrong = exchange("72 00 00 00 00 00 41 00 00 00");
    byte[] right = exchange("72 00 00 00 00 00 40 00 00 00");

    assertThat(wrong).isEqualTo(Hex.decode("81 00 00 00 00 00 41 41 FF 00"));
    assertThat(right).isEqualTo(Hex.decode("81 00 00 00 00 00 40 01 00 00"));
  }

  @Test
  @DisplayName("CCID 5.3.1: Abort arriving before its request is answered, the request absorbed")
  void abort_bulkBeforeRequest_answeredAndRequestAbsorbed() {
    byte[] abort = exchange("72 00 00 00 00 00 50 00 00 00");
    ControlResult control = ccid.classRequest(abortRequest(0, 0x50), new byte[0]);
    byte[] after = exchange("65 00 00 00 00 00 51 00 00 00");

    assertThat(abort).isEqualTo(Hex.decode("81 00 00 00 00 00 50 01 00 00"));
    assertThat(control.isStall()).isFalse();
    assertThat(after).isEqualTo(Hex.decode("81 00 00 00 00 00 51 01 00 00"));
  }

  @Test
  @DisplayName("CCID 5.3.1: the ABORT request drops a partly received bulk-OUT message")
  void abort_requestDuringPartialMessage_messageDropped() {
    bulkIn.clear();
    ccid.dataOut(0x02, Hex.decode("6F 00 01 00 00 00 60 00 00 00 00 A4"));

    ccid.classRequest(abortRequest(0, 0x61), new byte[0]);
    byte[] abort = exchange("72 00 00 00 00 00 61 00 00 00");

    assertThat(abort).isEqualTo(Hex.decode("81 00 00 00 00 00 61 01 00 00"));
  }

  @Test
  @DisplayName("CCID 5.3.1: ABORT is host-to-device with wLength 0 for slot 0; otherwise stall")
  void classRequest_malformedAbort_stalls() {
    assertThat(ccid.classRequest(abortRequest(1, 0x01), new byte[0]).isStall()).isTrue();
    assertThat(ccid.classRequest(new SetupPacket(0xA1, 0x01, 0, 2, 0), new byte[0]).isStall())
        .isTrue();
    assertThat(ccid.classRequest(new SetupPacket(0x21, 0x01, 0, 2, 4), new byte[4]).isStall())
        .isTrue();
  }

  @Test
  @DisplayName("CCID 5.3.2 with bNumClockSupported 0: the one frequency, 4000 kHz, as a DWORD")
  void classRequest_getClockFrequencies_4000kHz() {
    ControlResult result = ccid.classRequest(new SetupPacket(0xA1, 0x02, 0, 2, 4), new byte[0]);

    assertThat(result.data()).isEqualTo(Hex.decode("A0 0F 00 00"));
  }

  @Test
  @DisplayName("CCID 5.3.3 with bNumDataRatesSupported 0: the one rate, 307200 bps, as a DWORD")
  void classRequest_getDataRates_307200() {
    ControlResult result = ccid.classRequest(new SetupPacket(0xA1, 0x03, 0, 2, 4), new byte[0]);

    assertThat(result.data()).isEqualTo(Hex.decode("00 B0 04 00"));
  }

  @Test
  @DisplayName("USB 2.0 9.2.7: unknown or misdirected requests stall")
  void classRequest_unknownOrNotClass_stalls() {
    assertThat(ccid.classRequest(new SetupPacket(0xA1, 0x04, 0, 2, 4), new byte[0]).isStall())
        .isTrue();
    assertThat(ccid.classRequest(new SetupPacket(0x81, 0x02, 0, 2, 4), new byte[0]).isStall())
        .isTrue();
    assertThat(ccid.classRequest(new SetupPacket(0x21, 0x02, 0, 2, 0), new byte[0]).isStall())
        .isTrue();
  }

  @Test
  void reset_partialMessageAndActiveCard_droppedAndInactive() {
    powerOn();
    bulkIn.clear();
    ccid.dataOut(0x02, Hex.decode("6F 00 01 00 00 00 70 00 00 00 00 A4"));

    ccid.reset();
    byte[] status = exchange("65 00 00 00 00 00 71 00 00 00");

    assertThat(status).isEqualTo(Hex.decode("81 00 00 00 00 00 71 01 00 00"));
    assertThat(ccid.iccStatus()).isEqualTo(IccStatus.PRESENT_INACTIVE);
  }

  @Test
  void reset_duringAbort_abortForgotten() {
    ccid.classRequest(abortRequest(0, 0x72), new byte[0]);

    ccid.reset();

    assertThat(exchange("65 00 00 00 00 00 73 00 00 00"))
        .isEqualTo(Hex.decode("81 00 00 00 00 00 73 01 00 00"));
  }
}
