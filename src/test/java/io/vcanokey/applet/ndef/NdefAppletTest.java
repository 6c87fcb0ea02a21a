package io.vcanokey.applet.ndef;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.admin.AdminApplet;
import io.vcanokey.applet.admin.DeviceConfig;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NdefAppletTest {

  // NFC Forum Type 4 Tag Operation 2.0, 5.4.2: NDEF Tag Application Select.
  private static final String SELECT_NDEF_APP = "00 A4 04 00 07 D2 76 00 00 85 01 01 00";
  // 5.4.3 and 5.4.5: Capability Container Select, NDEF Select (P1 00, P2 0C).
  private static final String SELECT_CC = "00 A4 00 0C 02 E1 03";
  private static final String SELECT_NDEF_FILE = "00 A4 00 0C 02 00 01";
  private static final String SELECT_ADMIN = "00 A4 04 00 05 F0 00 00 00 00";
  private static final String VERIFY_DEFAULT_ADMIN_PIN = "00 20 00 00 06 31 32 33 34 35 36";

  /**
   * The capability container, field by field from T4T 2.0, 5.1 (table 4) with the sizes of
   * canokey-core inventory 7.
   */
  private static final String CC_READ_WRITE =
      "00 0F" // CCLEN 15
          + " 20" // mapping version 2.0
          + " 04 00" // MLe 1024
          + " 04 00" // MLc 1024
          + " 04 06" // NDEF File Control TLV, length 6
          + " 00 01" // NDEF file identifier
          + " 04 00" // maximum NDEF file size 1024
          + " 00" // read access granted (5.1.2.1)
          + " 00"; // write access granted

  private static final String CC_READ_ONLY =
      CC_READ_WRITE.substring(0, CC_READ_WRITE.length() - 2)
          + "FF"; // no write access (T4T 2.0, 5.1.2.1 and 5.3.3)

  /** Inventory 7: NLEN 0011, then a short well-known URI record, prefix 04 "https://". */
  private static final byte[] DEFAULT_MESSAGE =
      concat(
          Hex.decode("00 11 D1 01 0D 55 04"), "canokeys.org".getBytes(StandardCharsets.US_ASCII));

  @TempDir Path dir;

  private StateFile state;
  private CardOs card;

  @BeforeEach
  void setUp() throws Exception {
    state = StateFile.open(dir.resolve("key"));
    card = newCard(state, UserPresence.always());
  }

  @AfterEach
  void tearDown() throws Exception {
    state.close();
  }

  private static CardOs newCard(StateFile state, UserPresence presence) {
    AppletContext context = new AppletContext(state, presence, new SecureRandom());
    return new CardOs(
        List.of(
            new NdefApplet(context, () -> DeviceConfig.read(state).ndefEnabled()),
            new AdminApplet(context)));
  }

  private ResponseApdu send(String hex) {
    return ResponseApdu.decode(card.transmit(Hex.decode(hex)));
  }

  private ResponseApdu send(byte[] apdu) {
    return ResponseApdu.decode(card.transmit(apdu));
  }

  private void assertSw(String hex, int sw) {
    assertThat(send(hex).sw()).as(hex).isEqualTo(sw);
  }

  private void reopen() throws Exception {
    state.close();
    state = StateFile.open(dir.resolve("key"));
    card = newCard(state, UserPresence.always());
  }

  private void admin(String... commands) {
    assertSw(SELECT_ADMIN, StatusWords.SW_NO_ERROR);
    assertSw(VERIFY_DEFAULT_ADMIN_PIN, StatusWords.SW_NO_ERROR);
    for (String command : commands) {
      assertSw(command, StatusWords.SW_NO_ERROR);
    }
  }

  @Test
  @DisplayName("T4T 2.0 5.4.2 / inventory 7: SELECT by the NDEF AID answers 9000 with no data")
  void select_ndefAid_noDataSuccess() {
    ResponseApdu response = send(SELECT_NDEF_APP);

    assertThat(response.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(response.data()).isEmpty();
  }

  @Test
  @DisplayName("inventory 7: with the admin setting NDEF off, SELECT answers 6A82; on again, 9000")
  void select_disabledByAdmin_fileNotFound() {
    admin("00 40 04 00");

    assertSw(SELECT_NDEF_APP, StatusWords.SW_FILE_NOT_FOUND);

    admin("00 40 04 01");
    assertSw(SELECT_NDEF_APP, StatusWords.SW_NO_ERROR);
  }

  @Test
  @DisplayName("inventory 7: READ and UPDATE BINARY with no file selected answer 6985")
  void readUpdate_nothingSelected_conditionsNotSatisfied() {
    send(SELECT_NDEF_APP);

    assertSw("00 B0 00 00 02", StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    assertSw("00 D6 00 00 01 00", StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
  }

  @Test
  @DisplayName("inventory 7: SELECT of a file other than E103 and 0001 answers 6A82")
  void selectFile_unknownId_fileNotFound() {
    send(SELECT_NDEF_APP);

    assertSw("00 A4 00 0C 02 E1 04", StatusWords.SW_FILE_NOT_FOUND);
    assertSw("00 A4 00 0C 02 00 02", StatusWords.SW_FILE_NOT_FOUND);
    assertSw("00 B0 00 00 02", StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
  }

  @Test
  @DisplayName("ISO 7816-4 7.1.1: SELECT with other P1-P2 answers 6A86, a bad identifier 6700")
  void selectFile_badParameters_errors() {
    send(SELECT_NDEF_APP);

    assertSw("00 A4 02 0C 02 E1 03", StatusWords.SW_INCORRECT_P1P2);
    assertSw("00 A4 00 04 02 E1 03", StatusWords.SW_INCORRECT_P1P2);
    assertSw("00 A4 00 0C 01 E1", StatusWords.SW_WRONG_LENGTH);
    assertSw("00 A4 00 0C", StatusWords.SW_WRONG_LENGTH);
    // T4T 1.0 readers select with P2 00.
    assertSw("00 A4 00 00 02 E1 03", StatusWords.SW_NO_ERROR);
  }

  @Test
  @DisplayName("T4T 2.0 5.1 table 4: the CC of a read/write tag, read with Le 0F")
  void readBinary_capabilityContainer_matchesSpec() {
    send(SELECT_NDEF_APP);
    send(SELECT_CC);

    ResponseApdu response = send("00 B0 00 00 0F");

    assertThat(response.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(response.data()).isEqualTo(Hex.decode(CC_READ_WRITE));
  }

  @Test
  @DisplayName("T4T 2.0 5.4.4: CCLEN first (Le 02), then the rest from offset 2")
  void readBinary_capabilityContainerInParts_matchesSpec() {
    send(SELECT_NDEF_APP);
    send(SELECT_CC);

    assertThat(send("00 B0 00 00 02").data()).isEqualTo(Hex.decode("00 0F"));
    assertThat(send("00 B0 00 02 0D").data())
        .isEqualTo(Arrays.copyOfRange(Hex.decode(CC_READ_WRITE), 2, 15));
  }

  @Test
  @DisplayName("T4T 2.0 5.1.2.1: a read-only tag has write access FF in its CC")
  void readBinary_capabilityContainerReadOnly_writeAccessFf() {
    admin("00 08 01 00");
    send(SELECT_NDEF_APP);
    send(SELECT_CC);

    assertThat(send("00 B0 00 00 0F").data()).isEqualTo(Hex.decode(CC_READ_ONLY));

    admin("00 08 00 00");
    send(SELECT_NDEF_APP);
    send(SELECT_CC);
    assertThat(send("00 B0 00 00 0F").data()).isEqualTo(Hex.decode(CC_READ_WRITE));
  }

  @Test
  @DisplayName("inventory 7: UPDATE BINARY on the CC answers 6985")
  void updateBinary_capabilityContainer_conditionsNotSatisfied() {
    send(SELECT_NDEF_APP);
    send(SELECT_CC);

    assertSw("00 D6 00 00 01 FF", StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    assertThat(send("00 B0 00 00 0F").data()).isEqualTo(Hex.decode(CC_READ_WRITE));
  }

  @Test
  @DisplayName("inventory 7: the default NDEF file is the canokeys.org URI record, zero padded")
  void readBinary_defaultNdefFile_uriRecord() {
    send(SELECT_NDEF_APP);
    send(SELECT_NDEF_FILE);

    assertThat(send("00 B0 00 00 02").data()).isEqualTo(Hex.decode("00 11"));
    assertThat(send("00 B0 00 02 11").data())
        .isEqualTo(Arrays.copyOfRange(DEFAULT_MESSAGE, 2, DEFAULT_MESSAGE.length));
    ResponseApdu whole = send("00 B0 00 00 00 04 00");
    assertThat(whole.data()).hasSize(1024);
    assertThat(whole.data()).isEqualTo(Arrays.copyOf(DEFAULT_MESSAGE, 1024));
  }

  @Test
  @DisplayName("T4T 2.0 5.4.7: an UPDATE BINARY is read back and survives a restart")
  void updateBinary_written_readBackAndPersists() throws Exception {
    send(SELECT_NDEF_APP);
    send(SELECT_NDEF_FILE);

    // An empty-record message: NLEN 0003, D0 00 00 (T4T 2.0 annex A).
    assertSw("00 D6 00 00 05 00 03 D0 00 00", StatusWords.SW_NO_ERROR);
    assertSw("00 D6 03 FC 04 01 02 03 04", StatusWords.SW_NO_ERROR);
    assertThat(send("00 B0 00 00 05").data()).isEqualTo(Hex.decode("00 03 D0 00 00"));

    reopen();
    send(SELECT_NDEF_APP);
    send(SELECT_NDEF_FILE);
    assertThat(send("00 B0 00 00 05").data()).isEqualTo(Hex.decode("00 03 D0 00 00"));
    assertThat(send("00 B0 03 FC 04").data()).isEqualTo(Hex.decode("01 02 03 04"));
  }

  @Test
  @DisplayName("inventory 7: offset + Le or offset + Lc beyond 1024 answers 6700")
  void readUpdate_pastEndOfFile_wrongLength() {
    send(SELECT_NDEF_APP);
    send(SELECT_NDEF_FILE);

    assertSw("00 B0 03 FF 01", StatusWords.SW_NO_ERROR);
    assertSw("00 B0 03 FF 02", StatusWords.SW_WRONG_LENGTH);
    assertSw("00 B0 00 00 00 04 01", StatusWords.SW_WRONG_LENGTH);
    assertSw("00 D6 03 FF 01 AA", StatusWords.SW_NO_ERROR);
    assertSw("00 D6 03 FF 02 AA BB", StatusWords.SW_WRONG_LENGTH);
    assertSw("00 D6 00 00 00 04 01" + " 00".repeat(1025), StatusWords.SW_WRONG_LENGTH);
    assertSw("00 D6 00 00 00 04 00" + " 00".repeat(1024), StatusWords.SW_NO_ERROR);
    assertSw("00 D6 00 10", StatusWords.SW_WRONG_LENGTH);
  }

  @Test
  @DisplayName("ISO 7816-4 table 6 / 7.2.3: an offset outside the file answers 6B00")
  void readUpdate_offsetOutsideFile_wrongP1P2() {
    send(SELECT_NDEF_APP);
    send(SELECT_NDEF_FILE);

    assertSw("00 B0 04 00 01", StatusWords.SW_WRONG_P1P2);
    assertSw("00 B0 7F FF 01", StatusWords.SW_WRONG_P1P2);
    assertSw("00 B0 80 00 01", StatusWords.SW_WRONG_P1P2);
    assertSw("00 D6 04 00 01 AA", StatusWords.SW_WRONG_P1P2);

    send(SELECT_CC);
    assertSw("00 B0 00 0F 01", StatusWords.SW_WRONG_P1P2);
  }

  @Test
  @DisplayName("ISO 7816-4 7.2.3: Le 00 reads up to the end of the file (within 256 bytes)")
  void readBinary_leZero_readsToEnd() {
    send(SELECT_NDEF_APP);
    send(SELECT_CC);
    assertThat(send("00 B0 00 00 00").data()).isEqualTo(Hex.decode(CC_READ_WRITE));

    send(SELECT_NDEF_FILE);
    assertThat(send("00 B0 00 00 00").data()).hasSize(256);
    assertThat(send("00 B0 03 E8 00").data()).hasSize(24);
  }

  @Test
  @DisplayName("inventory 7: UPDATE BINARY on a read-only file answers 6982; the flag persists")
  void updateBinary_readOnly_securityNotSatisfied() throws Exception {
    admin("00 08 01 00");
    reopen();
    send(SELECT_NDEF_APP);
    send(SELECT_NDEF_FILE);

    assertSw("00 D6 00 00 01 00", StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    assertThat(send("00 B0 00 00 02").data()).isEqualTo(Hex.decode("00 11"));
  }

  @Test
  @DisplayName("inventory 7: admin INS 07 restores the default message and write access")
  void adminReset_restoresDefault() {
    send(SELECT_NDEF_APP);
    send(SELECT_NDEF_FILE);
    send("00 D6 00 00 02 00 00");
    admin("00 08 01 00", "00 07 00 00");

    send(SELECT_NDEF_APP);
    send(SELECT_NDEF_FILE);
    assertThat(send("00 B0 00 00 13").data()).isEqualTo(DEFAULT_MESSAGE);
    send(SELECT_CC);
    assertThat(send("00 B0 00 00 0F").data()).isEqualTo(Hex.decode(CC_READ_WRITE));
  }

  @Test
  @DisplayName("admin CONFIG 04 persists across a restart")
  void select_disabledThenRestart_staysDisabled() throws Exception {
    admin("00 40 04 00");
    reopen();

    assertSw(SELECT_NDEF_APP, StatusWords.SW_FILE_NOT_FOUND);
  }

  @Test
  @DisplayName("ISO 7816-4 table 6: a failed write answers 6581 and leaves the file unchanged")
  void updateBinary_stateWriteFails_memoryFailure() throws Exception {
    send(SELECT_NDEF_APP);
    send(SELECT_NDEF_FILE);
    Path temp = blockWrites(state);

    assertSw("00 D6 00 00 02 00 00", StatusWords.SW_MEMORY_FAILURE);
    assertThat(send("00 B0 00 00 02").data()).isEqualTo(Hex.decode("00 11"));

    Files.delete(temp.resolve("block"));
    Files.delete(temp);
  }

  @Test
  @DisplayName("T4T 4.2: CLA other than 00 answers 6E00; unknown INS 6D00")
  void process_badClaOrIns_errors() {
    send(SELECT_NDEF_APP);

    assertSw("80 A4 00 0C 02 E1 03", StatusWords.SW_CLA_NOT_SUPPORTED);
    assertSw("00 CA 00 00 00", StatusWords.SW_INS_NOT_SUPPORTED);
  }

  @Test
  @DisplayName("malformed and random APDUs never answer 6F00 and never change the file")
  void process_randomApdus_neverUnknownError() {
    Random random = new Random(7);
    int[] ins = {0xA4, 0xB0, 0xD6, 0x00, 0xFF};
    for (int i = 0; i < 3000; i++) {
      send(SELECT_NDEF_APP);
      send(i % 2 == 0 ? SELECT_CC : SELECT_NDEF_FILE);
      byte[] apdu = new byte[random.nextInt(12)];
      random.nextBytes(apdu);
      if (apdu.length >= 2) {
        apdu[0] = 0x00;
        apdu[1] = (byte) ins[random.nextInt(ins.length)];
        if (apdu[1] == (byte) 0xD6) {
          apdu[1] = (byte) 0xB0; // keep the default content to check it afterwards
        }
      }

      ResponseApdu response = send(apdu);

      assertThat(response.sw()).as(Hex.spaced(apdu)).isNotEqualTo(StatusWords.SW_UNKNOWN);
    }
    send(SELECT_NDEF_APP);
    send(SELECT_NDEF_FILE);
    assertThat(send("00 B0 00 00 13").data()).isEqualTo(DEFAULT_MESSAGE);
  }

  /**
   * Makes every state-file write fail: the state file writes its new content to FILE.tmp first
   * (storage package docs), and a non-empty directory of that name cannot be deleted or replaced.
   * Root ignores file modes, so a read-only mode would not stop the tests, which run as root.
   */
  static Path blockWrites(StateFile state) throws Exception {
    Path temp = state.path().resolveSibling(state.path().getFileName() + ".tmp");
    Files.createDirectory(temp);
    Files.createFile(temp.resolve("block"));
    return temp;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
