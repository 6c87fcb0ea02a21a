package io.vcanokey.core.apdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vcanokey.core.bytes.Hex;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class CardOsTest {

  // AIDs from the canokey-core inventory, section 1.8.
  private static final byte[] PIV_AID = Hex.decode("A0 00 00 03 08");
  private static final byte[] OPENPGP_AID = Hex.decode("D2 76 00 01 24 01");

  private TestApplet piv;
  private TestApplet openpgp;
  private CardOs card;

  @BeforeEach
  void setUp() {
    piv = new TestApplet("piv", PIV_AID);
    openpgp = new TestApplet("openpgp", OPENPGP_AID);
    card = new CardOs(List.of(piv, openpgp));
    card.powerOn();
    piv.deselects = 0;
    openpgp.deselects = 0;
  }

  private ResponseApdu send(String hex) {
    return ResponseApdu.decode(card.transmit(Hex.decode(hex)));
  }

  @Test
  @DisplayName("inventory 1.8: SELECT 00 A4 04 00 with the exact AID selects the applet")
  void transmit_selectExactAid_appletSelectedAndAnswers() {
    ResponseApdu response = send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(response.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(response.data()).isEqualTo(PIV_AID);
    assertThat(card.selected()).containsSame(piv);
    assertThat(piv.selects).hasSize(1);
  }

  @Test
  @DisplayName("inventory 1.8: SELECT matches by prefix (Lc >= AID length, first bytes equal)")
  void transmit_selectLongerName_prefixMatches() {
    // The full OpenPGP AID carries version, manufacturer and serial after the RID and PIX.
    ResponseApdu response = send("00 A4 04 00 10 D2 76 00 01 24 01 03 04 F1 D0 00 00 00 01 00 00");

    assertThat(response.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(card.selected()).containsSame(openpgp);
  }

  @Test
  @DisplayName("inventory 1.8: a name shorter than every AID matches nothing: 6A82")
  void transmit_selectTruncatedAid_fileNotFound() {
    ResponseApdu response = send("00 A4 04 00 04 A0 00 00 03");

    assertThat(response.sw()).isEqualTo(StatusWords.SW_FILE_NOT_FOUND);
    assertThat(card.selected()).isEmpty();
  }

  @Test
  @DisplayName("inventory 1.8: an unknown AID answers 6A82 and the current applet stays selected")
  void transmit_selectUnknownAid_6A82AndCurrentKept() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    ResponseApdu response = send("00 A4 04 00 05 A0 00 00 99 99");
    ResponseApdu echo = send("00 01 00 00 02 CA FE");

    assertThat(response.sw()).isEqualTo(StatusWords.SW_FILE_NOT_FOUND);
    assertThat(response.length()).isZero();
    assertThat(card.selected()).containsSame(piv);
    assertThat(piv.deselects).isZero();
    assertThat(echo.data()).isEqualTo(Hex.decode("CA FE"));
  }

  @Test
  @DisplayName("inventory 1.8: selecting another applet deselects the old one")
  void transmit_selectOtherApplet_oldDeselected() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    send("00 A4 04 00 06 D2 76 00 01 24 01");

    assertThat(card.selected()).containsSame(openpgp);
    assertThat(piv.deselects).isEqualTo(1);
    assertThat(openpgp.deselects).isZero();
  }

  @Test
  void transmit_reselectSameApplet_notDeselected() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(piv.selects).hasSize(2);
    assertThat(piv.deselects).isZero();
  }

  @Test
  void transmit_appletRefusesSelect_itsSwAndCurrentKept() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    openpgp.refuseSelectSw = StatusWords.SW_FILE_NOT_FOUND;

    ResponseApdu response = send("00 A4 04 00 06 D2 76 00 01 24 01");

    assertThat(response.sw()).isEqualTo(StatusWords.SW_FILE_NOT_FOUND);
    assertThat(card.selected()).containsSame(piv);
    assertThat(piv.deselects).isZero();
  }

  @Test
  void transmit_twoAidsMatch_longestWins() {
    TestApplet shortAid = new TestApplet("short", Hex.decode("F0 00 00 00 00"));
    TestApplet longAid = new TestApplet("long", Hex.decode("F0 00 00 00 00 01"));
    CardOs os = new CardOs(List.of(shortAid, longAid));

    os.transmit(Hex.decode("00 A4 04 00 07 F0 00 00 00 00 01 02"));

    assertThat(os.selected()).containsSame(longAid);
  }

  @Test
  @DisplayName("ISO 7816-4:2005 7.1.1: P2 0C (no response data) is still a first-occurrence SELECT")
  void transmit_selectWithP2NoFci_selects() {
    ResponseApdu response = send("00 A4 04 0C 05 A0 00 00 03 08");

    assertThat(response.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(card.selected()).containsSame(piv);
  }

  @Test
  @DisplayName("ISO 7816-4:2005 7.1.1: SELECT next occurrence (P2 02) goes to the current applet")
  void transmit_selectNextOccurrence_passedToApplet() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    ResponseApdu response = send("00 A4 04 02 06 D2 76 00 01 24 01");

    assertThat(card.selected()).containsSame(piv);
    assertThat(piv.processed).hasSize(1);
    assertThat(response.sw()).isEqualTo(StatusWords.SW_INS_NOT_SUPPORTED);
  }

  @Test
  @DisplayName(
      "ISO 7816-4:2005 5.1.3 table 6: with no applet selected any other command answers 6D00")
  void transmit_nothingSelected_insNotSupported() {
    ResponseApdu response = send("00 01 00 00 01 AA");

    assertThat(response.sw()).isEqualTo(StatusWords.SW_INS_NOT_SUPPORTED);
    assertThat(piv.processed).isEmpty();
    assertThat(openpgp.processed).isEmpty();
  }

  @Test
  void transmit_selectedApplet_receivesCommand() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    ResponseApdu response = send("00 01 00 00 03 01 02 03 00");

    assertThat(response).isEqualTo(ResponseApdu.success(Hex.decode("01 02 03")));
    assertThat(piv.processed)
        .containsExactly(CommandApdu.decode(Hex.decode("00 01 00 00 03 01 02 03 00")));
  }

  @Test
  @DisplayName("STYLE.md errors: a StatusException from the applet becomes its SW, with no data")
  void transmit_appletThrowsStatus_swOnly() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(send("00 77 00 00").encode()).isEqualTo(Hex.decode("6D 00"));
  }

  @Test
  @DisplayName("STYLE.md errors: any other exception is a bug and answers 6F00")
  void transmit_appletThrowsRuntimeException_6F00AndCardKeepsWorking() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    ResponseApdu bug = send("00 BB 00 00");
    ResponseApdu next = send("00 01 00 00 01 42");

    assertThat(bug.encode()).isEqualTo(Hex.decode("6F 00"));
    assertThat(next).isEqualTo(ResponseApdu.success(Hex.decode("42")));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: a malformed APDU answers 6700 and reaches no applet")
  void transmit_malformedApdu_wrongLength() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    ResponseApdu response = send("00 01 00 00 05 01 02");

    assertThat(response.encode()).isEqualTo(Hex.decode("67 00"));
    assertThat(piv.processed).isEmpty();
  }

  @Test
  void transmit_emptyApdu_wrongLength() {
    assertThat(card.transmit(new byte[0])).isEqualTo(Hex.decode("67 00"));
  }

  @Test
  @DisplayName(
      "ISO 7816-4:2005 5.1.1.1: chain segments answer 9000; the last carries the whole data")
  void transmit_commandChain_appletSeesOneCommand() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(send("10 01 00 00 02 AA BB").encode()).isEqualTo(Hex.decode("90 00"));
    assertThat(send("10 01 00 00 01 CC").encode()).isEqualTo(Hex.decode("90 00"));
    ResponseApdu last = send("00 01 00 00 01 DD 00");

    assertThat(last.encode()).isEqualTo(Hex.decode("AA BB CC DD 90 00"));
    assertThat(piv.processed).hasSize(1);
    assertThat(piv.processed.get(0).cla()).isZero();
    assertThat(piv.processed.get(0).data()).isEqualTo(Hex.decode("AA BB CC DD"));
  }

  @Test
  @DisplayName(
      "ISO 7816-4:2005 5.1.3: a chain of short segments without Le gets at most 256 bytes, then"
          + " 61XX (yubico-piv-tool's RSA decryption)")
  void transmit_shortChainWithoutLe_responseLimitedToShortNe() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    byte[] first = new byte[255];
    byte[] second = new byte[45];
    assertThat(card.transmit(CommandApdu.of(0x10, 0x01, 0, 0, first).encode()))
        .isEqualTo(Hex.decode("90 00"));

    ResponseApdu last =
        ResponseApdu.decode(card.transmit(CommandApdu.of(0, 1, 0, 0, second).encode()));

    assertThat(last.length()).isEqualTo(256);
    assertThat(StatusWords.format(last.sw())).isEqualTo("612C");
    assertThat(ResponseApdu.decode(card.transmit(Hex.decode("00 C0 00 00 00"))).length())
        .isEqualTo(44);
  }

  @Test
  @DisplayName("inventory 11.2 test_apdu: a command with another header abandons the chain")
  void transmit_chainBrokenByOtherHeader_newCommandAloneAndChainDropped() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    send("10 01 00 00 02 AA BB");

    ResponseApdu other = send("00 01 00 01 01 EE");
    ResponseApdu afterwards = send("00 01 00 00 01 DD");

    assertThat(other.encode()).isEqualTo(Hex.decode("EE 90 00"));
    assertThat(afterwards.encode()).isEqualTo(Hex.decode("DD 90 00"));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1.1.1: a chain may fill the buffer exactly")
  void transmit_chainOfBufferSize_accepted() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    byte[] segment = new byte[256];
    int segments = CardOs.BUFFER_SIZE / segment.length;
    for (int i = 0; i < segments - 1; i++) {
      assertThat(card.transmit(CommandApdu.of(0x10, 0x01, 0, 0, segment, 0).encode()))
          .isEqualTo(Hex.decode("90 00"));
    }

    byte[] last = card.transmit(CommandApdu.of(0x00, 0x01, 0, 0, segment, 65536).encode());

    assertThat(ResponseApdu.decode(last).sw()).isEqualTo(0x61FF);
    assertThat(piv.processed.get(0).nc()).isEqualTo(CardOs.BUFFER_SIZE);
  }

  @Test
  @DisplayName("a chain longer than the APDU buffer answers 6700 and reaches no applet")
  void transmit_chainOverflowsBuffer_wrongLengthAndDropped() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    byte[] segment = new byte[255];
    int sw = 0;
    for (int i = 0; i * segment.length <= CardOs.BUFFER_SIZE; i++) {
      sw =
          ResponseApdu.decode(card.transmit(CommandApdu.of(0x10, 0x01, 0, 0, segment).encode()))
              .sw();
    }

    assertThat(sw).isEqualTo(StatusWords.SW_WRONG_LENGTH);
    assertThat(piv.processed).isEmpty();
    assertThat(send("00 01 00 00 01 DD").encode()).isEqualTo(Hex.decode("DD 90 00"));
  }

  @Test
  @DisplayName("a single extended APDU larger than the APDU buffer answers 6700")
  void transmit_extendedApduOverBuffer_wrongLength() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    byte[] data = new byte[CardOs.BUFFER_SIZE + 1];

    byte[] response = card.transmit(CommandApdu.of(0x00, 0x01, 0, 0, data).encode());

    assertThat(response).isEqualTo(Hex.decode("67 00"));
    assertThat(piv.processed).isEmpty();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1.1: CLA FF is invalid: 6E00, no applet sees it")
  void transmit_claFF_claNotSupported() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(send("FF EE FF EE").encode()).isEqualTo(Hex.decode("6E 00"));
    assertThat(piv.processed).isEmpty();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1.1: classes 001x xxxx are reserved: 6E00")
  void transmit_reservedCla_claNotSupported() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(send("20 01 00 00").encode()).isEqualTo(Hex.decode("6E 00"));
    assertThat(send("3F 01 00 00").encode()).isEqualTo(Hex.decode("6E 00"));
    assertThat(piv.processed).isEmpty();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 table 6: a logical channel other than 0 answers 6881")
  void transmit_logicalChannel_logicalChannelNotSupported() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(send("01 01 00 00").encode()).isEqualTo(Hex.decode("68 81"));
    assertThat(send("40 01 00 00").encode()).isEqualTo(Hex.decode("68 81"));
    assertThat(piv.processed).isEmpty();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 table 6: a secure-messaging class answers 6882")
  void transmit_secureMessagingCla_secureMessagingNotSupported() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(send("0C 01 00 00").encode()).isEqualTo(Hex.decode("68 82"));
    assertThat(piv.processed).isEmpty();
  }

  @Test
  @DisplayName("a proprietary class (b8 = 1) reaches the applet, which decides")
  void transmit_proprietaryCla_passedToApplet() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(send("80 01 00 00 01 42").encode()).isEqualTo(Hex.decode("42 90 00"));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1.3: a response longer than Ne goes in Ne pieces with 61XX")
  void transmit_responseLongerThanNe_61xxThenGetResponse() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    ResponseApdu first = send("00 02 01 2C 10"); // 300 bytes, Ne 16
    ResponseApdu second = send("00 C0 00 00 00"); // Ne 256
    ResponseApdu third = send("00 C0 00 00 00");

    assertThat(first.length()).isEqualTo(16);
    assertThat(first.sw()).isEqualTo(0x61FF); // 284 remain: more than SW2 can say
    assertThat(second.length()).isEqualTo(256);
    assertThat(second.sw()).isEqualTo(0x611C); // 28 remain
    assertThat(third.length()).isEqualTo(28);
    assertThat(third.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(piv.processed).hasSize(1);
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: short Le 00 means 256 bytes")
  void transmit_shortLe00_256Bytes() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    ResponseApdu response = send("00 02 01 2C 00");

    assertThat(response.length()).isEqualTo(256);
    assertThat(response.sw()).isEqualTo(0x612C);
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: extended Le 0000 means 65536, capped by the 1340-byte buffer")
  void transmit_extendedLe0000_upToBufferChunk() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    ResponseApdu small = send("00 02 01 2C 00 00 00");
    ResponseApdu large = send("00 02 07 D0 00 00 00"); // 2000 bytes
    ResponseApdu rest = send("00 C0 00 00 00 00 00");

    assertThat(small.length()).isEqualTo(300);
    assertThat(small.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(large.length()).isEqualTo(CardOs.MAX_RESPONSE_CHUNK);
    assertThat(large.sw()).isEqualTo(0x61FF);
    assertThat(rest.length()).isEqualTo(2000 - CardOs.MAX_RESPONSE_CHUNK);
    assertThat(rest.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
  }

  @Test
  @DisplayName("a case 3 command with no Le still gets up to 256 bytes, then 61XX")
  void transmit_noLe_upTo256() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    byte[] data = new byte[255];

    ResponseApdu response =
        ResponseApdu.decode(card.transmit(CommandApdu.of(0, 1, 0, 0, data).encode()));

    assertThat(response.length()).isEqualTo(255);
    assertThat(response.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
  }

  @Test
  @DisplayName("GET RESPONSE with nothing pending answers 6985")
  void transmit_getResponseNothingPending_conditionsNotSatisfied() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(send("00 C0 00 00 00").encode()).isEqualTo(Hex.decode("69 85"));
  }

  @Test
  @DisplayName("another command drops the rest of a long response")
  void transmit_otherCommandAfter61xx_restDropped() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    send("00 02 01 2C 10");

    assertThat(send("00 01 00 00 01 AB").encode()).isEqualTo(Hex.decode("AB 90 00"));
    assertThat(send("00 C0 00 00 00").encode()).isEqualTo(Hex.decode("69 85"));
  }

  @Test
  @DisplayName("GET RESPONSE with P1-P2 other than 0000 answers 6A86")
  void transmit_getResponseWrongP1P2_incorrectP1P2() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    send("00 02 01 2C 10");

    assertThat(send("00 C0 00 01 00").encode()).isEqualTo(Hex.decode("6A 86"));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 7.6.1: GET RESPONSE carries no data; a data field answers 6700")
  void transmit_getResponseWithData_wrongLength() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    send("00 02 01 2C 10");

    assertThat(send("00 C0 00 00 01 00 00").encode()).isEqualTo(Hex.decode("67 00"));
  }

  @Test
  @DisplayName("the applet's own send-remaining instruction (YKOATH A5) continues a 61XX")
  void transmit_appletSendRemainingIns_continues() {
    TestApplet oath = new TestApplet("oath", Hex.decode("A0 00 00 05 27 21 01"));
    oath.sendRemainingIns = 0xA5;
    CardOs withOath = new CardOs(List.of(oath));
    withOath.transmit(Hex.decode("00 A4 04 00 07 A0 00 00 05 27 21 01"));

    ResponseApdu first = ResponseApdu.decode(withOath.transmit(Hex.decode("00 02 01 2C")));
    ResponseApdu rest = ResponseApdu.decode(withOath.transmit(Hex.decode("00 A5 00 00")));

    assertThat(first.length()).isEqualTo(256);
    assertThat(first.sw()).isEqualTo(0x612C);
    assertThat(rest.length()).isEqualTo(44);
    assertThat(rest.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
  }

  @Test
  @DisplayName("power off drops a pending response and a half-received chain")
  void powerOff_pendingResponseAndChain_dropped() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    send("00 02 01 2C 10");
    card.powerOff();
    card.powerOn();
    send("00 A4 04 00 05 A0 00 00 03 08");

    assertThat(send("00 C0 00 00 00").encode()).isEqualTo(Hex.decode("69 85"));
  }

  @Test
  void transmit_extendedApdu_reachesAppletWhole() {
    send("00 A4 04 00 05 A0 00 00 03 08");
    byte[] data = new byte[1000];
    data[999] = 0x7E;

    byte[] response = card.transmit(CommandApdu.of(0x00, 0x01, 0, 0, data, 65536).encode());

    assertThat(ResponseApdu.decode(response)).isEqualTo(ResponseApdu.success(data));
  }

  @Test
  void powerOff_selectedApplet_allDeselectedAndNoneSelected() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    card.powerOff();

    assertThat(card.selected()).isEmpty();
    assertThat(piv.deselects).isEqualTo(1);
    assertThat(openpgp.deselects).isEqualTo(1);
    assertThat(send("00 01 00 00 01 AA").sw()).isEqualTo(StatusWords.SW_INS_NOT_SUPPORTED);
  }

  @Test
  void powerOn_selectedApplet_sessionsReset() {
    send("00 A4 04 00 06 D2 76 00 01 24 01");

    card.powerOn();

    assertThat(card.selected()).isEmpty();
    assertThat(openpgp.deselects).isEqualTo(1);
  }

  @Test
  void constructor_duplicateAid_rejected() {
    TestApplet twin = new TestApplet("twin", PIV_AID);

    assertThatThrownBy(() -> new CardOs(List.of(piv, twin)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("ISO 7816-5: an AID is 5 to 16 bytes")
  void constructor_aidTooShort_rejected() {
    TestApplet tiny = new TestApplet("tiny", Hex.decode("A0 00 00 03"));

    assertThatThrownBy(() -> new CardOs(List.of(tiny)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("inventory 1.6: the ATR is 3B F7 11 00 00 81 31 FE 65 \"Canokey\" 99")
  void atr_isReferenceAtr() {
    assertThat(card.atr())
        .isEqualTo(Hex.decode("3B F7 11 00 00 81 31 FE 65 43 61 6E 6F 6B 65 79 99"));
  }

  @Test
  @DisplayName("ISO 7816-3:2006 8.2.5: XOR of T0 through TCK is zero")
  void atr_checkByte_xorOfT0ToTckIsZero() {
    byte[] atr = card.atr();
    int xor = 0;
    for (int i = 1; i < atr.length; i++) {
      xor ^= atr[i];
    }

    assertThat(xor).isZero();
  }

  @Test
  @DisplayName("STYLE.md logging: the PIN in a VERIFY data field never reaches the trace")
  void transmit_verifyAtTraceLevel_pinWithheld() {
    Logger logger = (Logger) LoggerFactory.getLogger(CardOs.class);
    Level before = logger.getLevel();
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    logger.setLevel(Level.TRACE);
    try {
      send("00 A4 04 00 05 A0 00 00 03 08");

      // PIN "123456" padded with FF, as PIV VERIFY sends it.
      ResponseApdu response = send("00 20 00 80 08 31 32 33 34 35 36 FF FF");

      assertThat(response.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
      assertThat(events.list).isNotEmpty();
      assertThat(events.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .noneMatch(line -> line.contains("31 32 33") || line.contains("313233"));
    } finally {
      logger.detachAppender(events);
      logger.setLevel(before);
    }
  }
}
