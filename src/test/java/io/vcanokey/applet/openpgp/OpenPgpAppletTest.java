package io.vcanokey.applet.openpgp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.admin.AdminApplet;
import io.vcanokey.core.apdu.BerTlv;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.TouchPolicy;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenPGP applet driven through the card OS with raw APDUs. Expected bytes come from the
 * OpenPGP card specification 3.4 and the reference key inventory (section 4); signatures and
 * decryptions are checked with the JDK's own providers.
 */
class OpenPgpAppletTest {

  static final String SELECT = "00 A4 04 00 06 D2 76 00 01 24 01";
  static final String VERIFY_PW1_SIGN = "00 20 00 81 06 31 32 33 34 35 36";
  static final String VERIFY_PW1_OTHER = "00 20 00 82 06 31 32 33 34 35 36";
  static final String VERIFY_PW3 = "00 20 00 83 08 31 32 33 34 35 36 37 38";
  static final String WRONG_PW1 = "00 20 00 82 06 39 39 39 39 39 39";
  static final String WRONG_PW3 = "00 20 00 83 08 39 39 39 39 39 39 39 39";

  /** DigestInfo prefix of SHA-256 (RFC 8017, 9.2, note 1). */
  static final byte[] SHA256_DIGEST_INFO = Hex.decode("3031300D060960864801650304020105000420");

  // Attributes of spec 3.4, 4.4.3.10 with the OIDs of RFC 6637 and rfc4880bis.
  static final String ATTR_P256_ECDSA = "13 2A 86 48 CE 3D 03 01 07";
  static final String ATTR_P256_ECDH = "12 2A 86 48 CE 3D 03 01 07";
  static final String ATTR_ED25519 = "16 2B 06 01 04 01 DA 47 0F 01";
  static final String ATTR_CV25519 = "12 2B 06 01 04 01 97 55 01 05 01";

  static final byte[] SERIAL = {0x12, 0x34, 0x56, 0x78};

  @TempDir Path dir;

  StateFile state;
  Presence presence;
  CardOs card;

  /** A user-presence service that counts requests and answers as told. */
  static final class Presence implements UserPresence {
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
    state.put("admin/sn", SERIAL);
    presence = new Presence();
    card = newCard();
    assertSw(SELECT, 0x9000);
  }

  @AfterEach
  void tearDown() throws Exception {
    state.close();
  }

  CardOs newCard() {
    return new CardOs(
        List.of(new OpenPgpApplet(new AppletContext(state, presence, new SecureRandom()))));
  }

  void reopen() throws Exception {
    state.close();
    state = StateFile.open(dir.resolve("key"));
    card = newCard();
    send(SELECT);
  }

  // ---- APDU helpers ----------------------------------------------------------------------------

  ResponseApdu send(String hex) {
    return send(Hex.decode(hex.replace(" ", "")));
  }

  /** Sends one APDU and follows 61XX with GET RESPONSE, returning all data and the last SW. */
  ResponseApdu send(byte[] apdu) {
    ResponseApdu response = ResponseApdu.decode(card.transmit(apdu));
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(response.data());
    while (response.sw1() == 0x61) {
      response = ResponseApdu.decode(card.transmit(Hex.decode("00C0000000")));
      data.writeBytes(response.data());
    }
    return new ResponseApdu(data.toByteArray(), response.sw());
  }

  ResponseApdu command(int ins, int p1, int p2, byte[] data) {
    int ne = data.length > 255 ? CommandApdu.EXTENDED_MAX_NE : CommandApdu.SHORT_MAX_NE;
    return send(CommandApdu.of(0x00, ins, p1, p2, data, ne).encode());
  }

  ResponseApdu getData(int tag) {
    return send(CommandApdu.of(0x00, 0xCA, tag >> 8, tag & 0xFF, new byte[0], 256).encode());
  }

  ResponseApdu putData(int tag, byte[] value) {
    return command(0xDA, tag >> 8, tag & 0xFF, value);
  }

  ResponseApdu putData(int tag, String hex) {
    return putData(tag, Hex.decode(hex.replace(" ", "")));
  }

  void assertSw(String hex, int sw) {
    assertSw(send(hex), sw);
  }

