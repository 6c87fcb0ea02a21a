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
      "ISO 7816-4:2005 5.1.1.1 / table 6: chained CLA 10 answers 6884 until chaining exists")
  void transmit_chainedCommand_commandChainingNotSupported() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    ResponseApdu response = send("10 01 00 00 02 AA BB");

    assertThat(response.encode()).isEqualTo(Hex.decode("68 84"));
    assertThat(piv.processed).isEmpty();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1.1: CLA FF is invalid, not chained; the applet decides")
  void transmit_claFF_passedToApplet() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    send("FF EE FF EE");

    assertThat(piv.processed).hasSize(1);
  }

  @Test
  void transmit_responseLongerThanNe_goesOutWhole() {
    send("00 A4 04 00 05 A0 00 00 03 08");

    ResponseApdu response = send("00 02 01 2C 10");

    assertThat(response.length()).isEqualTo(300);
    assertThat(response.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
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
