package io.vcanokey.applet.oath;

import static io.vcanokey.applet.oath.YkoathHost.code;
import static io.vcanokey.applet.oath.YkoathHost.concat;
import static io.vcanokey.applet.oath.YkoathHost.timeStep;
import static io.vcanokey.applet.oath.YkoathHost.tlv;
import static io.vcanokey.applet.oath.YkoathHost.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OathAppletTest {

  // YKOATH type-and-algorithm bytes.
  static final int HOTP_SHA1 = 0x11;
  static final int TOTP_SHA1 = 0x21;
  static final int TOTP_SHA256 = 0x22;
  static final int TOTP_SHA512 = 0x23;

  static final int SW_OK = 0x9000;

  /** RFC 4226, appendix D: the secret "12345678901234567890" (ASCII). */
  static final byte[] RFC4226_SECRET = utf8("12345678901234567890");

  /** RFC 4226, appendix D: HOTP values for counts 0 to 9 (6 digits). */
  static final String[] RFC4226_HOTP = {
    "755224", "287082", "359152", "969429", "338314",
    "254676", "287922", "162583", "399871", "520489"
  };

  /** RFC 4226, appendix D: the truncated 31-bit values (decimal) for counts 0 to 9. */
  static final long[] RFC4226_TRUNCATED = {
    1284755224L, 1094287082L, 137359152L, 1726969429L, 1640338314L,
    868254676L, 1918287922L, 82162583L, 673399871L, 645520489L
  };

  @TempDir Path dir;

  StateFile state;
  YkoathHost host;

  @BeforeEach
  void open() throws Exception {
    state = StateFile.open(dir.resolve("key"));
    host = newSession(UserPresence.always());
  }

  @AfterEach
  void close() throws Exception {
    state.close();
  }

  YkoathHost newSession(UserPresence presence) {
    YkoathHost session =
        new YkoathHost(new OathApplet(new AppletContext(state, presence, new SecureRandom())));
    assertThat(session.select().sw()).isEqualTo(SW_OK);
    return session;
  }

  void reopen() throws Exception {
    state.close();
    state = StateFile.open(dir.resolve("key"));
    host = newSession(UserPresence.always());
  }

  // ---- SELECT ----

  @Test
  @DisplayName(
      "SELECT answers 79 version 6.0.0 and 71 an 8-byte salt, no challenge without password")
  void select_noPassword_versionAndSalt() throws Exception {
    byte[] data = host.select().data();

    assertThat(Hex.encode(Arrays.copyOf(data, 7))).isEqualTo("79030600007108");
    assertThat(data).hasSize(15);
    byte[] salt = Arrays.copyOfRange(data, 7, 15);
    assertThat(host.select().data()).isEqualTo(data);
    reopen();
    assertThat(Arrays.copyOfRange(host.select().data(), 7, 15)).isEqualTo(salt);
  }

  @Test
  void sendRemainingIns_isA5() {
    assertThat(host.applet.sendRemainingIns()).hasValue(0xA5);
    assertThat(host.send(0xA5, 0, 0, new byte[0]).sw()).isEqualTo(0x6985);
  }

  @Test
  void process_unknownInsOrCla_6D00or6E00() {
    assertThat(host.send(0x06, 0, 0, new byte[0]).sw()).isEqualTo(0x6D00);
    assertThat(host.send(0x80, 0xA1, 0, 0, new byte[0]).sw()).isEqualTo(0x6E00);
  }

  @Test
  void carriesSecret_putSetCodeValidate_true() {
    assertThat(host.applet.carriesSecret(CommandApdu.of(0, 0x01, 0, 0, new byte[] {1}))).isTrue();
    assertThat(host.applet.carriesSecret(CommandApdu.of(0, 0x03, 0, 0, new byte[] {1}))).isTrue();
    assertThat(host.applet.carriesSecret(CommandApdu.of(0, 0xA3, 0, 0, new byte[] {1}))).isTrue();
    assertThat(host.applet.carriesSecret(CommandApdu.of(0, 0xA1, 0, 0))).isFalse();
  }

  // ---- HOTP and TOTP vectors, computed through CALCULATE ----

  @ParameterizedTest
  @ValueSource(ints = {6, 8})
  @DisplayName("RFC 4226 appendix D: HOTP counts 0..9, first code uses the initial counter 0")
  void calculate_hotpRfc4226_appendixD(int digits) {
    assertThat(host.put("hotp", HOTP_SHA1, digits, RFC4226_SECRET).sw()).isEqualTo(SW_OK);

    for (int count = 0; count < 10; count++) {
      // ykman sends HOTP CALCULATE with an empty 74.
      ResponseApdu response = host.calculate("hotp", new byte[0], true);
      assertThat(response.sw()).isEqualTo(SW_OK);
      String expected = String.format("%010d", RFC4226_TRUNCATED[count]);
      assertThat(code(response)).isEqualTo(expected.substring(10 - digits));
      if (digits == 6) {
        assertThat(code(response)).isEqualTo(RFC4226_HOTP[count]);
      }
    }
  }

  @Test
  @DisplayName("YKOATH 7A initial moving factor: the first code uses it (RFC 4226 count 5)")
  void calculate_hotpInitialCounter_usesImf() {
    host.put("hotp", HOTP_SHA1, 6, RFC4226_SECRET, false, 5);

    assertThat(code(host.calculate("hotp", new byte[0], true))).isEqualTo(RFC4226_HOTP[5]);
    assertThat(code(host.calculate("hotp", new byte[0], true))).isEqualTo(RFC4226_HOTP[6]);
  }

  @Test
  @DisplayName("HOTP counter is durable: a reopened state file continues with the next count")
  void calculate_hotpAfterReopen_continuesCounter() throws Exception {
    host.put("hotp", HOTP_SHA1, 6, RFC4226_SECRET);
    host.calculate("hotp", new byte[0], true);
    host.calculate("hotp", new byte[0], true);

    reopen();

    assertThat(code(host.calculate("hotp", new byte[0], true))).isEqualTo(RFC4226_HOTP[2]);
  }

  @Test
  @DisplayName("RFC 4226 appendix D: full response 75 carries digits and the whole HMAC-SHA-1")
  void calculate_hotpFull_wholeHmac() {
    host.put("hotp", HOTP_SHA1, 6, RFC4226_SECRET);

    ResponseApdu response = host.calculate("hotp", new byte[0], false);

    assertThat(Hex.encode(response.data()))
        .isEqualTo("751506" + "CC93CF18508D94934C64B65D8BA7667FB7CDE4B0");
  }

  static Stream<Arguments> rfc6238Vectors() {
    // RFC 6238, appendix B: seeds of 20, 32 and 64 ASCII bytes, T0 = 0, X = 30, 8 digits.
    byte[] seed1 = utf8("12345678901234567890");
    byte[] seed256 = utf8("12345678901234567890123456789012");
    byte[] seed512 = utf8("1234567890123456789012345678901234567890123456789012345678901234");
    return Stream.of(
        Arguments.of(59L, TOTP_SHA1, seed1, "94287082"),
        Arguments.of(59L, TOTP_SHA256, seed256, "46119246"),
        Arguments.of(59L, TOTP_SHA512, seed512, "90693936"),
        Arguments.of(1111111109L, TOTP_SHA1, seed1, "07081804"),
        Arguments.of(1111111109L, TOTP_SHA256, seed256, "68084774"),
        Arguments.of(1111111109L, TOTP_SHA512, seed512, "25091201"),
        Arguments.of(1111111111L, TOTP_SHA1, seed1, "14050471"),
        Arguments.of(1111111111L, TOTP_SHA256, seed256, "67062674"),
        Arguments.of(1111111111L, TOTP_SHA512, seed512, "99943326"),
        Arguments.of(1234567890L, TOTP_SHA1, seed1, "89005924"),
        Arguments.of(1234567890L, TOTP_SHA256, seed256, "91819424"),
        Arguments.of(1234567890L, TOTP_SHA512, seed512, "93441116"),
        Arguments.of(2000000000L, TOTP_SHA1, seed1, "69279037"),
        Arguments.of(2000000000L, TOTP_SHA256, seed256, "90698825"),
        Arguments.of(2000000000L, TOTP_SHA512, seed512, "38618901"),
        Arguments.of(20000000000L, TOTP_SHA1, seed1, "65353130"),
        Arguments.of(20000000000L, TOTP_SHA256, seed256, "77737706"),
        Arguments.of(20000000000L, TOTP_SHA512, seed512, "47863826"));
  }

  @ParameterizedTest
  @MethodSource("rfc6238Vectors")
  @DisplayName("RFC 6238 appendix B TOTP vectors through CALCULATE, truncated and full")
  void calculate_totpRfc6238_appendixB(long time, int typeAlg, byte[] seed, String expected) {
    assertThat(host.put("totp", typeAlg, 8, seed).sw()).isEqualTo(SW_OK);

    ResponseApdu truncated = host.calculate("totp", timeStep(time, 30), true);
    ResponseApdu full = host.calculate("totp", timeStep(time, 30), false);

    assertThat(truncated.sw()).isEqualTo(SW_OK);
    assertThat(code(truncated)).isEqualTo(expected);
    // The full response holds the HMAC whose dynamic truncation (RFC 4226, 5.3) is the code.
    byte[] data = full.data();
    int macLength = data.length - 3;
    assertThat(macLength).isEqualTo(typeAlg == TOTP_SHA1 ? 20 : typeAlg == TOTP_SHA256 ? 32 : 64);
    assertThat(data[0]).isEqualTo((byte) 0x75);
    assertThat(data[1] & 0xFF).isEqualTo(macLength + 1);
    assertThat(data[2]).isEqualTo((byte) 8);
    int offset = data[data.length - 1] & 0x0F;
    byte[] four = Arrays.copyOfRange(data, 3 + offset, 3 + offset + 4);
    assertThat(code(new ResponseApdu(concat(new byte[] {0x76, 5, 8}, four), SW_OK)))
        .isEqualTo(expected);
  }

  @Test
  @DisplayName("RFC 4231 4.3 (HMAC-SHA-256, key \"Jefe\" padded to 14 bytes as ykman does)")
  void calculate_paddedShortKeyAndLongChallenge_rfc4231() {
    byte[] jefe = Arrays.copyOf(utf8("Jefe"), 14);
    host.put("jefe", TOTP_SHA256, 6, jefe);

    ResponseApdu response = host.calculate("jefe", utf8("what do ya want for nothing?"), false);

    assertThat(Hex.encode(response.data()))
        .isEqualTo("752106" + "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843");
  }

  // ---- CALCULATE ALL and LIST ----

  @Test
  @DisplayName(
      "YKOATH CALCULATE ALL: 76 for TOTP, 7C for touch TOTP, 77 for HOTP; HOTP not stepped")
  void calculateAll_mixed_tagsPerCredentialKind() {
    host.put("a-totp", TOTP_SHA1, 8, RFC4226_SECRET);
    host.put("b-touch", TOTP_SHA1, 6, RFC4226_SECRET, true, 0);
    host.put("c-hotp", HOTP_SHA1, 7, RFC4226_SECRET);

    ResponseApdu response = host.send(0xA4, 0x00, 0x01, tlv(0x74, timeStep(59, 30)));

    assertThat(response.sw()).isEqualTo(SW_OK);
    List<byte[][]> items = YkoathHost.parse(response.data());
    assertThat(items).hasSize(6);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < items.size(); i += 2) {
      assertThat(items.get(i)[0][0]).isEqualTo((byte) 0x71);
      names.add(new String(items.get(i)[1]));
    }
    assertThat(names).containsExactlyInAnyOrder("a-totp", "b-touch", "c-hotp");
    for (int i = 0; i < items.size(); i += 2) {
      String name = new String(items.get(i)[1]);
      byte[][] answer = items.get(i + 1);
      switch (name) {
        case "a-totp" ->
            assertThat(code(new ResponseApdu(concat(new byte[] {0x76, 5}, answer[1]), SW_OK)))
                .isEqualTo("94287082"); // RFC 6238 appendix B, T = 59
        case "b-touch" -> assertThat(concat(answer[0], answer[1])).containsExactly(0x7C, 6);
        default -> assertThat(concat(answer[0], answer[1])).containsExactly(0x77, 7);
      }
    }
    // RFC 4226 appendix D, count 0: 1284755224 mod 10^7.
    assertThat(code(host.calculate("c-hotp", new byte[0], true))).isEqualTo("4755224");
  }

  @Test
  @DisplayName("YKOATH CALCULATE ALL with P2 00: 75 digits and the whole HMAC")
  void calculateAll_full_wholeHmac() {
    host.put("hotp-as-totp", TOTP_SHA1, 6, RFC4226_SECRET);

    ResponseApdu response = host.send(0xA4, 0x00, 0x00, tlv(0x74, new byte[8]));

    // RFC 4226 appendix D, count 0 (an all-zero 8-byte challenge is count 0).
    assertThat(Hex.encode(response.data()))
        .isEqualTo(
            Hex.encode(utf8("hotp-as-totp")).replaceAll("^", "710C")
                + "751506CC93CF18508D94934C64B65D8BA7667FB7CDE4B0");
  }

  @Test
  void calculateAll_errors_specifiedSw() {
    assertThat(host.send(0xA4, 0x00, 0x01, new byte[0]).sw()).isEqualTo(0x6A80);
    assertThat(host.send(0xA4, 0x00, 0x02, tlv(0x74, new byte[8])).sw()).isEqualTo(0x6A86);
    assertThat(host.send(0xA4, 0x01, 0x01, tlv(0x74, new byte[8])).sw()).isEqualTo(0x6A86);
    assertThat(host.send(0xA4, 0x00, 0x01, concat(tlv(0x74, new byte[8]), new byte[] {1})).sw())
        .isEqualTo(0x6A80);
  }

  @Test
  @DisplayName("YKOATH LIST: 72 entries of type-and-algorithm byte and name")
  void list_twoCredentials_72Entries() {
    assertThat(host.send(0xA1, 0, 0, new byte[0]).data()).isEmpty();
    host.put("x", TOTP_SHA256, 6, RFC4226_SECRET);
    host.put("y", HOTP_SHA1, 6, RFC4226_SECRET);

    ResponseApdu response = host.send(0xA1, 0, 0, new byte[0]);

    assertThat(Hex.encode(response.data())).isEqualTo("72022278" + "72021179");
    assertThat(host.send(0xA1, 1, 0, new byte[0]).sw()).isEqualTo(0x6A86);
  }

  // ---- PUT ----

  @Test
  @DisplayName("YKOATH PUT of an existing name replaces it (ykman's overwrite), no second entry")
  void put_existingName_overwrites() {
    host.put("n", HOTP_SHA1, 6, utf8("some other secret"));
    host.calculate("n", new byte[0], true);

    assertThat(host.put("n", HOTP_SHA1, 6, RFC4226_SECRET).sw()).isEqualTo(SW_OK);

    assertThat(YkoathHost.parse(host.send(0xA1, 0, 0, new byte[0]).data())).hasSize(1);
    assertThat(code(host.calculate("n", new byte[0], true))).isEqualTo(RFC4226_HOTP[0]);
  }

  @Test
  void put_nameLengthLimits_64AcceptedOthers6A80() {
    assertThat(host.put("a".repeat(64), TOTP_SHA1, 6, RFC4226_SECRET).sw()).isEqualTo(SW_OK);
    assertThat(host.put("a".repeat(65), TOTP_SHA1, 6, RFC4226_SECRET).sw()).isEqualTo(0x6A80);
    assertThat(host.put("", TOTP_SHA1, 6, RFC4226_SECRET).sw()).isEqualTo(0x6A80);
  }

  @Test
  void put_invalidFields_6A80() {
    assertThat(host.put("t", 0x31, 6, RFC4226_SECRET).sw()).as("type 3").isEqualTo(0x6A80);
    assertThat(host.put("t", 0x24, 6, RFC4226_SECRET).sw()).as("alg 4").isEqualTo(0x6A80);
    assertThat(host.put("t", 0x20, 6, RFC4226_SECRET).sw()).as("alg 0").isEqualTo(0x6A80);
    assertThat(host.put("t", TOTP_SHA1, 5, RFC4226_SECRET).sw()).as("5 digits").isEqualTo(0x6A80);
    assertThat(host.put("t", TOTP_SHA1, 9, RFC4226_SECRET).sw()).as("9 digits").isEqualTo(0x6A80);
    assertThat(host.put("t", TOTP_SHA1, 7, RFC4226_SECRET).sw()).as("7 digits").isEqualTo(SW_OK);
    assertThat(host.put("t", TOTP_SHA1, 6, new byte[65]).sw()).as("65 > B").isEqualTo(0x6A80);
    assertThat(host.put("t", TOTP_SHA256, 6, new byte[64]).sw()).isEqualTo(SW_OK);
    assertThat(host.put("t", TOTP_SHA512, 6, new byte[128]).sw()).as("B=128").isEqualTo(SW_OK);
    assertThat(host.put("t", TOTP_SHA512, 6, new byte[129]).sw()).isEqualTo(0x6A80);

    byte[] nameAndKey = concat(tlv(0x71, utf8("t")), tlv(0x73, new byte[] {0x21, 6, 1, 2}));
    assertThat(host.send(0x01, 0, 0, concat(nameAndKey, new byte[] {0x78, 0x04})).sw())
        .as("unknown property bit")
        .isEqualTo(0x6A80);
    assertThat(host.send(0x01, 0, 0, concat(nameAndKey, new byte[] {0x78})).sw())
        .as("property without its byte")
        .isEqualTo(0x6A80);
    assertThat(host.send(0x01, 0, 0, concat(nameAndKey, tlv(0x7A, new byte[4]))).sw())
        .as("IMF on TOTP")
        .isEqualTo(0x6A80);
    byte[] hotp = concat(tlv(0x71, utf8("h")), tlv(0x73, new byte[] {0x11, 6, 1, 2}));
    assertThat(host.send(0x01, 0, 0, concat(hotp, tlv(0x7A, new byte[3]))).sw())
        .as("3-byte IMF")
        .isEqualTo(0x6A80);
    assertThat(host.send(0x01, 0, 0, concat(hotp, new byte[] {0x00})).sw())
        .as("trailing byte")
        .isEqualTo(0x6A80);
    assertThat(host.send(0x01, 0, 0, tlv(0x71, utf8("h"))).sw()).as("no key").isEqualTo(0x6A80);
    assertThat(
            host.send(0x01, 0, 0, concat(tlv(0x71, utf8("h")), tlv(0x73, new byte[] {0x11}))).sw())
        .as("key without digits")
        .isEqualTo(0x6A80);
    assertThat(host.send(0x01, 0, 1, hotp).sw()).isEqualTo(0x6A86);
  }

  @Test
  @DisplayName("100 credentials fill the store: the 101st PUT gets 6A84, overwriting still works")
  void put_storeFull_6A84() {
    for (int i = 0; i < 100; i++) {
      assertThat(host.put("cred" + i, TOTP_SHA1, 6, RFC4226_SECRET).sw()).isEqualTo(SW_OK);
    }

    assertThat(host.put("one-more", TOTP_SHA1, 6, RFC4226_SECRET).sw()).isEqualTo(0x6A84);
    assertThat(host.put("cred7", HOTP_SHA1, 6, RFC4226_SECRET).sw()).isEqualTo(SW_OK);
    assertThat(host.send(0x02, 0, 0, tlv(0x71, utf8("cred0"))).sw()).isEqualTo(SW_OK);
    assertThat(host.put("one-more", TOTP_SHA1, 6, RFC4226_SECRET).sw()).isEqualTo(SW_OK);
  }

  // ---- DELETE, RENAME, CALCULATE errors ----

  @Test
  void delete_existingAndMissing_9000Then6984() {
    host.put("gone", TOTP_SHA1, 6, RFC4226_SECRET);

    assertThat(host.send(0x02, 0, 0, tlv(0x71, utf8("gone"))).sw()).isEqualTo(SW_OK);
    assertThat(host.send(0x02, 0, 0, tlv(0x71, utf8("gone"))).sw()).isEqualTo(0x6984);
    assertThat(host.calculate("gone", new byte[8], true).sw()).isEqualTo(0x6984);
    assertThat(host.send(0x02, 0, 0, new byte[0]).sw()).isEqualTo(0x6A80);
    assertThat(host.send(0x02, 0, 0, tlv(0x71, new byte[65])).sw()).isEqualTo(0x6A80);
  }

  @Test
  @DisplayName("YKOATH RENAME: moves the credential; missing old 6984, existing new 6985")
  void rename_cases_specifiedSw() {
    host.put("old", HOTP_SHA1, 6, RFC4226_SECRET);
    host.put("taken", TOTP_SHA1, 6, RFC4226_SECRET);
    host.calculate("old", new byte[0], true);

    assertThat(rename("old", "new").sw()).isEqualTo(SW_OK);
    assertThat(code(host.calculate("new", new byte[0], true))).isEqualTo(RFC4226_HOTP[1]);
    assertThat(host.calculate("old", new byte[0], true).sw()).isEqualTo(0x6984);
    assertThat(rename("old", "other").sw()).isEqualTo(0x6984);
    assertThat(rename("new", "taken").sw()).isEqualTo(0x6985);
    assertThat(rename("new", "new").sw()).isEqualTo(0x6985);
    assertThat(rename("new", "x".repeat(65)).sw()).isEqualTo(0x6A80);
    assertThat(host.send(0x05, 0, 0, tlv(0x71, utf8("new"))).sw()).isEqualTo(0x6A80);
  }

  private ResponseApdu rename(String from, String to) {
    return host.send(0x05, 0, 0, concat(tlv(0x71, utf8(from)), tlv(0x71, utf8(to))));
  }

  @Test
  void calculate_errors_specifiedSw() {
    host.put("totp", TOTP_SHA1, 6, RFC4226_SECRET);

    assertThat(host.send(0xA2, 0, 1, tlv(0x71, utf8("totp"))).sw()).as("no 74").isEqualTo(0x6A80);
    assertThat(host.calculate("totp", new byte[8], true).sw()).isEqualTo(SW_OK);
    assertThat(host.send(0xA2, 0, 2, concat(tlv(0x71, utf8("totp")), tlv(0x74, new byte[8]))).sw())
        .isEqualTo(0x6A86);
    assertThat(host.send(0xA2, 1, 1, concat(tlv(0x71, utf8("totp")), tlv(0x74, new byte[8]))).sw())
        .isEqualTo(0x6A86);
    assertThat(host.send(0xA2, 0, 1, tlv(0x74, new byte[8])).sw()).isEqualTo(0x6A80);
    assertThat(host.calculate("nope", new byte[8], true).sw()).isEqualTo(0x6984);
  }

  // ---- touch and increasing-only ----

  @Test
  @DisplayName("Touch credential: CALCULATE asks user presence; refused gives 6982, counter kept")
  void calculate_touch_followsUserPresence() {
    host.put("touchy", HOTP_SHA1, 6, RFC4226_SECRET, true, 0);
    YkoathHost denied = newSession(UserPresence.never());

    assertThat(denied.calculate("touchy", new byte[0], true).sw()).isEqualTo(0x6982);
    assertThat(denied.calculate("touchy", new byte[0], true).sw()).isEqualTo(0x6982);
    assertThat(code(host.calculate("touchy", new byte[0], true))).isEqualTo(RFC4226_HOTP[0]);
  }

  @Test
  @DisplayName("Touch TOTP: granted presence gives the RFC 6238 code")
  void calculate_touchTotpGranted_code() {
    host.put("touchy", TOTP_SHA1, 8, RFC4226_SECRET, true, 0);

    assertThat(code(host.calculate("touchy", timeStep(59, 30), true))).isEqualTo("94287082");
  }

  @Test
  @DisplayName("YKOATH property 01 increasing-only: a time step may repeat or grow, never go back")
  void calculate_increasingOnly_refusesOlderChallenge() throws Exception {
    byte[] put =
        concat(
            tlv(0x71, utf8("inc")),
            tlv(0x73, concat(new byte[] {0x21, 8}, RFC4226_SECRET)),
            new byte[] {0x78, 0x01});
    assertThat(host.send(0x01, 0, 0, put).sw()).isEqualTo(SW_OK);

    assertThat(code(host.calculate("inc", timeStep(1111111109L, 30), true))).isEqualTo("07081804");
    assertThat(host.calculate("inc", timeStep(1111111109L, 30), true).sw()).isEqualTo(SW_OK);
    assertThat(host.calculate("inc", timeStep(59, 30), true).sw()).isEqualTo(0x6982);
    assertThat(host.calculate("inc", new byte[7], true).sw()).isEqualTo(0x6982);
    assertThat(host.send(0xA4, 0, 1, tlv(0x74, timeStep(59, 30))).sw()).isEqualTo(0x6982);

    reopen();
    assertThat(host.calculate("inc", timeStep(59, 30), true).sw()).isEqualTo(0x6982);
    assertThat(code(host.calculate("inc", timeStep(1234567890L, 30), true))).isEqualTo("89005924");
  }

  // ---- password: SET CODE, VALIDATE ----

  /** ykman's _derive_key: PBKDF2-HMAC-SHA1(password, salt, 1000 rounds, 16 bytes). */
  static byte[] deriveKey(byte[] salt, String password) throws Exception {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, 1000, 128);
    return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(spec).getEncoded();
  }

  static byte[] hmacSha1(byte[] key, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(key, "HmacSHA1"));
    return mac.doFinal(message);
  }

  byte[] salt() {
    return Arrays.copyOfRange(host.select().data(), 7, 15);
  }

  /** ykman's set_key: 73 (TOTP|SHA1, key), 74 challenge, 75 HMAC-SHA1(key, challenge). */
  ResponseApdu setKey(YkoathHost session, byte[] key) throws Exception {
    byte[] challenge = Hex.decode("0102030405060708");
    return session.send(
        0x03,
        0,
        0,
        concat(
            tlv(0x73, concat(new byte[] {0x21}, key)),
            tlv(0x74, challenge),
            tlv(0x75, hmacSha1(key, challenge))));
  }

  /** ykman's validate: 75 HMAC-SHA1(key, SELECT challenge), 74 host challenge. */
  ResponseApdu validate(YkoathHost session, byte[] key, byte[] selectChallenge, byte[] ours)
      throws Exception {
    return session.send(
        0xA3, 0, 0, concat(tlv(0x75, hmacSha1(key, selectChallenge)), tlv(0x74, ours)));
  }

  @Test
  @DisplayName("YKOATH password: set, lock on SELECT, VALIDATE both ways, remove")
  void password_setValidateRemove_fullCycle() throws Exception {
    host.put("acct", TOTP_SHA1, 6, RFC4226_SECRET);
    byte[] key = deriveKey(salt(), "hunter2");
    assertThat(setKey(host, key).sw()).isEqualTo(SW_OK);
    assertThat(host.send(0xA1, 0, 0, new byte[0]).sw())
        .as("setter stays unlocked")
        .isEqualTo(SW_OK);

    byte[] select = host.select().data();
    List<byte[][]> items = YkoathHost.parse(select);
    assertThat(items).hasSize(4);
    assertThat(items.get(2)[0][0]).isEqualTo((byte) 0x74);
    byte[] selectChallenge = items.get(2)[1];
    assertThat(selectChallenge).hasSize(8);
    assertThat(Hex.encode(concat(items.get(3)[0], items.get(3)[1]))).isEqualTo("7B01");

    for (int ins : new int[] {0x01, 0x02, 0x03, 0x05, 0xA1, 0xA2, 0xA4}) {
      assertThat(host.send(ins, 0, 0, tlv(0x71, utf8("acct"))).sw())
          .as("INS %02X while locked", ins)
          .isEqualTo(0x6982);
    }

    byte[] wrongKey = deriveKey(salt(), "wrong");
    select = host.select().data();
    selectChallenge = YkoathHost.parse(select).get(2)[1];
    byte[] ours = Hex.decode("1122334455667788");
    assertThat(validate(host, wrongKey, selectChallenge, ours).sw()).isEqualTo(0x6984);
    assertThat(host.send(0xA1, 0, 0, new byte[0]).sw()).isEqualTo(0x6982);

    ResponseApdu ok = validate(host, key, selectChallenge, ours);
    assertThat(ok.sw()).isEqualTo(SW_OK);
    assertThat(ok.data()).isEqualTo(concat(new byte[] {0x75, 20}, hmacSha1(key, ours)));
    assertThat(host.send(0xA1, 0, 0, new byte[0]).sw()).isEqualTo(SW_OK);

    // ykman's unset_key sends 73 with no value.
    assertThat(host.send(0x03, 0, 0, tlv(0x73, new byte[0])).sw()).isEqualTo(SW_OK);
    assertThat(host.select().data()).hasSize(15);
    assertThat(host.send(0xA1, 0, 0, new byte[0]).sw()).isEqualTo(SW_OK);
  }

  @Test
  @DisplayName("Password survives reopening the state file")
  void password_afterReopen_stillLocked() throws Exception {
    byte[] key = deriveKey(salt(), "pw");
    setKey(host, key);
    host.put("acct", TOTP_SHA1, 8, RFC4226_SECRET);

    reopen();

    byte[] selectChallenge = YkoathHost.parse(host.select().data()).get(2)[1];
    assertThat(host.calculate("acct", timeStep(59, 30), true).sw()).isEqualTo(0x6982);
    assertThat(validate(host, key, selectChallenge, new byte[8]).sw()).isEqualTo(SW_OK);
    assertThat(code(host.calculate("acct", timeStep(59, 30), true))).isEqualTo("94287082");
  }

  @Test
  void setCode_badInput_specifiedSw() throws Exception {
    byte[] key = new byte[16];
    byte[] challenge = new byte[8];
    byte[] good = hmacSha1(key, challenge);
    byte[] bad = good.clone();
    bad[0] ^= 1;

    assertThat(
            host.send(
                    0x03,
                    0,
                    0,
                    concat(
                        tlv(0x73, concat(new byte[] {0x21}, key)),
                        tlv(0x74, challenge),
                        tlv(0x75, bad)))
                .sw())
        .as("response does not match")
        .isEqualTo(0x6984);
    assertThat(
            host.send(
                    0x03,
                    0,
                    0,
                    concat(
                        tlv(0x73, concat(new byte[] {0x24}, key)),
                        tlv(0x74, challenge),
                        tlv(0x75, good)))
                .sw())
        .as("unknown algorithm")
        .isEqualTo(0x6A80);
    assertThat(
            host.send(
                    0x03,
                    0,
                    0,
                    concat(tlv(0x73, concat(new byte[] {0x21}, key)), tlv(0x74, challenge)))
                .sw())
        .as("no 75")
        .isEqualTo(0x6A80);
    assertThat(host.send(0x03, 0, 0, tlv(0x73, new byte[] {0x21})).sw())
        .as("algorithm without key")
        .isEqualTo(0x6A80);
    assertThat(host.select().data()).as("no password was set").hasSize(15);
  }

  @Test
  void validate_noPasswordOrNoChallenge_6984() throws Exception {
    assertThat(validate(host, new byte[16], new byte[8], new byte[8]).sw()).isEqualTo(0x6984);
    assertThat(host.send(0xA3, 0, 0, tlv(0x74, new byte[8])).sw()).isEqualTo(0x6A80);
    assertThat(host.send(0xA3, 1, 0, new byte[0]).sw()).isEqualTo(0x6A86);
  }

  // ---- RESET ----

  @Test
  @DisplayName("RESET P1P2 DE AD without VALIDATE: credentials and password gone, new salt")
  void reset_lockedKey_wipesEverything() throws Exception {
    host.put("acct", TOTP_SHA1, 6, RFC4226_SECRET);
    byte[] oldSalt = salt();
    setKey(host, deriveKey(oldSalt, "pw"));
    host.select();

    assertThat(host.send(0x04, 0xDE, 0xAE, new byte[0]).sw()).isEqualTo(0x6A86);
    assertThat(host.send(0x04, 0xDE, 0xAD, new byte[0]).sw()).isEqualTo(SW_OK);

    byte[] select = host.select().data();
    assertThat(select).hasSize(15);
    assertThat(Arrays.copyOfRange(select, 7, 15)).isNotEqualTo(oldSalt);
    assertThat(host.send(0xA1, 0, 0, new byte[0]).data()).isEmpty();
    reopen();
    assertThat(host.send(0xA1, 0, 0, new byte[0]).data()).isEmpty();
    assertThat(Arrays.copyOfRange(host.select().data(), 7, 15)).isEqualTo(salt());
  }

  // ---- malformed input ----

  @Test
  @DisplayName("Malformed TLVs (truncated lengths, missing tags, random bytes) never crash")
  void process_malformedData_onlyStatusWords() throws Exception {
    host.put("h", HOTP_SHA1, 6, RFC4226_SECRET);
    host.put("t", TOTP_SHA1, 6, RFC4226_SECRET, false, 0);
    byte[][] seeds = {
      new byte[] {0x71},
      new byte[] {0x71, 0x05, 0x61},
      new byte[] {0x71, (byte) 0x81},
      new byte[] {0x71, (byte) 0x82, 0x00},
      new byte[] {0x71, (byte) 0x83, 0, 0, 1},
      new byte[] {0x71, (byte) 0x80},
      new byte[] {0x71, 0x01, 0x68, 0x74},
      new byte[] {0x71, 0x01, 0x68, 0x74, 0x09, 0x00},
      new byte[] {0x71, 0x01, 0x68, 0x73, 0x02, 0x11},
      new byte[] {0x75, 0x14},
      new byte[] {0x73, 0x01},
      new byte[] {0x74},
      new byte[] {0x78, 0x02},
    };
    int[] insList = {0x01, 0x02, 0x03, 0x04, 0x05, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5};
    Random random = new Random(4226);
    List<byte[]> inputs = new ArrayList<>(Arrays.asList(seeds));
    for (int i = 0; i < 400; i++) {
      byte[] data = new byte[random.nextInt(40)];
      random.nextBytes(data);
      if (data.length > 0 && random.nextBoolean()) {
        data[0] = (byte) (0x71 + random.nextInt(12));
      }
      inputs.add(data);
    }

    CardOs card =
        new CardOs(
            List.of(
                new OathApplet(
                    new AppletContext(state, UserPresence.always(), new SecureRandom()))));
    assertThat(ResponseApdu.decode(card.transmit(Hex.decode("00A4040007A0000005272101"))).sw())
        .isEqualTo(SW_OK);
    for (byte[] data : inputs) {
      for (int ins : insList) {
        for (int p2 : new int[] {0x00, 0x01}) {
          // Directly: only StatusException may escape (anything else fails the test).
          int sw = host.send(ins, ins == 0x04 ? 0xDE : 0, ins == 0x04 ? 0xAD : p2, data).sw();
          assertThat(sw).isNotEqualTo(0x6F00);
          if (data.length > 0) {
            byte[] apdu = new CommandApdu(0, ins, 0, p2, data, 0, false).encode();
            assertThat(ResponseApdu.decode(card.transmit(apdu)).sw()).isNotEqualTo(0x6F00);
          }
        }
      }
    }
  }
}