  static void assertSw(ResponseApdu response, int sw) {
    assertThat(StatusWords.format(response.sw())).isEqualTo(StatusWords.format(sw));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  byte[] pwStatus() {
    ResponseApdu r = getData(0x00C4);
    assertSw(r, 0x9000);
    return r.data();
  }

  /**
   * The value of the first {@code tag} found anywhere inside the constructed DOs of {@code data}.
   */
  static byte[] findTlv(byte[] data, int tag) {
    for (BerTlv.Element e : BerTlv.decodeAll(data)) {
      if (e.tag() == tag) {
        return e.value();
      }
      boolean constructed = ((e.tag() > 0xFF ? e.tag() >> 8 : e.tag()) & 0x20) != 0;
      if (constructed) {
        byte[] inner = findTlv(e.value(), tag);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  // ---- identity and data objects ---------------------------------------------------------------

  @Test
  @DisplayName("spec 3.4, 4.2.1: AID = D276000124 01, version 0304, manufacturer, serial, 0000")
  void getData_aid_hasSpecLayout() {
    ResponseApdu r = getData(0x004F);
    assertSw(r, 0x9000);
    assertThat(Hex.encode(r.data()))
        .isEqualTo("D2760001240103 04F1D0123456780000".replace(" ", ""));
  }

  @Test
  @DisplayName("spec 3.4, 7.2.1: SELECT returns no data; the full 16-byte AID selects as well")
  void select_shortAndFullAid_succeedWithoutData() {
    ResponseApdu r = send(SELECT);
    assertSw(r, 0x9000);
    assertThat(r.data()).isEmpty();
    assertSw("00 A4 04 00 10 D2 76 00 01 24 01 03 04 F1 D0 12 34 56 78 00 00", 0x9000);
  }

  @Test
  @DisplayName("spec 3.4, 6 / inventory 4.1: historical bytes, life cycle 05 operational")
  void getData_historicalBytes_golden() {
    ResponseApdu r = getData(0x5F52);
    assertThat(Hex.encode(r.data())).isEqualTo("0031C573C001C0059000");
  }

  @Test
  @DisplayName("spec 3.4, 4.4.3.7 and 4.1.3.1: C0 announces what 7F66 and the card OS can carry")
  void getData_extendedCapabilities_consistentWithExtendedLengthInformation() {
    byte[] c0 = getData(0x00C0).data();
    byte[] lengths = getData(0x7F66).data();

    assertThat(c0).hasSize(10);
    assertThat(c0[0] & 0xFF).isEqualTo(0x7F); // everything but secure messaging
    int maxChallenge = (c0[2] & 0xFF) << 8 | (c0[3] & 0xFF);
    int maxCertificate = (c0[4] & 0xFF) << 8 | (c0[5] & 0xFF);
    assertThat(maxCertificate).isGreaterThanOrEqualTo(2048);

    assertThat(Hex.encode(Arrays.copyOf(lengths, 2))).isEqualTo("0202");
    int maxCommand = (lengths[2] & 0xFF) << 8 | (lengths[3] & 0xFF);
    int maxResponse = (lengths[6] & 0xFF) << 8 | (lengths[7] & 0xFF);
    assertThat(maxCommand).isEqualTo(CardOs.BUFFER_SIZE);
    assertThat(maxResponse).isEqualTo(CardOs.MAX_RESPONSE_CHUNK);
    assertThat(maxCertificate).isLessThanOrEqualTo(maxCommand);

    ResponseApdu challenge =
        send(CommandApdu.of(0, 0x84, 0, 0, new byte[0], maxChallenge).encode());
    assertSw(challenge, 0x9000);
    assertThat(challenge.data()).hasSize(maxChallenge);
  }

  @Test
  @DisplayName("spec 3.4, 4.4.3.9: C4 = 00, max lengths, tries PW1 3, RC 0 (unset), PW3 3")
  void getData_pwStatus_defaultLayout() {
    assertThat(Hex.encode(pwStatus())).isEqualTo("00404040030003");
  }

  @Test
  @DisplayName("spec 3.4, 4.4.1: 6E holds AID, historical bytes, 7F66 and 73 with C0-C6, CD, DE")
  void getData_applicationRelatedData_containsChildren() {
    ResponseApdu r = getData(0x006E);
    assertSw(r, 0x9000);
    BerTlv.Element outer = BerTlv.decodeSingle(r.data());
    assertThat(outer.tag()).isEqualTo(0x6E);
    byte[] data = r.data();
    assertThat(findTlv(data, 0x4F)).hasSize(16);
    assertThat(Hex.encode(findTlv(data, 0xC1))).isEqualTo("010800002000");
    assertThat(Hex.encode(findTlv(data, 0xC4))).isEqualTo("00404040030003");
    assertThat(findTlv(data, 0xC5)).hasSize(60).containsOnly(0);
    assertThat(findTlv(data, 0xCD)).hasSize(12);
    assertThat(Hex.encode(findTlv(data, 0xDE))).isEqualTo("010002000300");
    assertThat(Hex.encode(findTlv(data, 0xD6))).isEqualTo("0020");
    assertThat(findTlv(data, 0x7F66)).hasSize(8);
  }

  @Test
  @DisplayName("spec 3.4, 4.4.3.11: FA lists RSA, NIST, brainpool, secp256k1 and 25519 per slot")
  void getData_algorithmInformation_listsSupportedAttributes() {
    byte[] fa = getData(0x00FA).data();
    List<String> c1 = new ArrayList<>();
    List<String> c2 = new ArrayList<>();
    for (BerTlv.Element e : BerTlv.decodeAll(fa)) {
      (e.tag() == 0xC1 ? c1 : e.tag() == 0xC2 ? c2 : new ArrayList<String>())
          .add(Hex.encode(e.value()));
    }
    assertThat(c1)
        .contains("010800002000", "011000002000", ATTR_P256_ECDSA.replace(" ", ""))
        .contains(ATTR_ED25519.replace(" ", ""), "132B240303020801010D")
        .doesNotContain(ATTR_CV25519.replace(" ", ""));
    assertThat(c2).contains(ATTR_CV25519.replace(" ", ""), "122B8104000A");
    assertThat(c2).doesNotContain(ATTR_ED25519.replace(" ", ""));
  }

  @Test
  @DisplayName("spec 3.4, 7.2.6: unknown tags answer 6A88; GET DATA with data answers 6700")
  void getData_unknownTagOrData_errors() {
    assertSw(getData(0x5F48), 0x6A88);
    assertSw(getData(0x00D3), 0x6A88);
    assertSw("00 CA 00 4F 01 00", 0x6700);
  }

  @Test
  @DisplayName("spec 3.4, 4.4.1: PUT DATA needs PW3; lengths and values are checked")
  void putData_accessAndLimits_errors() {
    assertSw(putData(0x005B, "41"), 0x6982);
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x005B, new byte[40]), 0x6700);
    assertSw(putData(0x5F35, "33"), 0x6A80);
    assertSw(putData(0x00C7, new byte[19]), 0x6700);
    assertSw(putData(0x00C4, "02"), 0x6A80);
    assertSw(putData(0x4711, "00"), 0x6A86);
    assertSw(putData(0x005B, "4D 75 73 74 65 72 3C 3C 45 72 69 6B 61"), 0x9000);
    assertSw(putData(0x5F2D, "64 65"), 0x9000);
    assertSw(putData(0x5F35, "32"), 0x9000);
    byte[] holder = getData(0x0065).data();
    assertThat(Hex.encode(findTlv(holder, 0x5B))).isEqualTo("4D75737465723C3C4572696B61");
    assertThat(Hex.encode(findTlv(holder, 0x5F2D))).isEqualTo("6465");
    assertThat(Hex.encode(findTlv(holder, 0x5F35))).isEqualTo("32");
  }

  @Test
  @DisplayName("spec 3.4, 4.4.1: private DOs 0101/0102 read always, 0103 read PW1, 0104 read PW3")
  void privateDos_accessRules() {
    assertSw(putData(0x0101, "01"), 0x6982);
    assertSw(putData(0x0102, "02"), 0x6982);
    assertSw(VERIFY_PW1_OTHER, 0x9000);
    assertSw(putData(0x0101, "01"), 0x9000);
    assertSw(putData(0x0103, "03"), 0x9000);
    assertSw(putData(0x0102, "02"), 0x6982);
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x0102, "02"), 0x9000);
    assertSw(putData(0x0104, "04"), 0x9000);
    assertSw(putData(0x0101, new byte[256]), 0x6700);

    send(SELECT); // drops every verification
    assertThat(Hex.encode(getData(0x0101).data())).isEqualTo("01");
    assertThat(Hex.encode(getData(0x0102).data())).isEqualTo("02");
    assertSw(getData(0x0103), 0x6982);
    assertSw(getData(0x0104), 0x6982);
    assertSw(VERIFY_PW1_OTHER, 0x9000);
    assertThat(Hex.encode(getData(0x0103).data())).isEqualTo("03");
    assertSw(VERIFY_PW3, 0x9000);
    assertThat(Hex.encode(getData(0x0104).data())).isEqualTo("04");
  }

