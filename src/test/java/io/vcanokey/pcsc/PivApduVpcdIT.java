package io.vcanokey.pcsc;

import static io.vcanokey.pcsc.PivClient.ALG_AES128;
import static io.vcanokey.pcsc.PivClient.ALG_AES192;
import static io.vcanokey.pcsc.PivClient.ALG_AES256;
import static io.vcanokey.pcsc.PivClient.ALG_ED25519;
import static io.vcanokey.pcsc.PivClient.ALG_P256;
import static io.vcanokey.pcsc.PivClient.ALG_P384;
import static io.vcanokey.pcsc.PivClient.ALG_RSA1024;
import static io.vcanokey.pcsc.PivClient.ALG_RSA2048;
import static io.vcanokey.pcsc.PivClient.ALG_RSA3072;
import static io.vcanokey.pcsc.PivClient.ALG_RSA4096;
import static io.vcanokey.pcsc.PivClient.ALG_TDES;
import static io.vcanokey.pcsc.PivClient.ALG_X25519;
import static io.vcanokey.pcsc.PivClient.DEFAULT_MANAGEMENT_KEY;
import static io.vcanokey.pcsc.PivClient.INS_ATTEST;
import static io.vcanokey.pcsc.PivClient.INS_CHANGE_REFERENCE_DATA;
import static io.vcanokey.pcsc.PivClient.INS_GENERAL_AUTHENTICATE;
import static io.vcanokey.pcsc.PivClient.INS_GENERATE_ASYMMETRIC_KEY_PAIR;
import static io.vcanokey.pcsc.PivClient.INS_GET_DATA;
import static io.vcanokey.pcsc.PivClient.INS_GET_METADATA;
import static io.vcanokey.pcsc.PivClient.INS_IMPORT_ASYMMETRIC_KEY;
import static io.vcanokey.pcsc.PivClient.INS_PUT_DATA;
import static io.vcanokey.pcsc.PivClient.INS_SET_MANAGEMENT_KEY;
import static io.vcanokey.pcsc.PivClient.INS_VERIFY;
import static io.vcanokey.pcsc.PivClient.SLOT_MANAGEMENT;
import static io.vcanokey.pcsc.PivClient.concat;
import static io.vcanokey.pcsc.PivClient.response;
import static io.vcanokey.pcsc.PivClient.tlv;
import static io.vcanokey.pcsc.PivClient.tlvs;
import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.guest.KeyProcess;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PIV applet through pcscd's vpcd reader with raw APDUs (javax.smartcardio), for what the
 * Debian tools cannot reach: RSA 3072 and 4096, Ed25519 and X25519, ECDH, the retired slots 82 to
 * 95, AES management keys in every authentication mode, and the error answers of NIST SP 800-73-4
 * part 2 and Yubico's PIV documentation. Every signature, shared secret and cryptogram is checked
 * with the JDK's own providers, never with the applet's code.
 */
