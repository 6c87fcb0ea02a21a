package io.vcanokey.applet.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.key.Provisioning;
import io.vcanokey.platform.TouchPolicy;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminAppletTest {

  private static final String SELECT_ADMIN = "00 A4 04 00 05 F0 00 00 00 00";
  // Inventory 8: default admin PIN "123456".
  private static final String VERIFY_DEFAULT = "00 20 00 00 06 31 32 33 34 35 36";
  private static final String VERIFY_WRONG = "00 20 00 00 06 39 39 39 39 39 39";
  private static final String VERIFY_EMPTY = "00 20 00 00";

  /** Instructions that need the PIN (inventory 8), including the ones we do not implement. */
  private static final int[] PROTECTED_INS = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x07, 0x08, 0x09, 0x11, 0x12, 0x13, 0x14, 0x21, 0x30, 0x40, 0x41,
    0x42, 0x43, 0x44, 0xFF, 0x77
  };

  @TempDir Path dir;

  private StateFile state;
  private RecordingPresence presence;
  private CardOs card;

  /** A user-presence service that records each purpose and answers as told. */
  static final class RecordingPresence implements UserPresence {
    final List<String> asked = new ArrayList<>();
    boolean grant = true;

    @Override
    public boolean confirm(String purpose) {
      asked.add(purpose);
      return grant;
    }

    @Override
    public TouchPolicy policy() {
      return grant ? TouchPolicy.AUTO : TouchPolicy.DENY;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    state = StateFile.open(dir.resolve("key"));
    Provisioning.provision(state, new SecureRandom());
    presence = new RecordingPresence();
    card = newCard(presence);
    assertSw(SELECT_ADMIN, StatusWords.SW_NO_ERROR);
  }

  @AfterEach
  void tearDown() throws Exception {
    state.close();
  }

  private CardOs newCard(UserPresence userPresence) {
    return new CardOs(
        List.of(new AdminApplet(new AppletContext(state, userPresence, new SecureRandom()))));
  }

  private void reopen() throws Exception {
    state.close();
    state = StateFile.open(dir.resolve("key"));
    card = newCard(presence);
    assertSw(SELECT_ADMIN, StatusWords.SW_NO_ERROR);
  }

  private ResponseApdu send(String hex) {
    return ResponseApdu.decode(card.transmit(Hex.decode(hex)));
  }

  private void assertSw(String hex, int sw) {
    assertThat(StatusWords.format(send(hex).sw())).as(hex).isEqualTo(StatusWords.format(sw));
  }

  private int retriesOnDisk() throws Exception {
    // Decode the file as the next start of the key would read it.
    return readRecords(state.path()).get("admin/pin-retries")[0];
  }

  /** The records on disk, read through a fresh StateFile on a copy (the original stays locked). */
  private TreeMap<String, byte[]> readRecords(Path file) throws Exception {
    Path copy = dir.resolve("copy-" + System.nanoTime());
    Files.copy(file, copy);
    TreeMap<String, byte[]> records = new TreeMap<>();
    try (StateFile snapshot = StateFile.open(copy)) {
      for (String name : snapshot.names()) {
        records.put(name, snapshot.get(name).orElseThrow());
      }
    }
    return records;
  }

  private static String pinApdu(int ins, int length) {
    return String.format("00 %02X 00 00 %02X", ins, length) + " 37".repeat(length);
  }

  // ---- protection ----------------------------------------------------------------------------

  @Test
  @DisplayName("inventory 8 / admin_test: every protected INS answers 6982 before VERIFY")
  void process_protectedInsBeforeVerify_securityNotSatisfied() {
    for (int ins : PROTECTED_INS) {
      assertSw(String.format("00 %02X 00 00", ins), StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
      assertSw(
          String.format("00 %02X 01 00 01 00", ins), StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
  }

  @Test
  @DisplayName("inventory 8: unknown and unimplemented INS answer 6D00 after VERIFY")
  void process_unsupportedInsAfterVerify_insNotSupported() {
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);

    for (int ins : new int[] {0x01, 0x02, 0x11, 0x12, 0x14, 0x43, 0x44, 0x77, 0xB0}) {
      assertSw(String.format("00 %02X 00 00", ins), StatusWords.SW_INS_NOT_SUPPORTED);
    }
  }

  @Test
  @DisplayName("inventory 8: vendor-specific INS FF is accepted after VERIFY and does nothing")
  void vendorSpecific_afterVerify_success() {
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);

    assertSw("00 FF 00 00 02 01 02", StatusWords.SW_NO_ERROR);
  }

  @Test
  @DisplayName("inventory 8: CLA is not checked")
  void verify_otherCla_accepted() {
    assertSw("80 20 00 00 06 31 32 33 34 35 36", StatusWords.SW_NO_ERROR);
    assertSw("80 42 00 00", StatusWords.SW_NO_ERROR);
  }

  @Test
  @DisplayName("SELECT again forgets the verified PIN")
  void select_again_verifiedPinForgotten() {
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    assertSw(SELECT_ADMIN, StatusWords.SW_NO_ERROR);

    assertSw("00 42 00 00", StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
  }

  // ---- VERIFY --------------------------------------------------------------------------------

  @Test
  @DisplayName("ISO 7816-4 7.5.6: VERIFY with no data answers 63C3, then 9000 once verified")
  void verify_empty_reportsStatus() {
    assertSw(VERIFY_EMPTY, StatusWords.counter(3));
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);

    assertSw(VERIFY_EMPTY, StatusWords.SW_NO_ERROR);
  }

  @Test
  @DisplayName("admin_test: wrong PINs count 63C2, 63C1, 63C0, then 6983 even for the right PIN")
  void verify_wrongPins_countDownThenBlocked() {
    assertSw(VERIFY_WRONG, StatusWords.counter(2));
    assertSw(VERIFY_WRONG, StatusWords.counter(1));
    assertSw(VERIFY_WRONG, StatusWords.counter(0));

    assertSw(VERIFY_WRONG, StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
    assertSw(VERIFY_DEFAULT, StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
    assertSw(VERIFY_EMPTY, StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
    assertSw("00 42 00 00", StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
  }

  @Test
  @DisplayName("a correct PIN restores 3 tries; a wrong one ends the verified state")
  void verify_correctAfterWrong_restoresCounter() {
    assertSw(VERIFY_WRONG, StatusWords.counter(2));
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    assertThat(state.get("admin/pin-retries").orElseThrow()).containsExactly(3);

    assertSw(VERIFY_WRONG, StatusWords.counter(2));
    assertSw("00 42 00 00", StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
  }

  @Test
  @DisplayName(
      "inventory 8: a PIN shorter than 6 or longer than 64 bytes answers 6700, no try lost")
  void verify_badLength_wrongLengthNoTryLost() {
    assertSw(pinApdu(0x20, 5), StatusWords.SW_WRONG_LENGTH);
    assertSw(pinApdu(0x20, 65), StatusWords.SW_WRONG_LENGTH);
    assertSw("00 20 00 00 00 00 41" + " 37".repeat(65), StatusWords.SW_WRONG_LENGTH); // extended Lc

    assertSw(VERIFY_EMPTY, StatusWords.counter(3));
  }

  @Test
  @DisplayName("the retry counter and PIN survive a restart")
  void verify_wrongThenRestart_counterKept() throws Exception {
    assertSw(VERIFY_WRONG, StatusWords.counter(2));
    reopen();

    assertSw(VERIFY_EMPTY, StatusWords.counter(2));
    assertThat(retriesOnDisk()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "issue 3: the counter is written before the answer; a failed write answers 6581 for right"
          + " and wrong PINs alike and never restores the counter")
  void verify_stateWriteFails_memoryFailureCounterNeverReset() throws Exception {
    assertSw(VERIFY_WRONG, StatusWords.counter(2));
    assertThat(retriesOnDisk()).isEqualTo(2);
    Path temp = blockWrites();

    assertSw(VERIFY_DEFAULT, StatusWords.SW_MEMORY_FAILURE);
    assertSw(VERIFY_WRONG, StatusWords.SW_MEMORY_FAILURE);

    assertSw("00 42 00 00", StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    assertSw(VERIFY_EMPTY, StatusWords.counter(2));
    assertThat(state.get("admin/pin-retries").orElseThrow()).containsExactly(2);
    unblock(temp);
    assertThat(retriesOnDisk()).isEqualTo(2);
    reopen();
    assertSw(VERIFY_EMPTY, StatusWords.counter(2));
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
  }

  @Test
  @DisplayName(
      "issue 3: even with all 3 tries left, a correct PIN is answered only after a durable write"
          + " of the decremented counter, so a failing write answers 6581")
  void verify_fullCounterWriteFails_memoryFailure() throws Exception {
    Path temp = blockWrites();

    assertSw(VERIFY_DEFAULT, StatusWords.SW_MEMORY_FAILURE);

    unblock(temp);
    assertThat(retriesOnDisk()).isEqualTo(3);
    assertSw("00 42 00 00", StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
  }

  @Test
  @DisplayName("with the PIN blocked, a failed write still answers 6983 (nothing to write)")
  void verify_blockedAndWriteFails_blocked() throws Exception {
    for (int i = 0; i < 3; i++) {
      send(VERIFY_WRONG);
    }
    Path temp = blockWrites();

    assertSw(VERIFY_DEFAULT, StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
    unblock(temp);
  }

  // ---- CHANGE PIN ----------------------------------------------------------------------------

  @Test
  @DisplayName("admin_test: CHANGE PIN rejects 5 and 65 bytes, accepts 64, then needs VERIFY")
  void changePin_lengths_limitsAndStateCleared() throws Exception {
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    assertSw(pinApdu(0x21, 5), StatusWords.SW_WRONG_LENGTH);
    assertSw(pinApdu(0x21, 65), StatusWords.SW_WRONG_LENGTH);
    assertSw("00 21 00 00", StatusWords.SW_WRONG_LENGTH);

    assertSw(pinApdu(0x21, 64), StatusWords.SW_NO_ERROR);

    assertSw("00 42 00 00", StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    assertSw(VERIFY_DEFAULT, StatusWords.counter(2));
    reopen();
    assertSw(pinApdu(0x20, 64), StatusWords.SW_NO_ERROR);
    assertSw(VERIFY_EMPTY, StatusWords.SW_NO_ERROR);
  }

  @Test
  @DisplayName("CHANGE PIN data is withheld from traces")
  void carriesSecret_changePin_true() {
    AdminApplet applet = new AdminApplet(new AppletContext(state, presence, new SecureRandom()));

    assertThat(applet.carriesSecret(CommandApdu.of(0, 0x21, 0, 0, new byte[6]))).isTrue();
    assertThat(applet.carriesSecret(CommandApdu.of(0, 0x40, 1, 1))).isFalse();
  }

  // ---- version and serial --------------------------------------------------------------------

  @Test
  @DisplayName("admin_test: READ VERSION gives at least 8 characters and the variant 'CanoKey'")
  void readVersion_noPinNeeded_versionAndVariant() {
    ResponseApdu firmware = send("00 31 00 00");
    ResponseApdu variant = send("00 31 01 00");

    assertThat(firmware.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(new String(firmware.data(), StandardCharsets.US_ASCII)).hasSizeGreaterThan(7);
    assertThat(variant.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(new String(variant.data(), StandardCharsets.US_ASCII)).isEqualTo("CanoKey QEMU");
    assertSw("00 31 02 00", StatusWords.SW_INCORRECT_P1P2);
  }

  @Test
  @DisplayName("admin_test: READ SN gives the 4-byte serial; P1 01 the one-byte HW serial")
  void readSerialNumber_noPinNeeded_serial() {
    ResponseApdu serial = send("00 32 00 00 04");
    ResponseApdu hardware = send("00 32 01 00");

    assertThat(serial.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(serial.data()).isEqualTo(state.get(Provisioning.SERIAL_NUMBER).orElseThrow());
    assertThat(send("00 32 00 00").data()).hasSize(4);
    assertThat(hardware.data()).containsExactly(0);
    assertSw("00 32 00 00 02", StatusWords.SW_WRONG_LENGTH);
    assertSw("00 32 02 00", StatusWords.SW_INCORRECT_P1P2);
  }

  @Test
  @DisplayName("inventory 8: WRITE SN is write-once; a provisioned key answers 6985")
  void writeSerialNumber_provisioned_conditionsNotSatisfied() {
    byte[] serial = state.get(Provisioning.SERIAL_NUMBER).orElseThrow();
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);

    assertSw("00 30 00 00 04 11 22 33 44", StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    assertSw("00 30 00 00 03 11 22 33", StatusWords.SW_WRONG_LENGTH);
    assertThat(send("00 32 00 00 04").data()).isEqualTo(serial);
  }

  @Test
  @DisplayName("admin_test: WRITE SN on a key without a serial works once, then 6985")
  void writeSerialNumber_missing_writtenOnce() throws Exception {
    state.update(tx -> tx.delete(Provisioning.SERIAL_NUMBER));
    assertSw("00 32 00 00 04", StatusWords.SW_REFERENCED_DATA_NOT_FOUND);
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);

    assertSw("00 30 00 00 04 11 22 33 44", StatusWords.SW_NO_ERROR);
    assertSw("00 30 00 00 04 55 66 77 88", StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    assertThat(send("00 32 00 00 04").data()).isEqualTo(Hex.decode("11 22 33 44"));
  }

  // ---- settings ------------------------------------------------------------------------------

  @Test
  @DisplayName("inventory 8: READ CONFIG by default is [LED 1, 0, NDEF r/o 0, NDEF 1, WebUSB 1, 0]")
  void readConfig_defaults() {
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);

    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("01 00 00 01 01 00"));
  }

  @Test
  @DisplayName("admin_test: CONFIG P1 01/04/05 with P2 bit 0 is mirrored by READ CONFIG")
  void config_eachSwitch_mirroredAndPersistent() throws Exception {
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);

    assertSw("00 40 01 00", StatusWords.SW_NO_ERROR);
    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("00 00 00 01 01 00"));
    assertSw("00 40 04 00", StatusWords.SW_NO_ERROR);
    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("00 00 00 00 01 00"));
    assertSw("00 40 05 FE", StatusWords.SW_NO_ERROR); // only bit 0 counts
    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("00 00 00 00 00 00"));
    assertSw("00 40 01 01", StatusWords.SW_NO_ERROR);
    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("01 00 00 00 00 00"));

    reopen();
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("01 00 00 00 00 00"));
  }

  @Test
  @DisplayName("inventory 8: CONFIG with another P1 answers 6A86")
  void config_otherP1_incorrectP1P2() {
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);

    for (int p1 : new int[] {0x00, 0x02, 0x03, 0x06, 0xFF}) {
      assertSw(String.format("00 40 %02X 01", p1), StatusWords.SW_INCORRECT_P1P2);
    }
  }

  @Test
  @DisplayName("admin_test: NDEF READ-ONLY 01/00 is mirrored in READ CONFIG byte 3; other P1 6A86")
  void ndefReadOnly_toggle_mirroredAndPersistent() throws Exception {
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);

    assertSw("00 08 01 00", StatusWords.SW_NO_ERROR);
    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("01 00 01 01 01 00"));
    reopen();
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("01 00 01 01 01 00"));
    assertSw("00 08 00 00", StatusWords.SW_NO_ERROR);
    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("01 00 00 01 01 00"));
    assertSw("00 08 02 00", StatusWords.SW_INCORRECT_P1P2);
  }

  @Test
  @DisplayName("inventory 8: FLASH USAGE is [used KiB, 128 KiB], used from the state file's size")
  void flashUsage_reportsStateFileSize() throws Exception {
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    state.put("oath/filler", new byte[5000]);

    ResponseApdu response = send("00 41 00 00");

    long expectedKib = (Files.size(state.path()) + 1023) / 1024;
    assertThat(response.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
    assertThat(response.data()).containsExactly((int) expectedKib, 128);
    assertThat(expectedKib).isGreaterThanOrEqualTo(5);
  }

  @Test
  @DisplayName("a setting or reset that cannot be stored answers 6581 and nothing changes")
  void config_stateWriteFails_memoryFailure() throws Exception {
    state.put("oath/cred-1", new byte[] {1});
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    Path temp = blockWrites();

    assertSw("00 40 04 00", StatusWords.SW_MEMORY_FAILURE);
    assertSw("00 05 00 00", StatusWords.SW_MEMORY_FAILURE);

    unblock(temp);
    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("01 00 00 01 01 00"));
    assertThat(state.get("oath/cred-1")).isPresent();
  }

  // ---- resets --------------------------------------------------------------------------------

  private void putAppletRecords() throws Exception {
    state.update(
        tx ->
            tx.put("pgp/data", new byte[] {1})
                .put("piv/pin", new byte[] {2})
                .put("oath/cred-1", new byte[] {3})
                .put("ndef/file", new byte[1024])
                .put("ndef/read-only", new byte[] {1})
                .put("pass/slot-1", new byte[] {4})
                .put("fido/dc-1", new byte[] {5})
                .put("admin/config", new byte[] {0}));
  }

  @Test
  @DisplayName("inventory 8: INS 03/04/05/07/13 delete only their applet's records, after a touch")
  void resetApplet_eachPrefix_onlyThatApplet() throws Exception {
    putAppletRecords();
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    Map<Integer, String> resets =
        Map.of(0x03, "pgp/data", 0x04, "piv/pin", 0x05, "oath/cred-1", 0x13, "pass/slot-1");

    for (Map.Entry<Integer, String> reset : resets.entrySet()) {
      assertThat(state.get(reset.getValue())).isPresent();
      int before = state.names().size();

      assertSw(String.format("00 %02X 00 00", reset.getKey()), StatusWords.SW_NO_ERROR);

      assertThat(state.get(reset.getValue())).as(reset.getValue()).isEmpty();
      assertThat(state.names()).hasSize(before - 1);
    }
    assertSw("00 07 00 00", StatusWords.SW_NO_ERROR);
    assertThat(state.names()).noneMatch(n -> n.startsWith("ndef/"));
    assertThat(state.get("fido/dc-1")).isPresent();
    assertThat(state.get("admin/config")).isPresent();
    assertThat(presence.asked)
        .containsExactlyInAnyOrder(
            "reset OpenPGP", "reset PIV", "reset OATH", "reset Pass", "reset NDEF");
  }

  @Test
  @DisplayName(
      "inventory 8: INS 09 resets FIDO, keeping the attestation and making fresh key-wrapping"
          + " secrets in the provisioning format")
  void resetCtap_keepsAttestation_freshSecrets() throws Exception {
    putAppletRecords();
    TreeMap<String, byte[]> before = readRecords(state.path());
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    state.put(Provisioning.SIGNATURE_COUNTER, new byte[] {0, 0, 1, 0});

    assertSw("00 09 00 00", StatusWords.SW_NO_ERROR);

    for (String kept :
        List.of(
            Provisioning.ATTESTATION_KEY,
            Provisioning.ATTESTATION_CERT,
            Provisioning.ATTESTATION_ROOT_CERT)) {
      assertThat(state.get(kept).orElseThrow()).isEqualTo(before.get(kept));
    }
    assertThat(state.get("fido/dc-1")).isEmpty();
    assertThat(state.get(Provisioning.KEY_HANDLE_KEY).orElseThrow())
        .hasSize(32)
        .isNotEqualTo(before.get(Provisioning.KEY_HANDLE_KEY));
    assertThat(state.get(Provisioning.HMAC_SECRET_KEY).orElseThrow())
        .hasSize(32)
        .isNotEqualTo(before.get(Provisioning.HMAC_SECRET_KEY));
    assertThat(state.get(Provisioning.SIGNATURE_COUNTER).orElseThrow()).containsExactly(0, 0, 0, 0);
    assertThat(state.get("oath/cred-1")).isPresent();
    assertThatCode(() -> Provisioning.check(state)).doesNotThrowAnyException();
    assertThat(presence.asked).containsExactly("reset FIDO");
  }

  @Test
  @DisplayName("issue 3: a refused touch answers 6985 for every reset and changes nothing")
  void resetApplet_touchRefused_conditionsNotSatisfied() throws Exception {
    putAppletRecords();
    card = newCard(UserPresence.never());
    assertSw(SELECT_ADMIN, StatusWords.SW_NO_ERROR);
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    TreeMap<String, byte[]> before = readRecords(state.path());

    for (int ins : new int[] {0x03, 0x04, 0x05, 0x07, 0x09, 0x13}) {
      assertSw(String.format("00 %02X 00 00", ins), StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }

    assertThat(readRecords(state.path())).usingRecursiveComparison().isEqualTo(before);
  }

  // ---- factory reset -------------------------------------------------------------------------

  private static final String FACTORY_RESET = "00 50 00 00 05 52 45 53 45 54"; // "RESET"

  private void blockPin() {
    for (int i = 0; i < 3; i++) {
      send(VERIFY_WRONG);
    }
    assertSw(VERIFY_EMPTY, StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
  }

  @Test
  @DisplayName("admin_test: FACTORY RESET answers 6985 until the admin PIN is blocked")
  void factoryReset_pinNotBlocked_conditionsNotSatisfied() {
    assertSw(FACTORY_RESET, StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    assertSw(FACTORY_RESET, StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    assertSw(VERIFY_WRONG, StatusWords.counter(2));
    assertSw(FACTORY_RESET, StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    assertThat(presence.asked).isEmpty();
  }

  @Test
  @DisplayName("inventory 8: FACTORY RESET data must be \"RESET\" (6A80 otherwise)")
  void factoryReset_wrongData_wrongData() {
    blockPin();

    assertSw("00 50 00 00 05 72 65 73 65 74", StatusWords.SW_WRONG_DATA);
    assertSw("00 50 00 00 06 52 45 53 45 54 00", StatusWords.SW_WRONG_DATA);
    assertSw("00 50 00 00", StatusWords.SW_WRONG_DATA);
    assertSw(VERIFY_EMPTY, StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
  }

  @Test
  @DisplayName("issue 3: FACTORY RESET with the touch refused answers 6985 and changes nothing")
  void factoryReset_touchRefused_conditionsNotSatisfied() throws Exception {
    putAppletRecords();
    blockPin();
    presence.grant = false;
    TreeMap<String, byte[]> before = readRecords(state.path());

    assertSw(FACTORY_RESET, StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);

    assertThat(presence.asked).containsExactly("factory reset");
    assertThat(readRecords(state.path())).usingRecursiveComparison().isEqualTo(before);
  }

  @Test
  @DisplayName(
      "admin_test: FACTORY RESET with a blocked PIN wipes every applet, keeps the serial and"
          + " attestation, and restores PIN 123456 with 3 tries")
  void factoryReset_blockedPin_wipesAndRestoresDefaults() throws Exception {
    putAppletRecords();
    TreeMap<String, byte[]> before = readRecords(state.path());
    blockPin();

    assertSw(FACTORY_RESET, StatusWords.SW_NO_ERROR);

    TreeMap<String, byte[]> after = readRecords(state.path());
    assertThat(after.keySet())
        .containsExactlyInAnyOrder(
            Provisioning.SERIAL_NUMBER,
            Provisioning.ADMIN_PIN,
            Provisioning.ADMIN_PIN_RETRIES,
            Provisioning.ATTESTATION_KEY,
            Provisioning.ATTESTATION_CERT,
            Provisioning.ATTESTATION_ROOT_CERT,
            Provisioning.KEY_HANDLE_KEY,
            Provisioning.HMAC_SECRET_KEY,
            Provisioning.SIGNATURE_COUNTER);
    assertThat(after.get(Provisioning.SERIAL_NUMBER)).isEqualTo(before.get("admin/sn"));
    assertThat(after.get(Provisioning.ATTESTATION_KEY))
        .isEqualTo(before.get(Provisioning.ATTESTATION_KEY));
    assertThat(after.get(Provisioning.KEY_HANDLE_KEY))
        .isNotEqualTo(before.get(Provisioning.KEY_HANDLE_KEY));
    assertThat(after.get(Provisioning.ADMIN_PIN))
        .isEqualTo("123456".getBytes(StandardCharsets.US_ASCII));
    assertThat(after.get(Provisioning.ADMIN_PIN_RETRIES)).containsExactly(3);
    assertThatCode(() -> Provisioning.check(state)).doesNotThrowAnyException();
    assertThat(presence.asked).containsExactly("factory reset");

    reopen();
    assertSw(VERIFY_EMPTY, StatusWords.counter(3));
    assertSw(VERIFY_DEFAULT, StatusWords.SW_NO_ERROR);
    assertThat(send("00 42 00 00").data()).isEqualTo(Hex.decode("01 00 00 01 01 00"));
  }

  @Test
  @DisplayName("a factory reset that cannot be stored answers 6581 and leaves the PIN blocked")
  void factoryReset_stateWriteFails_memoryFailure() throws Exception {
    blockPin();
    Path temp = blockWrites();

    assertSw(FACTORY_RESET, StatusWords.SW_MEMORY_FAILURE);

    unblock(temp);
    assertSw(VERIFY_EMPTY, StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
  }

  // ---- malformed input -----------------------------------------------------------------------

  @Test
  @DisplayName("malformed and random APDUs never answer 6F00")
  void process_randomApdus_neverUnknownError() {
    Random random = new Random(11);
    int[] ins = {
      0x01, 0x03, 0x05, 0x08, 0x09, 0x13, 0x20, 0x21, 0x30, 0x31, 0x32, 0x40, 0x41, 0x42, 0x50,
      0xA4, 0xFF
    };
    for (int i = 0; i < 3000; i++) {
      if (i % 50 == 0) {
        send(SELECT_ADMIN);
        send(VERIFY_DEFAULT);
      }
      byte[] apdu = new byte[random.nextInt(12)];
      random.nextBytes(apdu);
      if (apdu.length >= 2) {
        apdu[1] = (byte) ins[random.nextInt(ins.length)];
        if (apdu[1] == 0x21 || apdu[1] == 0x20) {
          apdu[1] = 0x42; // keep the PIN usable for the next rounds
        }
      }

      ResponseApdu response = ResponseApdu.decode(card.transmit(apdu));

      assertThat(response.sw()).as(Hex.spaced(apdu)).isNotEqualTo(StatusWords.SW_UNKNOWN);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /**
   * Makes every state-file write fail: StateFile writes FILE.tmp before renaming it over FILE
   * (storage package docs), and a non-empty directory of that name can be neither deleted nor
   * replaced. The tests run as root, so file modes would not stop a write.
   */
  private Path blockWrites() throws Exception {
    Path temp = state.path().resolveSibling(state.path().getFileName() + ".tmp");
    Files.createDirectory(temp);
    Files.createFile(temp.resolve("block"));
    return temp;
  }

  private static void unblock(Path temp) throws Exception {
    Files.delete(temp.resolve("block"));
    Files.delete(temp);
  }
}