  // ---- passwords
  // ---------------------------------------------------------------------------------

  @Test
  @DisplayName("spec 3.4, 7.2.2: wrong PIN 6982 counts down, then 6983; status query 63CX")
  void verify_wrongPins_countDownAndBlock() {
    assertSw("00 20 00 82", 0x63C3);
    assertSw(WRONG_PW1, 0x6982);
    assertThat(pwStatus()[4]).isEqualTo((byte) 2);
    assertSw("00 20 00 81", 0x63C2);
    assertSw(WRONG_PW1, 0x6982);
    assertSw(WRONG_PW1, 0x6982);
    assertSw(WRONG_PW1, 0x6983);
    assertSw(VERIFY_PW1_OTHER, 0x6983);
    assertThat(pwStatus()[4]).isEqualTo((byte) 0);
  }

  @Test
  @DisplayName("spec 3.4, 7.2.2: a correct PIN restores the counter; P1 FF drops the status")
  void verify_correctPin_restoresCounterAndStatus() {
    assertSw(WRONG_PW3, 0x6982);
    assertSw(VERIFY_PW3, 0x9000);
    assertThat(pwStatus()[6]).isEqualTo((byte) 3);
    assertSw("00 20 00 83", 0x9000);
    assertSw("00 20 FF 83", 0x9000);
    assertSw("00 20 00 83", 0x63C3);
  }

  @Test
  @DisplayName("spec 3.4, 4.3: PW lengths 6/8..64 (6700), bad P1/P2 6A86")
  void verify_badLengthsAndParameters_errors() {
    assertSw("00 20 00 82 05 31 32 33 34 35", 0x6700);
    assertSw("00 20 00 83 06 31 32 33 34 35 36", 0x6700);
    assertSw(command(0x20, 0x00, 0x82, new byte[65]), 0x6700);
    assertSw("00 20 00 84 06 31 32 33 34 35 36", 0x6A86);
    assertSw("00 20 01 82 06 31 32 33 34 35 36", 0x6A86);
    assertThat(pwStatus()[4]).isEqualTo((byte) 3); // none of these counted
  }

  @Test
  @DisplayName("issue 3: retry counters survive reopening the state file")
  void verify_counter_persistsAcrossReopen() throws Exception {
    assertSw(WRONG_PW1, 0x6982);
    assertSw(WRONG_PW3, 0x6982);
    assertSw(WRONG_PW3, 0x6982);
    reopen();
    assertThat(Hex.encode(pwStatus())).isEqualTo("00404040020001");
  }

  @Test
  @DisplayName("spec 3.4, 7.2.3: CHANGE REFERENCE DATA old||new; wrong old counts and answers 6982")
  void changeReferenceData_pw1_changesPin() {
    assertSw("00 24 00 81 0C 31 32 33 34 35 36 36 35 34 33 32 31", 0x9000);
    assertSw(VERIFY_PW1_OTHER, 0x6982);
    assertSw("00 20 00 82 06 36 35 34 33 32 31", 0x9000);
    assertSw("00 24 00 81 0C 31 32 33 34 35 36 31 32 33 34 35 36", 0x6982);
    assertThat(pwStatus()[4]).isEqualTo((byte) 2);
    assertSw("00 24 00 81 08 36 35 34 33 32 31 31 32", 0x6700); // new PIN too short
    assertSw("00 24 00 82 0C 36 35 34 33 32 31 31 32 33 34 35 36", 0x6A86);
  }

