package io.vcanokey.applet.piv;

import static io.vcanokey.applet.piv.PivHost.assertSw;
import static io.vcanokey.applet.piv.PivHost.concat;
import static io.vcanokey.applet.piv.PivHost.inner;
import static io.vcanokey.applet.piv.PivHost.tlv;
import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.bytes.Hex;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GENERATE ASYMMETRIC KEY PAIR, IMPORT ASYMMETRIC KEY and GENERAL AUTHENTICATE with asymmetric keys
 * (NIST SP 800-73-4 part 2, 3.2.4 and 3.3.2; Yubico PIV extensions). Every signature, every
 * decryption and every shared secret is checked with the JDK's own providers.
 */
class PivKeysTest {

  /** DigestInfo prefix of SHA-256 (RFC 8017, 9.2, note 1). */
  static final byte[] SHA256_DIGEST_INFO = Hex.decode("3031300D060960864801650304020105000420");

  static final byte[] MESSAGE = "PIV signs this".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @TempDir Path dir;

  PivHost host;

  @BeforeEach
  void setUp() throws Exception {
    host = new PivHost(dir);
    host.authenticateDefault();
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  /** EMSA-PKCS1-v1_5 (RFC 8017, 9.2) of SHA-256(message), built here for the raw operation. */
  static byte[] pkcs1Block(byte[] message, int length) throws Exception {
    byte[] digestInfo =
        concat(SHA256_DIGEST_INFO, MessageDigest.getInstance("SHA-256").digest(message));
    byte[] block = new byte[length];
    block[1] = 0x01;
    Arrays.fill(block, 2, length - digestInfo.length - 1, (byte) 0xFF);
    System.arraycopy(digestInfo, 0, block, length - digestInfo.length, digestInfo.length);
    return block;
  }

  byte[] signature(ResponseApdu r) {
    assertSw(r, 0x9000);
    return inner(inner(r.data(), 0x7C), 0x82);
  }

  // ---- generation and signatures ---------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({"07, 256", "05, 384", "16, 512"})
  @DisplayName("SP 800-73-4 part 2, A.4: RSA raw signature of a PKCS #1 block verifies (JDK)")
  void generateRsa_sign_verifiesWithJdk(String algorithmHex, int modulusBytes) throws Exception {
    int algorithm = Integer.parseInt(algorithmHex, 16);
    PublicKey key = host.generateKey(0x9A, algorithm, 0, 0);
    assertThat(((RSAPublicKey) key).getModulus().bitLength()).isEqualTo(modulusBytes * 8);
    assertThat(((RSAPublicKey) key).getPublicExponent()).isEqualTo(BigInteger.valueOf(65537));
    host.verifyPin();

    byte[] sig = signature(host.sign(algorithm, 0x9A, pkcs1Block(MESSAGE, modulusBytes)));

    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(key);
    verifier.update(MESSAGE);
    assertThat(verifier.verify(sig)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"11, SHA256withECDSA, SHA-256", "14, SHA384withECDSA, SHA-384"})
  @DisplayName("SP 800-73-4 part 2, 3.2.4: ECDSA answers a DER signature that the JDK verifies")
  void generateEc_sign_verifiesWithJdk(String algorithmHex, String jdkAlgorithm, String hash)
      throws Exception {
    int algorithm = Integer.parseInt(algorithmHex, 16);
    PublicKey key = host.generateKey(0x9C, algorithm, 0, 0);
    host.verifyPin();

    byte[] digest = MessageDigest.getInstance(hash).digest(MESSAGE);
    byte[] sig = signature(host.sign(algorithm, 0x9C, digest));

    Signature verifier = Signature.getInstance(jdkAlgorithm);
    verifier.initVerify(key);
    verifier.update(MESSAGE);
    assertThat(verifier.verify(sig)).isTrue();
  }

  @Test
  @DisplayName("FIPS 186-4, 6.4: a P-384 key signs a short SHA-256 hash (ykman sends it so)")
  void p384_shortHash_signsHashValue() throws Exception {
    PublicKey key = host.generateKey(0x9E, 0x14, 0, 0);

    byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
    byte[] sig = signature(host.sign(0x14, 0x9E, digest));

    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(key);
    verifier.update(MESSAGE);
    assertThat(verifier.verify(sig)).isTrue();
  }

  @Test
  @DisplayName("FIPS 186-4, 6.4: a hash longer than the order is cut to its leftmost bytes")
  void p256_sha512Hash_truncatedToLeftmostBits() throws Exception {
    PublicKey key = host.generateKey(0x9E, 0x11, 0, 0);

    byte[] digest = MessageDigest.getInstance("SHA-512").digest(MESSAGE);
    byte[] sig = signature(host.sign(0x11, 0x9E, digest));

    Signature verifier = Signature.getInstance("SHA512withECDSA");
    verifier.initVerify(key);
    verifier.update(MESSAGE);
    assertThat(verifier.verify(sig)).isTrue();
  }

  @Test
  @DisplayName("YubiKey 5.7: Ed25519 (E0) signs the whole message; the JDK verifies it")
  void generateEd25519_sign_verifiesWithJdk() throws Exception {
    PublicKey key = host.generateKey(0x9A, 0xE0, 0, 0);
    host.verifyPin();
    byte[] message = new byte[1000];
    host.random.nextBytes(message);

    byte[] sig = signature(host.sign(0xE0, 0x9A, message));

    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(key);
    verifier.update(message);
    assertThat(verifier.verify(sig)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"11, secp256r1", "14, secp384r1"})
  @DisplayName("SP 800-73-4 part 2, A.5: ECDH (85) gives the JDK's shared secret")
  void generateEc_agree_matchesJdk(String algorithmHex, String curve) throws Exception {
    int algorithm = Integer.parseInt(algorithmHex, 16);
    PublicKey card = host.generateKey(0x9D, algorithm, 0, 0);
    host.verifyPin();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    KeyPair peer = generator.generateKeyPair();
    byte[] peerPoint = uncompressed((ECPublicKey) peer.getPublic());

    byte[] secret = signature(host.agree(algorithm, 0x9D, peerPoint));

    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(peer.getPrivate());
    agreement.doPhase(card, true);
    assertThat(secret).isEqualTo(agreement.generateSecret());
  }

  @Test
  @DisplayName("YubiKey 5.7: X25519 (E1) agrees on the JDK's shared secret from 32 bytes")
  void generateX25519_agree_matchesJdk() throws Exception {
    PublicKey card = host.generateKey(0x9D, 0xE1, 0, 0);
    host.verifyPin();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("XDH");
    generator.initialize(NamedParameterSpec.X25519);
    KeyPair peer = generator.generateKeyPair();
    byte[] encoded = peer.getPublic().getEncoded();
    byte[] peerRaw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);

    byte[] secret = signature(host.agree(0xE1, 0x9D, peerRaw));

    KeyAgreement agreement = KeyAgreement.getInstance("XDH");
    agreement.init(peer.getPrivate());
    agreement.doPhase(card, true);
    assertThat(secret).isEqualTo(agreement.generateSecret());
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, A.3: RSA decryption returns the padded block (JDK encrypts)")
  void rsa_decrypt_returnsPaddedBlock() throws Exception {
    PublicKey key = host.generateKey(0x9D, 0x07, 0, 0);
    host.verifyPin();
    Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    cipher.init(Cipher.ENCRYPT_MODE, key);
    byte[] secret = Hex.decode("00112233445566778899AABBCCDDEEFF");
    byte[] cryptogram = cipher.doFinal(secret);

    byte[] block = signature(host.sign(0x07, 0x9D, cryptogram));

    assertThat(block).hasSize(256);
    assertThat(block[0]).isEqualTo((byte) 0x00);
    assertThat(block[1]).isEqualTo((byte) 0x02);
    assertThat(Arrays.copyOfRange(block, 240, 256)).isEqualTo(secret);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.3.2: the key survives a restart and keeps signing")
  void generate_keyPersistsAcrossRestart() throws Exception {
    PublicKey key = host.generateKey(0x95, 0x11, 0, 0);

    host.restart();
    host.verifyPin();
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
    byte[] sig = signature(host.sign(0x11, 0x95, digest));

    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(key);
    verifier.update(MESSAGE);
    assertThat(verifier.verify(sig)).isTrue();
  }

  // ---- PIN and touch policies ------------------------------------------------------------------

  @Test
  @DisplayName("SP 800-73-4 part 1, table 4b: 9A needs the PIN once, 9E never")
  void defaultPolicies_9aOnce_9eNever() throws Exception {
    host.generateKey(0x9A, 0x11, 0, 0);
    host.generateKey(0x9E, 0x11, 0, 0);
    byte[] hash = new byte[32];

    assertSw(host.sign(0x11, 0x9A, hash), 0x6982);
    assertSw(host.sign(0x11, 0x9E, hash), 0x9000);
    host.verifyPin();
    assertSw(host.sign(0x11, 0x9A, hash), 0x9000);
    assertSw(host.sign(0x11, 0x9A, hash), 0x9000);
  }

  @Test
  @DisplayName("SP 800-73-4 part 1, table 4b: 9C needs the PIN right before every signature")
  void defaultPolicy_9cAlways_eachUseConsumesPin() throws Exception {
    host.generateKey(0x9C, 0x11, 0, 0);
    byte[] hash = new byte[32];
    host.verifyPin();

    assertSw(host.sign(0x11, 0x9C, hash), 0x9000);
    assertSw(host.sign(0x11, 0x9C, hash), 0x6982);
    host.verifyPin();
    assertSw(host.sign(0x11, 0x9C, hash), 0x9000);
  }

  @Test
  @DisplayName("Yubico AA: PIN policy never on 9A signs without a PIN; once on 9C after one")
  void explicitPinPolicies_override() throws Exception {
    host.generateKey(0x9A, 0x11, 0x01, 0);
    host.generateKey(0x9C, 0x11, 0x02, 0);
    byte[] hash = new byte[32];

    assertSw(host.sign(0x11, 0x9A, hash), 0x9000);
    host.verifyPin();
    assertSw(host.sign(0x11, 0x9C, hash), 0x9000);
    assertSw(host.sign(0x11, 0x9C, hash), 0x9000);
  }

  @Test
  @DisplayName("Yubico AB 02: touch always asks for every use; a refusal answers 6982")
  void touchAlways_asksEachUse() throws Exception {
    host.generateKey(0x9E, 0x11, 0, 0x02);
    byte[] hash = new byte[32];

    assertSw(host.sign(0x11, 0x9E, hash), 0x9000);
    assertSw(host.sign(0x11, 0x9E, hash), 0x9000);
    host.presence.grant = false;
    assertSw(host.sign(0x11, 0x9E, hash), 0x6982);

    assertThat(host.presence.asked).hasSize(3);
  }

  @Test
  @DisplayName("Yubico AB 03: a touch is cached for 15 seconds")
  void touchCached_fifteenSeconds() throws Exception {
    host.generateKey(0x9E, 0x11, 0, 0x03);
    byte[] hash = new byte[32];

    assertSw(host.sign(0x11, 0x9E, hash), 0x9000);
    host.nanos += 14_000_000_000L;
    assertSw(host.sign(0x11, 0x9E, hash), 0x9000);
    assertThat(host.presence.asked).hasSize(1);
    host.nanos += 1_000_000_001L;
    assertSw(host.sign(0x11, 0x9E, hash), 0x9000);

    assertThat(host.presence.asked).hasSize(2);
  }

  // ---- import ----------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({"06, 1024", "07, 2048"})
  @DisplayName("Yubico IMPORT: RSA CRT parts 01..05; the JDK verifies the card's signature")
  void importRsa_signsVerifiably(String algorithmHex, int bits) throws Exception {
    int algorithm = Integer.parseInt(algorithmHex, 16);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    KeyPair pair = generator.generateKeyPair();
    RSAPrivateCrtKey k = (RSAPrivateCrtKey) pair.getPrivate();
    int half = bits / 16;
    byte[] data =
        concat(
            tlv(0x01, fixed(k.getPrimeP(), half)),
            tlv(0x02, fixed(k.getPrimeQ(), half)),
            tlv(0x03, fixed(k.getPrimeExponentP(), half)),
            tlv(0x04, fixed(k.getPrimeExponentQ(), half)),
            tlv(0x05, fixed(k.getCrtCoefficient(), half)),
            tlv(0xAA, new byte[] {0x01}));

    assertSw(host.command(0xFE, algorithm, 0x9A, data), 0x9000);

    byte[] sig = signature(host.sign(algorithm, 0x9A, pkcs1Block(MESSAGE, bits / 8)));
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(pair.getPublic());
    verifier.update(MESSAGE);
    assertThat(verifier.verify(sig)).isTrue();
  }

  @Test
  @DisplayName("Yubico IMPORT: an EC scalar (06); the JDK verifies the card's signature")
  void importEc_signsVerifiably() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    byte[] scalar = fixed(((ECPrivateKey) pair.getPrivate()).getS(), 32);

    assertSw(host.command(0xFE, 0x11, 0x82, tlv(0x06, scalar)), 0x9000);
    host.verifyPin();

    byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
    byte[] sig = signature(host.sign(0x11, 0x82, digest));
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(pair.getPublic());
    verifier.update(MESSAGE);
    assertThat(verifier.verify(sig)).isTrue();
  }

  @Test
  @DisplayName("RFC 8032 7.1 test 1: an imported Ed25519 seed (07) gives the published signature")
  void importEd25519_rfc8032Vector() {
    byte[] seed = Hex.decode("9D61B19DEFFD5A60BA844AF492EC2CC44449C5697B326919703BAC031CAE7F60");
    assertSw(host.command(0xFE, 0xE0, 0x9E, tlv(0x07, seed)), 0x9000);

    byte[] sig = signature(host.sign(0xE0, 0x9E, new byte[0]));

    assertThat(Hex.encode(sig))
        .isEqualTo(
            "E5564300C360AC729086E2CC806E828A84877F1EB8E5D974D873E06522490155"
                + "5FB8821590A33BACC61E39701CF9B46BD25BF5F0595BBE24655141438E7A100B");
    ResponseApdu metadata = host.send("00 F7 00 9E");
    assertThat(Hex.encode(inner(inner(metadata.data(), 0x04), 0x86)))
        .isEqualTo("D75A980182B10AB7D54BFED3C964073A0EE172F3DAA62325AF021A68F707511A");
  }

  @Test
  @DisplayName("RFC 7748 6.1: an imported X25519 key (08) agrees on the published secret")
  void importX25519_rfc7748Vector() {
    byte[] alice = Hex.decode("77076D0A7318A57D3C16C17251B26645DF4C2F87EBC0992AB177FBA51DB92C2A");
    byte[] bobPublic =
        Hex.decode("DE9EDB7D7B7DC1B4D35B61C2ECE435373F8343C85B78674DADFC7E146F882B4F");
    assertSw(host.command(0xFE, 0xE1, 0x9D, tlv(0x08, alice)), 0x9000);
    host.verifyPin();

    byte[] secret = signature(host.agree(0xE1, 0x9D, bobPublic));

    assertThat(Hex.encode(secret))
        .isEqualTo("4A5D9D5BA4CE2DE1728E3BF480350F25E07E21C947D19E3376F09B3C1E161742");
  }

  @Test
  void import_malformed_answersSpecifiedErrors() throws Exception {
    byte[] scalar = new byte[32];
    scalar[31] = 1;
    assertSw(host.command(0xFE, 0x12, 0x9A, tlv(0x06, scalar)), 0x6A86); // unknown algorithm
    assertSw(host.command(0xFE, 0x11, 0x9B, tlv(0x06, scalar)), 0x6A86); // 9B is no key slot
    assertSw(host.command(0xFE, 0x11, 0x81, tlv(0x06, scalar)), 0x6A86);
    assertSw(host.command(0xFE, 0x11, 0x9A, tlv(0x06, new byte[32])), 0x6A80); // zero scalar
    assertSw(host.command(0xFE, 0x11, 0x9A, tlv(0x06, new byte[33])), 0x6A80);
    assertSw(host.command(0xFE, 0x11, 0x9A, tlv(0x01, scalar)), 0x6A80); // RSA tag for EC
    assertSw(host.command(0xFE, 0x11, 0x9A, concat(tlv(0x06, scalar), tlv(0x06, scalar))), 0x6A80);
    assertSw(
        host.command(0xFE, 0x11, 0x9A, concat(tlv(0x06, scalar), tlv(0xAA, new byte[] {4}))),
        0x6A80);
    assertSw(
        host.command(0xFE, 0x11, 0x9A, concat(tlv(0x06, scalar), tlv(0xAB, new byte[] {4}))),
        0x6A80);
    assertSw(host.command(0xFE, 0x11, 0x9A, concat(tlv(0x06, scalar), tlv(0x09, scalar))), 0x6A80);
    assertSw(host.command(0xFE, 0x07, 0x9A, tlv(0x01, scalar)), 0x6A80); // RSA parts missing
    assertSw(host.command(0xFE, 0xE0, 0x9A, tlv(0x08, scalar)), 0x6A80); // X25519 tag for Ed25519
    assertSw(host.command(0xFE, 0x11, 0x9A, "06 05 01"), 0x6A80); // truncated TLV
    assertSw(host.send("00 F7 00 9A"), 0x6A88); // nothing was stored
    host.send(PivHost.SELECT);
    assertSw(host.command(0xFE, 0x11, 0x9A, tlv(0x06, scalar)), 0x6982);
  }

  @Test
  @DisplayName("Yubico IMPORT: RSA CRT values that do not belong to p and q are refused")
  void importRsa_inconsistentCrt_refused() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    RSAPrivateCrtKey k = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
    byte[] data =
        concat(
            tlv(0x01, fixed(k.getPrimeP(), 64)),
            tlv(0x02, fixed(k.getPrimeQ(), 64)),
            tlv(0x03, fixed(k.getPrimeExponentP().add(BigInteger.TWO), 64)),
            tlv(0x04, fixed(k.getPrimeExponentQ(), 64)),
            tlv(0x05, fixed(k.getCrtCoefficient(), 64)));

    assertSw(host.command(0xFE, 0x06, 0x9A, data), 0x6A80);
    assertSw(host.command(0xFE, 0x07, 0x9A, data), 0x6A80); // 1024-bit parts for RSA 2048
  }