class PivApduVpcdIT extends PcscdTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** RFC 8017 9.2 note 1: DigestInfo prefix of a SHA-256 hash. */
  private static final byte[] SHA256_DIGEST_INFO =
      Hex.decode("3031300D060960864801650304020105000420");

  @TempDir Path temp;

  @Test
  @DisplayName(
      "SP 800-73-4 part 2, 3.3.2 and 3.2.4 with Yubico ids 05/16: RSA 3072 and 4096 generated,"
          + " raw RSA on a PKCS#1 block signs (JDK verifies), and decrypts; 6A80 for a short input")
  void rsa3072And4096_generateSignDecrypt_verifiedByJdk() throws Exception {
    try (KeyProcess key = startKey("piv-rsa");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      piv.authenticateDefault();
      PublicKey rsa3072 = PivClient.rsaKey(piv.generate(0x9A, ALG_RSA3072));
      PublicKey rsa4096 = PivClient.rsaKey(piv.generate(0x82, ALG_RSA4096));
      assertThat(((RSAPublicKey) rsa3072).getModulus().bitLength()).isEqualTo(3072);
      assertThat(((RSAPublicKey) rsa4096).getModulus().bitLength()).isEqualTo(4096);
      piv.verifyDefaultPin();

      byte[] message = "signed by a PIV RSA 3072 key".getBytes(StandardCharsets.UTF_8);
      // An extended APDU (ykman's way) for 3072, a command chain (yubico-piv-tool's) for 4096.
      byte[] sig3072 = response(piv.useKey(ALG_RSA3072, 0x9A, 0x81, pkcs1Block(message, 384)));
      assertThat(verify("SHA256withRSA", rsa3072, message, sig3072)).isTrue();
      byte[] request =
          tlv(0x7C, concat(tlv(0x82, new byte[0]), tlv(0x81, pkcs1Block(message, 512))));
      byte[] sig4096 =
          tlvs(tlvs(piv.chained(INS_GENERAL_AUTHENTICATE, ALG_RSA4096, 0x82, request).ok())
                  .get(0x7C))
              .get(0x82);
      assertThat(verify("SHA256withRSA", rsa4096, message, sig4096)).isTrue();

      // Decryption is the same raw operation on a ciphertext; the host removes the padding.
      Cipher encrypt = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      encrypt.init(Cipher.ENCRYPT_MODE, rsa3072);
      byte[] secret = "a session key".getBytes(StandardCharsets.UTF_8);
      byte[] block = response(piv.useKey(ALG_RSA3072, 0x9A, 0x81, encrypt.doFinal(secret)));
      assertThat(block).hasSize(384);
      assertThat(Arrays.copyOf(block, 2)).isEqualTo(new byte[] {0x00, 0x02});
      assertThat(Arrays.copyOfRange(block, 384 - secret.length, 384)).isEqualTo(secret);
      assertThat(block[384 - secret.length - 1]).isZero();

      assertThat(piv.useKey(ALG_RSA3072, 0x9A, 0x81, new byte[383]).sw())
          .as("input one byte shorter than the modulus")
          .isEqualTo(0x6A80);
    }
  }

  @Test
  @DisplayName(
      "Yubico PIV 5.7 Ed25519 (E0): GENERATE answers 86 with the 32-byte key; GENERAL AUTHENTICATE"
          + " 81 signs the message (JDK verifies); GET METADATA and ATTEST; ECDH refused 6A80")
  void ed25519_generateSignMetadataAttest() throws Exception {
    try (KeyProcess key = startKey("piv-ed25519");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      piv.authenticateDefault();
      byte[] raw = piv.generate(0x9A, ALG_ED25519).get(0x86);
      assertThat(raw).hasSize(32);
      PublicKey ed = PivClient.curve25519Key(raw, "Ed25519");
      piv.verifyDefaultPin();
      for (int length : new int[] {32, 200}) {
        byte[] message = new byte[length];
        RANDOM.nextBytes(message);
        byte[] signature = response(piv.useKey(ALG_ED25519, 0x9A, 0x81, message));
        assertThat(signature).hasSize(64);
        assertThat(verify("Ed25519", ed, message, signature))
            .as("Ed25519 signature on %d bytes", length)
            .isTrue();
      }

      // Yubico GET METADATA: 01 algorithm, 02 policies, 03 origin (1 generated), 04 public key.
      Map<Integer, byte[]> meta = tlvs(piv.send(INS_GET_METADATA, 0x00, 0x9A, new byte[0]).ok());
      assertThat(meta.get(0x01)).containsExactly(ALG_ED25519);
      assertThat(meta.get(0x02)).containsExactly(0x02, 0x01);
      assertThat(meta.get(0x03)).containsExactly(0x01);
      assertThat(tlvs(meta.get(0x04)).get(0x86)).isEqualTo(raw);

      X509Certificate attestation = certificate(piv.send(INS_ATTEST, 0x9A, 0x00, new byte[0]).ok());
      assertThat(attestation.getPublicKey().getEncoded()).isEqualTo(ed.getEncoded());
      attestation.verify(attestationCertificate(piv).getPublicKey());

      PublicKey peer = KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic();
      assertThat(piv.useKey(ALG_ED25519, 0x9A, 0x85, PivClient.raw25519(peer)).sw())
          .as("key agreement with a signature key (data field names an operation it lacks)")
          .isEqualTo(0x6A80);
    }
  }

  @Test
  @DisplayName(
      "Yubico PIV 5.7 X25519 (E1): GENERAL AUTHENTICATE 85 with a JDK X25519 peer gives the JDK's"
          + " shared secret; a signature (81) with it is refused 6A80 (SP 800-73-4 part 2, 3.2.4)")
  void x25519_ecdhWithJdkPeer_sameSecret() throws Exception {
    try (KeyProcess key = startKey("piv-x25519");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      piv.authenticateDefault();
      byte[] raw = piv.generate(0x9D, ALG_X25519).get(0x86);
      assertThat(raw).hasSize(32);
      KeyPair peer = KeyPairGenerator.getInstance("X25519").generateKeyPair();
      piv.verifyDefaultPin();

      byte[] onCard =
          response(piv.useKey(ALG_X25519, 0x9D, 0x85, PivClient.raw25519(peer.getPublic())));
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(peer.getPrivate());
      agreement.doPhase(PivClient.curve25519Key(raw, "X25519"), true);
      assertThat(onCard).isEqualTo(agreement.generateSecret());

      assertThat(piv.useKey(ALG_X25519, 0x9D, 0x81, new byte[32]).sw())
          .as("signature with a key-agreement-only key")
          .isEqualTo(0x6A80);
    }
  }

  @Test
  @DisplayName(
      "SP 800-73-4 part 2, 3.2.4 key establishment (tag 85): P-256 and P-384 ECDH equal the JDK's;"
          + " ECDSA P-256/SHA-256 and P-384/SHA-384 signatures verify in the JDK")
  void ecdhAndEcdsa_p256AndP384_matchJdk() throws Exception {
    try (KeyProcess key = startKey("piv-ec");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      piv.authenticateDefault();
      for (Object[] c :
          new Object[][] {
            {ALG_P256, 0x9D, "secp256r1", "SHA-256", "SHA256withECDSA"},
            {ALG_P384, 0x83, "secp384r1", "SHA-384", "SHA384withECDSA"}
          }) {
        int alg = (Integer) c[0];
        int slot = (Integer) c[1];
        PublicKey cardKey = PivClient.ecKey(piv.generate(slot, alg).get(0x86), (String) c[2]);
        piv.verifyDefaultPin();

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec((String) c[2]));
        KeyPair peer = generator.generateKeyPair();
        byte[] point = uncompressed(peer.getPublic(), alg == ALG_P256 ? 32 : 48);
        byte[] onCard = response(piv.useKey(alg, slot, 0x85, point));
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(peer.getPrivate());
        agreement.doPhase(cardKey, true);
        assertThat(onCard).as("ECDH on %s", c[2]).isEqualTo(agreement.generateSecret());

        byte[] message = ("ECDSA with " + c[2]).getBytes(StandardCharsets.UTF_8);
        byte[] hash = MessageDigest.getInstance((String) c[3]).digest(message);
        byte[] signature = response(piv.useKey(alg, slot, 0x81, hash));
        assertThat(verify((String) c[4], cardKey, message, signature)).isTrue();
      }
    }
  }

  @Test
  @DisplayName(
      "SP 800-73-4 part 1, 3.1 and table 3: retired slots 82-95 take generated keys (95 signs) and"
          + " their certificate containers 5FC10D-5FC120 store and return what PUT DATA wrote")
  void retiredSlots_generateSignAndCertificateObjects() throws Exception {
    try (KeyProcess key = startKey("piv-retired");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      piv.authenticateDefault();
      PublicKey last = null;
      for (int slot = 0x82; slot <= 0x95; slot++) {
        last = PivClient.ecKey(piv.generate(slot, ALG_P256).get(0x86), "secp256r1");
        Map<Integer, byte[]> meta = tlvs(piv.send(INS_GET_METADATA, 0x00, slot, new byte[0]).ok());
        assertThat(meta.get(0x01)).as("metadata of %02X", slot).containsExactly(ALG_P256);
      }
      piv.verifyDefaultPin();
      byte[] message = "retired slot 95".getBytes(StandardCharsets.UTF_8);
      byte[] signature =
          response(
              piv.useKey(
                  ALG_P256, 0x95, 0x81, MessageDigest.getInstance("SHA-256").digest(message)));
      assertThat(verify("SHA256withECDSA", last, message, signature)).isTrue();

      for (int i = 0; i < 20; i++) {
        byte[] id = {0x5F, (byte) 0xC1, (byte) (0x0D + i)};
        byte[] certificate = new byte[100 + 37 * i];
        RANDOM.nextBytes(certificate);
        // SP 800-73-4 part 1, table 15: 70 certificate, 71 CertInfo, FE error detection code.
        byte[] content =
            concat(tlv(0x70, certificate), tlv(0x71, new byte[] {0}), tlv(0xFE, new byte[0]));
        assertThat(piv.putData(id, content).sw())
            .as("PUT DATA %s", Hex.encode(id))
            .isEqualTo(0x9000);
      }
      piv.select().ok();
      for (int i = 0; i < 20; i++) {
        byte[] id = {0x5F, (byte) 0xC1, (byte) (0x0D + i)};
        byte[] answer = piv.getData(id).ok();
        byte[] content = tlvs(answer).get(0x53);
        assertThat(tlvs(content).get(0x70)).as("GET DATA %s", Hex.encode(id)).hasSize(100 + 37 * i);
      }
    }
  }

  @Test
  @DisplayName(
      "SP 800-73-4 part 2, appendix A with Yubico AES ids 08/0A/0C: management key authenticates"
          + " in challenge (81/82), witness (80) and mutual (80+81/82) modes; wrong key 6982,"
          + " another algorithm in P1 one of the parameter errors of 3.2.4 (6A80, 6A86)")
  void managementKey_aesAndTdes_everyMode() throws Exception {
    try (KeyProcess key = startKey("piv-mgm");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      int current = ALG_TDES;
      byte[] currentKey = DEFAULT_MANAGEMENT_KEY;
      for (int[] spec :
          new int[][] {{ALG_AES128, 16}, {ALG_AES192, 24}, {ALG_AES256, 32}, {ALG_TDES, 24}}) {
        int alg = spec[0];
        byte[] newKey = new byte[spec[1]];
        RANDOM.nextBytes(newKey);
        piv.authenticate(current, currentKey);
        // Yubico SET MANAGEMENT KEY: P1P2 FF FF, data: algorithm, 9B, length, key.
        assertThat(
                piv.send(
                        INS_SET_MANAGEMENT_KEY,
                        0xFF,
                        0xFF,
                        concat(new byte[] {(byte) alg}, tlv(SLOT_MANAGEMENT, newKey)))
                    .sw())
            .isEqualTo(0x9000);
        current = alg;
        currentKey = newKey;

        piv.select().ok();
        assertThat(putChuid(piv)).as("PUT DATA before authentication").isEqualTo(0x6982);
        challengeMode(piv, alg, newKey);
        assertThat(putChuid(piv)).as("after challenge mode, alg %02X", alg).isEqualTo(0x9000);
        piv.select().ok();
        witnessMode(piv, alg, newKey);
        assertThat(putChuid(piv)).as("after witness mode, alg %02X", alg).isEqualTo(0x9000);
        piv.select().ok();
        piv.authenticate(alg, newKey); // mutual, checks the card's cryptogram
        assertThat(putChuid(piv)).as("after mutual mode, alg %02X", alg).isEqualTo(0x9000);

        piv.select().ok();
        byte[] wrong = newKey.clone();
        wrong[0] ^= 0x10; // not bit 0: DES ignores its parity bits
        byte[] challenge = requestChallenge(piv, alg);
        byte[] bad = PivClient.ecb(alg, wrong, Cipher.ENCRYPT_MODE, challenge);
        assertThat(
                piv.send(INS_GENERAL_AUTHENTICATE, alg, SLOT_MANAGEMENT, tlv(0x7C, tlv(0x82, bad)))
                    .sw())
            .as("wrong management key")
            .isEqualTo(0x6982);
        int other = alg == ALG_TDES ? ALG_AES128 : ALG_TDES;
        assertThat(
                piv.send(
                        INS_GENERAL_AUTHENTICATE,
                        other,
                        SLOT_MANAGEMENT,
                        tlv(0x7C, tlv(0x81, new byte[0])))
                    .sw())
            .as("P1 %02X while the key is %02X: a parameter error of 3.2.4", other, alg)
            .isIn(0x6A80, 0x6A86);
      }
    }
  }

  @Test
  @DisplayName(
      "SP 800-73-4 part 1, 3.2.2 (digital signature key: PIN always): 9C refuses a signature 6982"
          + " unless VERIFY came right before it")
  void signatureSlot_pinAlways_eachSignatureNeedsVerify() throws Exception {
    try (KeyProcess key = startKey("piv-always");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      piv.authenticateDefault();
      piv.generate(0x9C, ALG_P256);
      byte[] hash = new byte[32];
      assertThat(piv.useKey(ALG_P256, 0x9C, 0x81, hash).sw()).isEqualTo(0x6982);
      piv.verifyDefaultPin();
      assertThat(piv.useKey(ALG_P256, 0x9C, 0x81, hash).sw()).isEqualTo(0x9000);
      assertThat(piv.useKey(ALG_P256, 0x9C, 0x81, hash).sw())
          .as("second signature")
          .isEqualTo(0x6982);
    }
  }

  @Test
  @DisplayName(
      "Issue 5 and SP 800-73-4 part 2, 3.3.2: GENERATE of RSA 1024 answers 6A80, while Yubico"
          + " IMPORT ASYMMETRIC KEY of a JDK RSA 1024 key works and signs (JDK verifies); no"
          + " attestation of an imported key")
  void rsa1024_generateRefused_importSigns() throws Exception {
    try (KeyProcess key = startKey("piv-rsa1024");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      piv.authenticateDefault();
      assertThat(
              piv.send(
                      INS_GENERATE_ASYMMETRIC_KEY_PAIR,
                      0x00,
                      0x9A,
                      tlv(0xAC, tlv(0x80, new byte[] {(byte) ALG_RSA1024})))
                  .sw())
          .isEqualTo(0x6A80);

      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(1024);
      KeyPair pair = generator.generateKeyPair();
      RSAPrivateCrtKey k = (RSAPrivateCrtKey) pair.getPrivate();
      byte[] data =
          concat(
              tlv(0x01, PivClient.unsigned(k.getPrimeP(), 64)),
              tlv(0x02, PivClient.unsigned(k.getPrimeQ(), 64)),
              tlv(0x03, PivClient.unsigned(k.getPrimeExponentP(), 64)),
              tlv(0x04, PivClient.unsigned(k.getPrimeExponentQ(), 64)),
              tlv(0x05, PivClient.unsigned(k.getCrtCoefficient(), 64)));
      assertThat(piv.send(INS_IMPORT_ASYMMETRIC_KEY, ALG_RSA1024, 0x9A, data).sw())
          .isEqualTo(0x9000);
      Map<Integer, byte[]> meta = tlvs(piv.send(INS_GET_METADATA, 0x00, 0x9A, new byte[0]).ok());
      assertThat(meta.get(0x01)).containsExactly(ALG_RSA1024);
      assertThat(meta.get(0x03)).as("origin: imported").containsExactly(0x02);

      piv.verifyDefaultPin();
      byte[] message = "RSA 1024, imported".getBytes(StandardCharsets.UTF_8);
      byte[] signature = response(piv.useKey(ALG_RSA1024, 0x9A, 0x81, pkcs1Block(message, 128)));
      assertThat(verify("SHA256withRSA", pair.getPublic(), message, signature)).isTrue();
      assertThat(piv.send(INS_ATTEST, 0x9A, 0x00, new byte[0]).sw()).isNotEqualTo(0x9000);
    }
  }

  @Test
  @DisplayName(
      "SP 800-73-4 part 1, table 1 and part 2, 3.1.2: printed information, fingerprints, facial"
          + " image and iris answer 6982 to GET DATA until VERIFY, the other containers need no PIN")
  void pinProtectedObjects_refusedWithoutPin() throws Exception {
    try (KeyProcess key = startKey("piv-objects");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      piv.authenticateDefault();
      String[] protectedIds = {"5FC109", "5FC103", "5FC108", "5FC121"};
      for (String id : protectedIds) {
        assertThat(piv.putData(Hex.decode(id), tlv(0xBC, Hex.decode("0102"))).sw())
            .isEqualTo(0x9000);
      }
      assertThat(piv.putData(Hex.decode("5FC106"), tlv(0xBA, Hex.decode("0304"))).sw())
          .isEqualTo(0x9000);
      piv.select().ok();
      for (String id : protectedIds) {
        assertThat(piv.getData(Hex.decode(id)).sw())
            .as("GET DATA %s without PIN", id)
            .isEqualTo(0x6982);
      }
      assertThat(piv.getData(Hex.decode("5FC106")).sw())
          .as("security object, free read")
          .isEqualTo(0x9000);
      piv.verifyDefaultPin();
      for (String id : protectedIds) {
        assertThat(piv.getData(Hex.decode(id)).hex())
            .as("GET DATA %s with PIN", id)
            .isEqualTo("5304BC020102");
      }
    }
  }

  @Test
  @DisplayName(
      "SP 800-73-4 part 2, 3.3.2 and 3.2.4 (6A86 for a wrong P1/P2 or key reference, 6A80 for a bad"
          + " data field, 6982 without authentication): GENERATE on 9B, 96, 9F; unknown algorithm;"
          + " missing template; GENERAL AUTHENTICATE on unknown slots; another algorithm in P1 6A80"
          + " or 6A86 (both 3.2.4 parameter errors; YubiKeys answer 6A80, yubikit accepts either)")
  void keyCommands_wrongParameters_specifiedErrors() throws Exception {
    try (KeyProcess key = startKey("piv-key-errors");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      byte[] p256 = tlv(0xAC, tlv(0x80, new byte[] {(byte) ALG_P256}));
      assertThat(piv.send(INS_GENERATE_ASYMMETRIC_KEY_PAIR, 0x00, 0x9A, p256).sw())
          .as("GENERATE without management key")
          .isEqualTo(0x6982);
      piv.authenticateDefault();
      for (int slot : new int[] {0x9B, 0x96, 0x9F, 0x80, 0x81}) {
        assertThat(piv.send(INS_GENERATE_ASYMMETRIC_KEY_PAIR, 0x00, slot, p256).sw())
            .as("GENERATE in %02X", slot)
            .isEqualTo(0x6A86);
      }
      assertThat(piv.send(INS_GENERATE_ASYMMETRIC_KEY_PAIR, 0x01, 0x9A, p256).sw())
          .as("GENERATE with P1 01")
          .isEqualTo(0x6A86);
      assertThat(
              piv.send(
                      INS_GENERATE_ASYMMETRIC_KEY_PAIR,
                      0x00,
                      0x9A,
                      tlv(0xAC, tlv(0x80, new byte[] {(byte) 0xFF})))
                  .sw())
          .as("unknown algorithm FF")
          .isEqualTo(0x6A80);
      assertThat(
              piv.send(INS_GENERATE_ASYMMETRIC_KEY_PAIR, 0x00, 0x9A, tlv(0x80, new byte[] {0x11}))
                  .sw())
          .as("no AC template")
          .isEqualTo(0x6A80);
      assertThat(
              piv.send(INS_GENERATE_ASYMMETRIC_KEY_PAIR, 0x00, 0x9A, Hex.decode("AC058001")).sw())
          .as("truncated AC template")
          .isEqualTo(0x6A80);

      piv.generate(0x9A, ALG_RSA2048);
      piv.verifyDefaultPin();
      for (int slot : new int[] {0x96, 0x9F, 0x00}) {
        assertThat(piv.useKey(ALG_P256, slot, 0x81, new byte[32]).sw())
            .as("GENERAL AUTHENTICATE on %02X", slot)
            .isEqualTo(0x6A86);
      }
      assertThat(piv.useKey(ALG_P256, 0x9A, 0x81, new byte[32]).sw())
          .as(
              "P1 P-256 on an RSA 2048 key: a parameter error of 3.2.4 (yubikit reads both as wrong key)")
          .isIn(0x6A80, 0x6A86);
      assertThat(
              piv.send(INS_GENERAL_AUTHENTICATE, ALG_RSA2048, 0x9A, Hex.decode("7C0582008101"))
                  .sw())
          .as("malformed 7C template")
          .isEqualTo(0x6A80);
      assertThat(
              piv.send(
                      INS_GENERAL_AUTHENTICATE,
                      ALG_RSA2048,
                      0x9A,
                      tlv(0x7C, tlv(0x82, new byte[0])))
                  .sw())
          .as("7C with neither 81 nor 85")
          .isEqualTo(0x6A80);
    }
  }

  @Test
  @DisplayName(
      "SP 800-73-4 part 2, 3.1.2, 3.2.1-3.2.2, 3.3.1 and ISO/IEC 7816-4 5.6: GET/PUT DATA with P1P2"
          + " other than 3FFF 6A86, bad tag list 6A80, unknown object 6A82; VERIFY of an unpadded"
          + " PIN 6A80, unknown key reference 6A88; unknown INS 6D00, class 80 6E00")
  void dataAndPinCommands_wrongParameters_specifiedErrors() throws Exception {
    try (KeyProcess key = startKey("piv-data-errors");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      byte[] chuid = tlv(0x5C, Hex.decode("5FC102"));
      assertThat(piv.send(INS_GET_DATA, 0x3F, 0xFE, chuid).sw())
          .as("GET DATA P2 FE")
          .isEqualTo(0x6A86);
      assertThat(piv.send(INS_GET_DATA, 0x00, 0x00, chuid).sw())
          .as("GET DATA P1P2 0000")
          .isEqualTo(0x6A86);
      assertThat(piv.send(INS_GET_DATA, 0x3F, 0xFF, tlv(0x53, Hex.decode("5FC102"))).sw())
          .as("GET DATA without a 5C tag list")
          .isEqualTo(0x6A80);
      assertThat(piv.getData(Hex.decode("5FC1FF")).sw()).as("object 5FC1FF").isEqualTo(0x6A82);
      assertThat(piv.getData(Hex.decode("5FC10C")).sw()).as("empty key history").isEqualTo(0x6A82);
      assertThat(piv.putData(Hex.decode("5FC102"), new byte[4]).sw())
          .as("PUT DATA without management key")
          .isEqualTo(0x6982);
      piv.authenticateDefault();
      assertThat(piv.send(INS_PUT_DATA, 0x3F, 0x00, concat(chuid, tlv(0x53, new byte[4]))).sw())
          .as("PUT DATA P2 00")
          .isEqualTo(0x6A86);

      assertThat(piv.verifyPin(Hex.decode("313233343536")).sw())
          .as("VERIFY with a PIN not padded to 8 bytes")
          .isEqualTo(0x6A80);
      assertThat(piv.send(INS_VERIFY, 0x00, 0x82, PivClient.DEFAULT_PIN).sw())
          .as("VERIFY of key reference 82")
          .isEqualTo(0x6A88);
      assertThat(piv.send(INS_VERIFY, 0x01, 0x80, PivClient.DEFAULT_PIN).sw())
          .as("VERIFY with P1 01")
          .isEqualTo(0x6A86);
      assertThat(piv.send(INS_CHANGE_REFERENCE_DATA, 0x00, 0x80, new byte[15]).sw())
          .as("CHANGE REFERENCE DATA with 15 bytes")
          .isEqualTo(0x6A80);
      assertThat(piv.send(INS_CHANGE_REFERENCE_DATA, 0x00, 0x9B, new byte[16]).sw())
          .as("CHANGE REFERENCE DATA of 9B")
          .isEqualTo(0x6A88);
      assertThat(piv.verifyPin(PivClient.DEFAULT_PIN).sw())
          .as("no retry was spent on malformed commands")
          .isEqualTo(0x9000);
      assertThat(piv.send(0xEE, 0x00, 0x00, new byte[0]).sw()).as("CanoKey's EE").isEqualTo(0x6D00);
      assertThat(piv.send(0x80, 0xCB, 0x3F, 0xFF, chuid).sw())
          .as("GET DATA with class 80 (SP 800-73-4 part 2, 3: CLA 00, or 10 when chaining)")
          .isEqualTo(0x6E00);
    }
  }

  @Test
  @DisplayName(
      "Yubico touch policy (AB 02 always): with touch refused (serve --touch deny) a signature and a"
          + " touch-protected management key answer 6982 (issue 5 design), a touch-never key signs")
  void touchPolicyAlways_touchRefused_securityStatusNotSatisfied() throws Exception {
    try (KeyProcess key = startKey("piv-touch-deny", "--touch", "deny");
        PivClient piv = PivClient.connect(Pcscd.READER)) {
      piv.authenticateDefault();
      byte[] touchAlways =
          tlv(0xAC, concat(tlv(0x80, new byte[] {(byte) ALG_P256}), tlv(0xAB, new byte[] {0x02})));
      piv.send(INS_GENERATE_ASYMMETRIC_KEY_PAIR, 0x00, 0x9A, touchAlways).ok();
      piv.generate(0x9E, ALG_P256);
      piv.verifyDefaultPin();
      assertThat(piv.useKey(ALG_P256, 0x9A, 0x81, new byte[32]).sw())
          .as("touch refused")
          .isEqualTo(0x6982);
      assertThat(piv.useKey(ALG_P256, 0x9E, 0x81, new byte[32]).sw())
          .as("no touch needed")
          .isEqualTo(0x9000);

      // SET MANAGEMENT KEY with P2 FE: the new key needs a touch at every authentication.
      piv.send(
              INS_SET_MANAGEMENT_KEY,
              0xFF,
              0xFE,
              concat(new byte[] {(byte) ALG_TDES}, tlv(SLOT_MANAGEMENT, DEFAULT_MANAGEMENT_KEY)))
          .ok();
      piv.select().ok();
      byte[] challenge = requestChallenge(piv, ALG_TDES);
      byte[] response =
          PivClient.ecb(ALG_TDES, DEFAULT_MANAGEMENT_KEY, Cipher.ENCRYPT_MODE, challenge);
      int sw =
          piv.send(
                  INS_GENERAL_AUTHENTICATE,
                  ALG_TDES,
                  SLOT_MANAGEMENT,
                  tlv(0x7C, tlv(0x82, response)))
              .sw();
      assertThat(sw).as("right management key, touch refused").isEqualTo(0x6982);
      assertThat(putChuid(piv)).as("not authenticated").isEqualTo(0x6982);
    }
  }

  // --- helpers ---

  private KeyProcess startKey(String label, String... serveOptions) throws InterruptedException {
    KeyProcess key =
        KeyProcess.startVpcd(label, temp.resolve(label + ".db"), Pcscd.VPCD_ADDRESS, serveOptions);
    try {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);
    } catch (AssertionError | InterruptedException e) {
      key.close();
      throw e;
    }
    return key;
  }

  /** Writes a small CHUID (SP 800-73-4 part 1, table 9) and returns the status word. */
  private static int putChuid(PivClient piv) {
    byte[] guid = new byte[16];
    RANDOM.nextBytes(guid);
    return piv.putData(Hex.decode("5FC102"), concat(tlv(0x34, guid), tlv(0xFE, new byte[0]))).sw();
  }

  /** SP 800-73-4 part 2, A.1: 7C { 81 00 } asks the card for a challenge. */
  private static byte[] requestChallenge(PivClient piv, int alg) {
    byte[] answer =
        piv.send(INS_GENERAL_AUTHENTICATE, alg, SLOT_MANAGEMENT, tlv(0x7C, tlv(0x81, new byte[0])))
            .ok();
    byte[] challenge = tlvs(tlvs(answer).get(0x7C)).get(0x81);
    assertThat(challenge).hasSize(alg == ALG_TDES ? 8 : 16);
    return challenge;
  }

  /** Challenge mode: the host returns 7C { 82 E(challenge) }. */
  private static void challengeMode(PivClient piv, int alg, byte[] key) {
    byte[] challenge = requestChallenge(piv, alg);
    byte[] response = PivClient.ecb(alg, key, Cipher.ENCRYPT_MODE, challenge);
    piv.send(INS_GENERAL_AUTHENTICATE, alg, SLOT_MANAGEMENT, tlv(0x7C, tlv(0x82, response))).ok();
  }

  /** Witness mode: the card sends 7C { 80 E(W) }, the host returns 7C { 80 W }. */
  private static void witnessMode(PivClient piv, int alg, byte[] key) {
    byte[] answer =
        piv.send(INS_GENERAL_AUTHENTICATE, alg, SLOT_MANAGEMENT, tlv(0x7C, tlv(0x80, new byte[0])))
            .ok();
    byte[] encrypted = tlvs(tlvs(answer).get(0x7C)).get(0x80);
    byte[] witness = PivClient.ecb(alg, key, Cipher.DECRYPT_MODE, encrypted);
    piv.send(INS_GENERAL_AUTHENTICATE, alg, SLOT_MANAGEMENT, tlv(0x7C, tlv(0x80, witness))).ok();
  }

  /** RFC 8017 9.2: EMSA-PKCS1-v1_5 encoding of SHA-256(message) in {@code length} bytes. */
  private static byte[] pkcs1Block(byte[] message, int length) throws Exception {
    byte[] t = concat(SHA256_DIGEST_INFO, MessageDigest.getInstance("SHA-256").digest(message));
    byte[] block = new byte[length];
    block[1] = 0x01;
    Arrays.fill(block, 2, length - t.length - 1, (byte) 0xFF);
    System.arraycopy(t, 0, block, length - t.length, t.length);
    return block;
  }

  private static boolean verify(String algorithm, PublicKey key, byte[] message, byte[] signature)
      throws Exception {
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(signature);
  }

  /** SEC 1 2.3.3: 04 X Y of a JDK EC public key, each coordinate {@code n} bytes. */
  private static byte[] uncompressed(PublicKey key, int n) {
    java.security.spec.ECPoint w = ((java.security.interfaces.ECPublicKey) key).getW();
    return concat(
        new byte[] {0x04},
        PivClient.unsigned(w.getAffineX(), n),
        PivClient.unsigned(w.getAffineY(), n));
  }

  private static X509Certificate certificate(byte[] der) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  /** The F9 certificate from Yubico's object 5FFF01: 53 { 70 certificate, 71 00, FE 00 }. */
  private static X509Certificate attestationCertificate(PivClient piv) throws Exception {
    byte[] content = tlvs(piv.getData(Hex.decode("5FFF01")).ok()).get(0x53);
    return certificate(tlvs(content).get(0x70));
  }
}