  @Test
  @DisplayName("spec 3.4, 7.2.4: resetting code unblocks PW1; P1 02 needs PW3")
  void resetRetryCounter_withCodeAndPw3() {
    assertSw("00 2C 00 81 0E 31 32 33 34 35 36 37 38 31 32 33 34 35 36", 0x6983); // RC unset
    assertSw("00 2C 02 81 06 31 32 33 34 35 36", 0x6982);
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x00D3, "31 32 33"), 0x6700);
    assertSw(putData(0x00D3, "31 32 33 34 35 36 37 38"), 0x9000);
    assertThat(pwStatus()[5]).isEqualTo((byte) 3);
    for (int i = 0; i < 3; i++) {
      send(WRONG_PW1);
    }
    assertSw(VERIFY_PW1_OTHER, 0x6983);

    assertSw("00 2C 00 81 0E 39 39 39 39 39 39 39 39 31 31 31 31 31 31", 0x6982);
    assertThat(pwStatus()[5]).isEqualTo((byte) 2);
    assertSw("00 2C 00 81 0E 31 32 33 34 35 36 37 38 31 31 31 31 31 31", 0x9000);
    assertSw("00 20 00 82 06 31 31 31 31 31 31", 0x9000);
    assertThat(pwStatus()[4]).isEqualTo((byte) 3);

    assertSw("00 2C 02 81 06 37 37 37 37 37 37", 0x9000);
    assertSw("00 20 00 82 06 37 37 37 37 37 37", 0x9000);
    assertSw("00 2C 02 82 06 37 37 37 37 37 37", 0x6A86);
  }

  @Test
  @DisplayName("spec 3.4, 4.3.2: after the KDF-DO is set, the card compares the S2K hashes sent")
  void putKdf_itersaltedS2k_pinsBecomeInitialHashes() throws Exception {
    byte[] salt1 = Hex.decode("0102030405060708");
    byte[] salt3 = Hex.decode("1112131415161718");
    int count = 65536;
    byte[] pw1Hash = s2k("123456", salt1, count);
    byte[] pw3Hash = s2k("12345678", salt3, count);
    byte[] kdf =
        concat(
            Hex.decode("810103 820108 8304"),
            new byte[] {0, 1, 0, 0},
            Hex.decode("8408"),
            salt1,
            Hex.decode("8508"),
            salt1,
            Hex.decode("8608"),
            salt3,
            Hex.decode("8720"),
            pw1Hash,
            Hex.decode("8820"),
            pw3Hash);
    assertThat(kdf).hasSize(110); // GnuPG's KDF_DATA_LENGTH_MAX

    assertSw(putData(0x00F9, kdf), 0x6982);
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x00F9, "81 01 03 82 01 08"), 0x6A80);
    assertSw(putData(0x00F9, kdf), 0x9000);
    assertThat(getData(0x00F9).data()).isEqualTo(kdf);

    assertSw(VERIFY_PW1_OTHER, 0x6982);
    assertSw(command(0x20, 0x00, 0x82, pw1Hash), 0x9000);
    assertSw(command(0x20, 0x00, 0x83, pw3Hash), 0x9000);
    byte[] newPw1 = s2k("abcdefgh", salt1, count);
    assertSw(command(0x24, 0x00, 0x81, concat(pw1Hash, newPw1)), 0x9000);
    assertSw(command(0x20, 0x00, 0x81, newPw1), 0x9000);

    assertSw(putData(0x00F9, "81 01 00"), 0x9000);
    assertSw(VERIFY_PW1_OTHER, 0x9000);
    assertThat(Hex.encode(getData(0x00F9).data())).isEqualTo("810100");
  }

  /** OpenPGP iterated and salted S2K (RFC 4880, 3.7.1.3) with SHA-256, computed here. */
  static byte[] s2k(String pin, byte[] salt, int count) throws Exception {
    byte[] input = concat(salt, pin.getBytes(StandardCharsets.UTF_8));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long total = Math.max(count, input.length);
    for (long done = 0; done < total; ) {
      int n = (int) Math.min(input.length, total - done);
      sha.update(input, 0, n);
      done += n;
    }
    return sha.digest();
  }

  // ---- keys: generation, signing, decryption ---------------------------------------------------

  /** GENERATE with PW3; returns the 7F49 content. */
  byte[] generate(int crt) {
    send(VERIFY_PW3);
    ResponseApdu r = command(0x47, 0x80, 0x00, new byte[] {(byte) crt, 0x00});
    assertSw(r, 0x9000);
    BerTlv.Element template = BerTlv.decodeSingle(r.data());
    assertThat(template.tag()).isEqualTo(0x7F49);
    return template.value();
  }

  static PublicKey rsaPublicKey(byte[] template) throws Exception {
    BigInteger n = new BigInteger(1, findTlv(template, 0x81));
    BigInteger e = new BigInteger(1, findTlv(template, 0x82));
    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
  }

  @Test
  @DisplayName("spec 3.4, 7.2.14 / 7.2.10: RSA 2048 7F49 {81 n, 82 e}; CDS verified by the JDK")
  void generateRsa_signature_verifiesWithJdk() throws Exception {
    byte[] template = generate(0xB6);
    assertThat(findTlv(template, 0x81)).hasSize(256);
    assertThat(Hex.encode(findTlv(template, 0x82))).isEqualTo("010001");
    assertThat(Hex.encode(findTlv(getData(0x006E).data(), 0xDE))).isEqualTo("010102000300");

    byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] digestInfo =
        concat(SHA256_DIGEST_INFO, MessageDigest.getInstance("SHA-256").digest(message));
    assertSw(command(0x2A, 0x9E, 0x9A, digestInfo), 0x6982);
    assertSw(VERIFY_PW1_SIGN, 0x9000);
    ResponseApdu signature = command(0x2A, 0x9E, 0x9A, digestInfo);
    assertSw(signature, 0x9000);

    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(rsaPublicKey(template));
    verifier.update(message);
    assertThat(verifier.verify(signature.data())).isTrue();

    // C4 byte 1 = 00: PW1 is valid for one signature only; the counter counts it.
    assertSw(command(0x2A, 0x9E, 0x9A, digestInfo), 0x6982);
    assertThat(Hex.encode(getData(0x0093).data())).isEqualTo("000001");
    assertThat(Hex.encode(getData(0x007A).data())).isEqualTo("7A059303000001");

    // The public key reads back the same and persists.
    reopen();
    ResponseApdu read = command(0x47, 0x81, 0x00, new byte[] {(byte) 0xB6, 0x00});
    assertThat(BerTlv.decodeSingle(read.data()).value()).isEqualTo(template);
  }

  @Test
  @DisplayName("spec 3.4, 7.2.10: DigestInfo over 40 % of the modulus answers 6700")
  void sign_rsaInputTooLong_wrongLength() {
    generate(0xB6);
    assertSw(VERIFY_PW1_SIGN, 0x9000);
    assertSw(command(0x2A, 0x9E, 0x9A, new byte[103]), 0x6700);
    assertSw(command(0x2A, 0x9E, 0x9A, new byte[0]), 0x6700);
  }

  @Test
  @DisplayName("spec 3.4, 7.2.11: RSA DECIPHER 00||cryptogram, JDK PKCS#1 encryption")
  void decipherRsa_jdkCryptogram_plaintext() throws Exception {
    byte[] template = generate(0xB8);
    Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    rsa.init(Cipher.ENCRYPT_MODE, rsaPublicKey(template));
    byte[] sessionKey = Hex.decode("09" + "00112233445566778899AABBCCDDEEFF" + "1234");
    byte[] cryptogram = rsa.doFinal(sessionKey);

    assertSw(command(0x2A, 0x80, 0x86, concat(new byte[] {0}, cryptogram)), 0x6982);
    assertSw(VERIFY_PW1_OTHER, 0x9000);
    assertSw(
        command(0x2A, 0x80, 0x86, concat(new byte[] {0}, Arrays.copyOf(cryptogram, 255))), 0x6700);
    ResponseApdu plain = command(0x2A, 0x80, 0x86, concat(new byte[] {0}, cryptogram));
    assertSw(plain, 0x9000);
    assertThat(plain.data()).isEqualTo(sessionKey);
    // ECDH form with an RSA key, and an unknown padding indicator.
    assertSw(command(0x2A, 0x80, 0x86, Hex.decode("A6 05 7F49 02 86 00".replace(" ", ""))), 0x6A80);
    assertSw(command(0x2A, 0x80, 0x86, concat(new byte[] {5}, cryptogram)), 0x6A80);
  }

  @Test
  @DisplayName("spec 3.4, 7.2.10: ECDSA P-256 raw r||s, verified by the JDK")
  void generateP256_signature_verifiesWithJdk() throws Exception {
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x00C1, ATTR_P256_ECDSA), 0x9000);
    byte[] point = findTlv(generate(0xB6), 0x86);
    assertThat(point).hasSize(65);
    assertThat(point[0]).isEqualTo((byte) 0x04);

    byte[] message = "ecdsa".getBytes(StandardCharsets.UTF_8);
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(message);
    assertSw(VERIFY_PW1_SIGN, 0x9000);
    ResponseApdu signature = command(0x2A, 0x9E, 0x9A, hash);
    assertSw(signature, 0x9000);
    assertThat(signature.data()).hasSize(64);

    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(p256PublicKey(point));
    verifier.update(message);
    assertThat(verifier.verify(signature.data())).isTrue();
  }

  static PublicKey p256PublicKey(byte[] point) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    ECPublicKey any = (ECPublicKey) g.generateKeyPair().getPublic();
    ECPoint w =
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
            new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, any.getParams()));
  }

  @Test
  @DisplayName("spec 3.4, 7.2.13: INTERNAL AUTHENTICATE with Ed25519, verified by the JDK")
  void internalAuthenticateEd25519_verifiesWithJdk() throws Exception {
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x00C3, ATTR_ED25519), 0x9000);
    byte[] publicKey = findTlv(generate(0xA4), 0x86);
    assertThat(publicKey).hasSize(32);

    byte[] challenge = "ssh challenge".getBytes(StandardCharsets.UTF_8);
    assertSw(command(0x88, 0x00, 0x00, challenge), 0x6982);
    assertSw(VERIFY_PW1_OTHER, 0x9000);
    ResponseApdu signature = command(0x88, 0x00, 0x00, challenge);
    assertSw(signature, 0x9000);

    // RFC 8410 SubjectPublicKeyInfo prefix for Ed25519.
    byte[] spki = concat(Hex.decode("302A300506032B6570032100"), publicKey);
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(
        KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
    verifier.update(challenge);
    assertThat(verifier.verify(signature.data())).isTrue();
    assertSw(command(0x88, 0x01, 0x00, challenge), 0x6A86);
  }

  @Test
  @DisplayName("spec 3.4, 7.2.11: ECDH P-256 with A6/7F49/86 matches the JDK's KeyAgreement")
  void decipherEcdhP256_matchesJdk() throws Exception {
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x00C2, ATTR_P256_ECDH), 0x9000);
    byte[] cardPoint = findTlv(generate(0xB8), 0x86);

    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair host = g.generateKeyPair();
    ECPoint w = ((ECPublicKey) host.getPublic()).getW();
    byte[] hostPoint =
        concat(new byte[] {4}, unsigned32(w.getAffineX()), unsigned32(w.getAffineY()));
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(host.getPrivate());
    agreement.doPhase(p256PublicKey(cardPoint), true);
    byte[] expected = agreement.generateSecret();

    assertSw(VERIFY_PW1_OTHER, 0x9000);
    byte[] cipherDo = BerTlv.encode(0xA6, BerTlv.encode(0x7F49, BerTlv.encode(0x86, hostPoint)));
    ResponseApdu shared = command(0x2A, 0x80, 0x86, cipherDo);
    assertSw(shared, 0x9000);
    assertThat(shared.data()).isEqualTo(expected);

    byte[] badLength = cipherDo.clone();
    badLength[1]++;
    assertSw(command(0x2A, 0x80, 0x86, badLength), 0x6A80);
    byte[] offCurve = hostPoint.clone();
    offCurve[64] ^= 1;
    assertSw(
        command(
            0x2A,
            0x80,
            0x86,
            BerTlv.encode(0xA6, BerTlv.encode(0x7F49, BerTlv.encode(0x86, offCurve)))),
        0x6A80);
  }

  static byte[] unsigned32(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }

  @Test
  @DisplayName("spec 3.4, 4.4.3.12: imported X25519 scalar is big-endian; ECDH matches the JDK")
  void importX25519_bigEndianScalar_matchesJdk() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("X25519");
    KeyPair cardKey = g.generateKeyPair();
    KeyPair host = g.generateKeyPair();
    // PKCS#8 of X25519 (RFC 8410): the last 32 bytes are the RFC 7748 private key, little-endian.
    byte[] pkcs8 = cardKey.getPrivate().getEncoded();
    byte[] littleEndian = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
    byte[] bigEndian = littleEndian.clone();
    OpenPgpApplet.reverse(bigEndian);

    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x00C2, ATTR_CV25519), 0x9000);
    assertSw(command(0xDB, 0x3F, 0xFF, ecImport(0xB8, bigEndian)), 0x9000);

    byte[] hostSpki = host.getPublic().getEncoded();
    byte[] hostU = Arrays.copyOfRange(hostSpki, hostSpki.length - 32, hostSpki.length);
    KeyAgreement agreement = KeyAgreement.getInstance("X25519");
    agreement.init(host.getPrivate());
    agreement.doPhase(cardKey.getPublic(), true);
    byte[] expected = agreement.generateSecret();

    assertSw(VERIFY_PW1_OTHER, 0x9000);
    ResponseApdu shared =
        command(
            0x2A,
            0x80,
            0x86,
            BerTlv.encode(0xA6, BerTlv.encode(0x7F49, BerTlv.encode(0x86, hostU))));
    assertSw(shared, 0x9000);
    assertThat(shared.data()).isEqualTo(expected);
    byte[] cardSpki = cardKey.getPublic().getEncoded();
    assertThat(findTlv(command(0x47, 0x81, 0x00, Hex.decode("B800")).data(), 0x86))
        .isEqualTo(Arrays.copyOfRange(cardSpki, cardSpki.length - 32, cardSpki.length));
    assertThat(Hex.encode(findTlv(getData(0x006E).data(), 0xDE))).isEqualTo("010002020300");
  }

  /** 4D {CRT 00, 7F48 {92 len}, 5F48 scalar}, as GnuPG's build_ecc_privkey_template makes it. */
  static byte[] ecImport(int crt, byte[] scalar) {
    byte[] inner =
        concat(
            new byte[] {(byte) crt, 0x00},
            BerTlv.encode(0x7F48, new byte[] {(byte) 0x92, (byte) scalar.length}),
            BerTlv.encode(0x5F48, scalar));
    return BerTlv.encode(0x4D, inner);
  }

  @Test
  @DisplayName("spec 3.4, 4.4.3.12: imported P-256 key signs; JDK verifies with its public key")
  void importP256_signs() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = g.generateKeyPair();
    byte[] scalar = unsigned32(((ECPrivateKey) pair.getPrivate()).getS());

    assertSw(command(0xDB, 0x3F, 0xFF, ecImport(0xB6, scalar)), 0x6982);
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(command(0xDB, 0x3F, 0xFF, ecImport(0xB6, scalar)), 0x6A80); // attributes say RSA
    assertSw(putData(0x00C1, ATTR_P256_ECDSA), 0x9000);
    assertSw(command(0xDB, 0x3F, 0xFE, ecImport(0xB6, scalar)), 0x6A86);
    assertSw(command(0xDB, 0x3F, 0xFF, ecImport(0xB7, scalar)), 0x6A80);
    assertSw(command(0xDB, 0x3F, 0xFF, ecImport(0xB6, new byte[32])), 0x6A80); // zero scalar
    assertSw(command(0xDB, 0x3F, 0xFF, ecImport(0xB6, scalar)), 0x9000);

    byte[] hash = MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3});
    assertSw(VERIFY_PW1_SIGN, 0x9000);
    ResponseApdu signature = command(0x2A, 0x9E, 0x9A, hash);
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(pair.getPublic());
    verifier.update(new byte[] {1, 2, 3});
    assertThat(verifier.verify(signature.data())).isTrue();
  }

  @Test
  @DisplayName("spec 3.4, 4.4.3.12: RSA import of e, p, q in the standard format")
  void importRsa_standardFormat_publicKeyMatches() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
    byte[] e = OpenPgpApplet.unsigned(key.getPublicExponent(), 4);
    byte[] p = OpenPgpApplet.unsigned(key.getPrimeP(), 128);
    byte[] q = OpenPgpApplet.unsigned(key.getPrimeQ(), 128);
    byte[] template = Hex.decode("9104928180938180");
    byte[] inner =
        concat(
            Hex.decode("A400"),
            BerTlv.encode(0x7F48, template),
            BerTlv.encode(0x5F48, concat(e, p, q)));

    assertSw(VERIFY_PW3, 0x9000);
    assertSw(command(0xDB, 0x3F, 0xFF, BerTlv.encode(0x4D, inner)), 0x9000);
    byte[] publicKey =
        BerTlv.decodeSingle(command(0x47, 0x81, 0x00, Hex.decode("A400")).data()).value();
    assertThat(new BigInteger(1, findTlv(publicKey, 0x81))).isEqualTo(key.getModulus());

    byte[] truncated =
        concat(
            Hex.decode("A400"),
            BerTlv.encode(0x7F48, template),
            BerTlv.encode(0x5F48, concat(e, p)));
    assertSw(command(0xDB, 0x3F, 0xFF, BerTlv.encode(0x4D, truncated)), 0x6A80);
  }

  @Test
  @DisplayName("spec 3.4, 4.4.3.10: attributes a slot does not take answer 6A80")
  void putAttributes_wrongForSlot_wrongData() {
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x00C2, ATTR_ED25519), 0x6A80);
    assertSw(putData(0x00C1, ATTR_CV25519), 0x6A80);
    assertSw(putData(0x00C1, ATTR_P256_ECDH), 0x6A80);
    assertSw(putData(0x00C1, "01 04 00 00 20 00"), 0x6A80); // RSA 1024
    assertSw(putData(0x00C1, "01 08 00 00 20 07"), 0x6A80);
    assertSw(putData(0x00C1, "13 2A 86 48 CE 3D 03 01"), 0x6A80);
    assertSw(putData(0x00C1, ATTR_P256_ECDSA + " FF"), 0x9000);
    assertSw(putData(0x00C1, "01 0C 00 00 20 00"), 0x9000);
    assertThat(Hex.encode(findTlv(getData(0x006E).data(), 0xC1))).isEqualTo("010C00002000");
  }

  @Test
  @DisplayName("spec 3.4, 7.2.14: missing key 6A88; GENERATE needs PW3; bad CRT 6A80, bad Lc 6700")
  void generateAndUse_errors() {
    assertSw(command(0x47, 0x81, 0x00, Hex.decode("B600")), 0x6A88);
    assertSw(command(0x47, 0x80, 0x00, Hex.decode("B600")), 0x6982);
    assertSw(VERIFY_PW1_SIGN, 0x9000);
    assertSw(command(0x2A, 0x9E, 0x9A, new byte[51]), 0x6A88);
    assertSw(VERIFY_PW1_OTHER, 0x9000);
    assertSw(command(0x88, 0x00, 0x00, new byte[20]), 0x6A88);
    assertSw(command(0x2A, 0x80, 0x86, new byte[257]), 0x6A88);
    assertSw(command(0x2A, 0x86, 0x80, new byte[16]), 0x6A88); // no AES key
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(command(0x47, 0x80, 0x00, Hex.decode("B700")), 0x6A80);
    assertSw(command(0x47, 0x80, 0x00, Hex.decode("B6")), 0x6700);
    assertSw(command(0x47, 0x82, 0x00, Hex.decode("B600")), 0x6A86);
    assertSw(command(0x2A, 0x9E, 0x9B, new byte[20]), 0x6A86);
  }

  @Test
  @DisplayName("spec 3.4, 7.2.11-12: AES with D5, 02 indicator, checked against the JDK")
  void aesEncipherDecipher_matchesJdk() throws Exception {
    byte[] key = Hex.decode("000102030405060708090A0B0C0D0E0F");
    byte[] plain = Hex.decode("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF");
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x00D5, new byte[15]), 0x6700);
    assertSw(putData(0x00D5, key), 0x9000);
    assertSw(command(0x2A, 0x86, 0x80, plain), 0x6982);
    assertSw(VERIFY_PW1_OTHER, 0x9000);

    ResponseApdu enciphered = command(0x2A, 0x86, 0x80, plain);
    assertSw(enciphered, 0x9000);
    Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
    assertThat(enciphered.data()).isEqualTo(concat(new byte[] {2}, aes.doFinal(plain)));

    ResponseApdu deciphered = command(0x2A, 0x80, 0x86, enciphered.data());
    assertSw(deciphered, 0x9000);
    assertThat(deciphered.data()).isEqualTo(plain);
    assertSw(command(0x2A, 0x86, 0x80, new byte[15]), 0x6700);
  }

  // ---- touch
  // -------------------------------------------------------------------------------------

  @Test
  @DisplayName("spec 3.4, 4.1.3.6: UIF on asks for touch; refused answers 6600, counter unchanged")
  void uif_onAndDenied_securityIssue() throws Exception {
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x00C1, ATTR_ED25519), 0x9000);
    generate(0xB6);
    assertSw(putData(0x00D6, "01 20"), 0x9000);
    assertSw(putData(0x00D6, "05 20"), 0x6A80);
    assertSw(putData(0x00D6, "01 00"), 0x6A80);
    assertSw(putData(0x00D6, "01"), 0x6700);

    presence.grant = false;
    assertSw(VERIFY_PW1_SIGN, 0x9000);
    assertSw(command(0x2A, 0x9E, 0x9A, new byte[] {1}), 0x6600);
    assertThat(Hex.encode(getData(0x0093).data())).isEqualTo("000000");
    presence.grant = true;
    assertSw(command(0x2A, 0x9E, 0x9A, new byte[] {1}), 0x9000);
    assertThat(presence.asked).hasSize(2);

    assertSw(putData(0x00D6, "02 20"), 0x9000);
    assertSw(putData(0x00D6, "00 20"), 0x6985);
    assertThat(Hex.encode(findTlv(getData(0x006E).data(), 0xD6))).isEqualTo("0220");
  }

  @Test
  @DisplayName("spec 3.4, 4.1.3.6: UIF cached (03): one touch covers the next operation")
  void uif_cached_oneTouchForTwoSignatures() {
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x00C3, ATTR_ED25519), 0x9000);
    generate(0xA4);
    assertSw(putData(0x00D8, "03 20"), 0x9000);
    assertSw(VERIFY_PW1_OTHER, 0x9000);
    assertSw(command(0x88, 0x00, 0x00, new byte[] {1}), 0x9000);
    assertSw(command(0x88, 0x00, 0x00, new byte[] {2}), 0x9000);
    assertThat(presence.asked).hasSize(1);
  }

  // ---- certificates
  // ------------------------------------------------------------------------------

  @Test
  @DisplayName("spec 3.4, 7.2.5: three certificates of 2 KB+ with SELECT DATA and GET NEXT DATA")
  void certificates_threeOccurrences_selectDataAndNext() {
    byte[][] certs = new byte[3][];
    assertSw(VERIFY_PW3, 0x9000);
    for (int occurrence = 0; occurrence < 3; occurrence++) {
      certs[occurrence] = new byte[2100 + occurrence];
      new SecureRandom().nextBytes(certs[occurrence]);
      assertSw(command(0xA5, occurrence, 0x04, Hex.decode("60045C027F21")), 0x9000);
      assertSw(putData(0x7F21, certs[occurrence]), 0x9000);
    }
    assertSw(putData(0x7F21, new byte[CardOs.BUFFER_SIZE]), 0x9000);
    assertSw(putData(0x7F21, certs[2]), 0x9000);

    send(SELECT);
    assertThat(getData(0x7F21).data()).isEqualTo(certs[0]);
    ResponseApdu next = command(0xCC, 0x7F, 0x21, new byte[0]);
    assertThat(next.data()).isEqualTo(certs[1]);
    assertThat(command(0xCC, 0x7F, 0x21, new byte[0]).data()).isEqualTo(certs[2]);
    assertSw(command(0xCC, 0x7F, 0x21, new byte[0]), 0x6A88);
    assertSw(command(0xA5, 0x01, 0x04, Hex.decode("5C027F21")), 0x9000);
    assertThat(getData(0x7F21).data()).isEqualTo(certs[1]);

    assertSw(command(0xA5, 0x03, 0x04, Hex.decode("60045C027F21")), 0x6A86);
    assertSw(command(0xA5, 0x00, 0x04, Hex.decode("60045C025F50")), 0x6A80);
    assertSw(command(0xCC, 0x5F, 0x50, new byte[0]), 0x6A86);
  }

  // ---- life cycle
  // --------------------------------------------------------------------------------

  @Test
  @DisplayName("spec 3.4, 7.2.16-17: TERMINATE needs PW3 or blocked PW3; 6285 until ACTIVATE")
  void terminateActivate_factoryReset() throws Exception {
    assertSw("00 E6 00 00", 0x6982);
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x005B, "41 42"), 0x9000);
    assertSw("00 24 00 81 0C 31 32 33 34 35 36 36 35 34 33 32 31", 0x9000);
    send("00 20 FF 83");
    for (int i = 0; i < 3; i++) {
      send(WRONG_PW3);
    }
    assertSw("00 E6 00 00", 0x9000); // PW3 blocked

    assertSw(getData(0x004F), 0x6285);
    assertSw(VERIFY_PW1_OTHER, 0x6285);
    reopen();
    assertSw(SELECT, 0x6285);
    assertSw("00 44 00 00", 0x9000);
    assertSw(getData(0x004F), 0x9000);
    assertThat(Hex.encode(pwStatus())).isEqualTo("00404040030003");
    assertSw(VERIFY_PW1_OTHER, 0x9000);
    assertThat(findTlv(getData(0x0065).data(), 0x5B)).isEmpty();
    assertSw("00 44 00 00", 0x9000); // operational: nothing to do
    assertThat(state.get("admin/sn")).isPresent();
  }

  @Test
  @DisplayName("spec 3.4, 7.2.16-17: TERMINATE DF and ACTIVATE FILE carry no data: 6700")
  void terminateActivate_withData_wrongLengthAndNothingChanged() throws Exception {
    assertSw(VERIFY_PW3, 0x9000);

    assertSw("00 E6 00 00 01 00", 0x6700);
    assertSw("00 44 00 00 01 00", 0x6700);
    assertSw(getData(0x004F), 0x9000); // still operational
  }

  @Test
  @DisplayName("inventory 8: admin RESET OPENPGP (INS 03) deletes the pgp/ records")
  void adminReset_openPgp_factoryState() throws Exception {
    assertSw(VERIFY_PW3, 0x9000);
    assertSw(putData(0x005E, "6C 6F 67 69 6E"), 0x9000);
    send(WRONG_PW1);
    state.put("admin/pin", "123456".getBytes(StandardCharsets.US_ASCII));
    CardOs admin =
        new CardOs(
            List.of(new AdminApplet(new AppletContext(state, presence, new SecureRandom()))));
    admin.transmit(Hex.decode("00A4040005F000000000"));
    assertThat(admin.transmit(Hex.decode("00200000063132333435 36".replace(" ", ""))))
        .endsWith(0x90, 0x00);
    assertThat(admin.transmit(Hex.decode("00030000"))).endsWith(0x90, 0x00);

    assertThat(state.names()).noneMatch(n -> n.startsWith("pgp/"));
    send(SELECT);
    assertThat(getData(0x005E).data()).isEmpty();
    assertThat(Hex.encode(pwStatus())).isEqualTo("00404040030003");
  }

  // ---- misc
  // --------------------------------------------------------------------------------------

  @Test
  @DisplayName("spec 3.4, 7.2.15 / 7.1: GET CHALLENGE parameters; other CLA 6E00, INS 6D00")
  void miscellaneous_errors() {
    assertSw("00 84 00 00 08", 0x9000);
    assertThat(send("00 84 00 00 08").data()).hasSize(8);
    assertSw("00 84 00 01 08", 0x6A86);
    assertSw("00 84 00 00", 0x6700);
    assertSw("80 CA 00 4F 00", 0x6E00);
    assertSw("00 FE 00 00", 0x6D00);
  }

  @Test
  @DisplayName("issue 3: key import and secret PUT DATA are blanked in traces")
  void carriesSecret_importAndSecretDos() {
    OpenPgpApplet applet =
        new OpenPgpApplet(new AppletContext(state, presence, new SecureRandom()));
    assertThat(applet.carriesSecret(CommandApdu.of(0, 0xDB, 0x3F, 0xFF, new byte[1]))).isTrue();
    for (int tag : new int[] {0xD3, 0xD5, 0xF9, 0x0101, 0x0104}) {
      assertThat(applet.carriesSecret(CommandApdu.of(0, 0xDA, tag >> 8, tag & 0xFF, new byte[1])))
          .isTrue();
    }
    assertThat(applet.carriesSecret(CommandApdu.of(0, 0xDA, 0x5F, 0x50, new byte[1]))).isFalse();
  }
}