  // ---- malformed and forbidden -----------------------------------------------------------------

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.3.2: GENERATE errors: P1, slot, template, algorithm")
  void generate_malformed_answersSpecifiedErrors() {
    assertSw(host.command(0x47, 0x01, 0x9A, "AC 03 80 01 11"), 0x6A86);
    assertSw(host.command(0x47, 0x00, 0x9B, "AC 03 80 01 11"), 0x6A86);
    assertSw(host.command(0x47, 0x00, 0x80, "AC 03 80 01 11"), 0x6A86);
    assertSw(host.command(0x47, 0x00, 0x96, "AC 03 80 01 11"), 0x6A86);
    assertSw(host.command(0x47, 0x00, 0x9A, "AD 03 80 01 11"), 0x6A80);
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 03 80 01 12"), 0x6A80);
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 03 80 01 06"), 0x6A80); // RSA 1024: import only
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 04 80 02 11 00"), 0x6A80);
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 00"), 0x6A80);
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 06 80 01 11 AA 01 04"), 0x6A80);
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 06 80 01 11 AB 01 04"), 0x6A80);
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 06 80 01 11 81 01 00"), 0x6A80);
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 06 80 01 11 80 01 11"), 0x6A80);
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 05 80 01 11"), 0x6A80);
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 03 80 01 11 00"), 0x6A80);
    assertSw(host.send("00 F7 00 9A"), 0x6A88); // nothing was generated
    host.send(PivHost.SELECT);
    assertSw(host.command(0x47, 0x00, 0x9A, "AC 03 80 01 11"), 0x6982);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x9A, 0x9C, 0x9D, 0x9E, 0x82, 0x8F, 0x95})
  @DisplayName("SP 800-73-4 part 1, table 4b and 3.1.1: every key slot, retired ones included")
  void generate_everySlot_succeeds(int slot) {
    assertSw(host.generate(slot, 0x11, 0, 0), 0x9000);
    assertSw(host.send(String.format("00 F7 00 %02X", slot)), 0x9000);
  }

  @Test
  @DisplayName("forbidden operations: X25519 cannot sign; RSA and Ed25519 cannot agree")
  void generalAuthenticate_forbiddenPerAlgorithm_answers6A80() {
    host.generateKey(0x9A, 0xE1, 0x01, 0);
    host.generateKey(0x9C, 0xE0, 0x01, 0);
    host.generateKey(0x9E, 0x07, 0x01, 0);

    assertSw(host.sign(0xE1, 0x9A, new byte[32]), 0x6A80);
    assertSw(host.agree(0xE0, 0x9C, new byte[32]), 0x6A80);
    assertSw(host.agree(0x07, 0x9E, new byte[32]), 0x6A80);
  }

  @Test
  @DisplayName("GENERAL AUTHENTICATE errors: slot, empty slot, algorithm, template, input length")
  void generalAuthenticate_malformed_answersSpecifiedErrors() {
    host.generateKey(0x9E, 0x11, 0, 0);
    host.generateKey(0x9D, 0x07, 0x01, 0);
    byte[] hash = new byte[32];

    assertSw(host.sign(0x11, 0x80, hash), 0x6A86); // no such key reference
    assertSw(host.sign(0x11, 0xF9, hash), 0x6A86); // attestation key signs certificates only
    assertSw(host.sign(0x11, 0x9A, hash), 0x6A80); // empty slot (as a YubiKey answers)
    assertSw(host.sign(0x14, 0x9E, hash), 0x6A80); // P1 names another algorithm
    assertSw(host.sign(0x07, 0x9D, new byte[255]), 0x6A80); // not the modulus length
    byte[] above = new byte[256];
    Arrays.fill(above, (byte) 0xFF);
    assertSw(host.sign(0x07, 0x9D, above), 0x6A80); // not below the modulus
    assertSw(host.sign(0x11, 0x9E, new byte[65]), 0x6A80); // longer than any hash
    assertSw(host.sign(0x11, 0x9E, new byte[0]), 0x6A80); // empty challenge
    assertSw(host.agree(0x11, 0x9E, new byte[65]), 0x6A80); // not a point on the curve
    assertSw(host.agree(0x11, 0x9E, new byte[32]), 0x6A80);
    assertSw(host.command(0x87, 0x11, 0x9E, "7C 04 82 00 80 00"), 0x6A80);
    assertSw(host.command(0x87, 0x11, 0x9E, "7C 22 82 00 81 20" + "00".repeat(32) + "FF"), 0x6A80);
    assertSw(host.command(0x87, 0x11, 0x9E, tlv(0x7C, tlv(0x81, hash))), 0x6A80); // no 82
    assertSw(
        host.command(0x87, 0x11, 0x9E, tlv(0x7C, concat(tlv(0x82, new byte[1]), tlv(0x81, hash)))),
        0x6A80);
    assertSw(
        host.command(
            0x87,
            0x11,
            0x9E,
            concat(tlv(0x7C, concat(tlv(0x82, new byte[0]), tlv(0x81, hash))), new byte[1])),
        0x6A80);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  static byte[] fixed(BigInteger value, int length) {
    byte[] magnitude = value.toByteArray();
    if (magnitude.length > length) {
      return Arrays.copyOfRange(magnitude, magnitude.length - length, magnitude.length);
    }
    byte[] out = new byte[length];
    System.arraycopy(magnitude, 0, out, length - magnitude.length, magnitude.length);
    return out;
  }

  static byte[] uncompressed(ECPublicKey key) {
    int n = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    return concat(
        new byte[] {0x04}, fixed(key.getW().getAffineX(), n), fixed(key.getW().getAffineY(), n));
  }

  @Test
  @DisplayName(
      "Yubico MoveKey: the destination slot must be empty, so a key moved onto itself: 6985")
  void moveKey_ontoItself_6985() {
    host.authenticateDefault();
    host.generateKey(0x9A, 0x11, 0, 0);

    assertSw(host.command(0xF6, 0x9A, 0x9A, new byte[0]), 0x6985);
  }

  @Test
  @DisplayName(
      "A point off the curve is refused (6A80) before a PIN-always verification is used up")
  void agree_offCurvePoint_keepsPinAlwaysVerification() {
    host.authenticateDefault();
    host.generateKey(0x82, 0x11, 0x03, 0); // P-256, PIN policy always
    host.verifyPin();
    byte[] offCurve = new byte[65];
    Arrays.fill(offCurve, (byte) 0x01);
    offCurve[0] = 0x04; // uncompressed form, but (1...1, 1...1) is not on P-256
    byte[] agree = tlv(0x7C, concat(tlv(0x82, new byte[0]), tlv(0x85, offCurve)));
    assertSw(host.command(0x87, 0x11, 0x82, agree), 0x6A80);

    byte[] sign = tlv(0x7C, concat(tlv(0x82, new byte[0]), tlv(0x81, new byte[32])));
    assertSw(host.command(0x87, 0x11, 0x82, sign), 0x9000);
  }
}
