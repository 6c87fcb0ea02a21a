package io.vcanokey.applet.piv;

import static io.vcanokey.applet.piv.PivHost.assertSw;
import static io.vcanokey.applet.piv.PivHost.concat;
import static io.vcanokey.applet.piv.PivHost.inner;
import static io.vcanokey.applet.piv.PivHost.jdkCipher;
import static io.vcanokey.applet.piv.PivHost.tlv;
import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.bytes.Hex;
import java.nio.file.Path;
import javax.crypto.Cipher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Management-key authentication (NIST SP 800-73-4 part 2, appendix A; Yubico "Authenticate:
 * management key") and SET MANAGEMENT KEY. The host side is computed with the JDK's DESede and AES
 * ciphers; the ciphers themselves are checked against SP 800-67 and FIPS 197 vectors first.
 */
class PivAuthenticateTest {

  @TempDir Path dir;

  PivHost host;

  @BeforeEach
  void setUp() throws Exception {
    host = new PivHost(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  @Test
  @DisplayName("FIPS 197 appendix C.1 and SP 800-67 rev 2 appendix B: the host ciphers are right")
  void hostCiphers_publishedVectors() {
    // FIPS 197, C.1: AES-128 key 000102...0F, plaintext 00112233...FF.
    assertThat(
            Hex.encode(
                jdkCipher(
                    Cipher.ENCRYPT_MODE,
                    0x08,
                    Hex.decode("000102030405060708090A0B0C0D0E0F"),
                    Hex.decode("00112233445566778899AABBCCDDEEFF"))))
        .isEqualTo("69C4E0D86A7B0430D8CDB78070B4C55A");
    // SP 800-67 rev 2, B.1: TDEA keys 0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123,
    // first plaintext block "The qufc" (5468652071756663) gives A826FD8CE53B855F.
    assertThat(
            Hex.encode(
                jdkCipher(
                    Cipher.ENCRYPT_MODE,
                    0x03,
                    Hex.decode("0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123"),
                    Hex.decode("5468652071756663"))))
        .isEqualTo("A826FD8CE53B855F");
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, A.2: mutual authentication with the default TDES key")
  void mutual_defaultKey_authenticates() {
    assertThat(host.authenticate(0x03, PivHost.DEFAULT_MANAGEMENT_KEY)).isEqualTo(0x9000);

    assertThat(host.applet.managementAuthenticated()).isTrue();
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, A.2: a wrong witness answers 6982 and grants nothing")
  void mutual_wrongKey_answers6982() {
    byte[] wrong = Hex.decode("0102030405060708010203040506070801020304050607FF");

    assertThat(host.authenticate(0x03, wrong)).isEqualTo(0x6982);

    assertThat(host.applet.managementAuthenticated()).isFalse();
    assertSw(host.putData("5FC102", new byte[] {0x30, 0x00}), 0x6982);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, A.1: external authentication (challenge, then its cryptogram)")
  void external_challengeResponse_authenticates() {
    ResponseApdu challenge = host.command(0x87, 0x03, 0x9B, "7C 02 81 00");
    assertSw(challenge, 0x9000);
    byte[] c = inner(inner(challenge.data(), 0x7C), 0x81);
    assertThat(c).hasSize(8);
    byte[] response = jdkCipher(Cipher.ENCRYPT_MODE, 0x03, PivHost.DEFAULT_MANAGEMENT_KEY, c);

    ResponseApdu r = host.command(0x87, 0x03, 0x9B, tlv(0x7C, tlv(0x82, response)));

    assertSw(r, 0x9000);
    assertThat(r.data()).isEmpty();
    assertThat(host.applet.managementAuthenticated()).isTrue();
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, A.1: a wrong cryptogram answers 6982")
  void external_wrongResponse_answers6982() {
    ResponseApdu challenge = host.command(0x87, 0x03, 0x9B, "7C 02 81 00");
    byte[] c = inner(inner(challenge.data(), 0x7C), 0x81);

    ResponseApdu r = host.command(0x87, 0x03, 0x9B, tlv(0x7C, tlv(0x82, c)));

    assertSw(r, 0x6982);
    assertThat(host.applet.managementAuthenticated()).isFalse();
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, A.2: the witness alone (no host challenge) authenticates")
  void witnessOnly_decryptedWitness_authenticates() {
    ResponseApdu witness = host.command(0x87, 0x03, 0x9B, "7C 02 80 00");
    byte[] w = inner(inner(witness.data(), 0x7C), 0x80);
    byte[] plain = jdkCipher(Cipher.DECRYPT_MODE, 0x03, PivHost.DEFAULT_MANAGEMENT_KEY, w);

    ResponseApdu r = host.command(0x87, 0x03, 0x9B, tlv(0x7C, tlv(0x80, plain)));

    assertSw(r, 0x9000);
    assertThat(host.applet.managementAuthenticated()).isTrue();
  }

  @Test
  @DisplayName("a response with no challenge or witness pending answers 6985")
  void response_nothingPending_answers6985() {
    assertSw(host.command(0x87, 0x03, 0x9B, "7C 0A 82 08 01 02 03 04 05 06 07 08"), 0x6985);
    assertSw(host.command(0x87, 0x03, 0x9B, "7C 0A 80 08 01 02 03 04 05 06 07 08"), 0x6985);
  }

  @Test
  @DisplayName("a challenge is good for the very next command only")
  void challenge_otherCommandBetween_isForgotten() {
    ResponseApdu challenge = host.command(0x87, 0x03, 0x9B, "7C 02 81 00");
    byte[] c = inner(inner(challenge.data(), 0x7C), 0x81);
    host.send("00 FD 00 00");
    byte[] response = jdkCipher(Cipher.ENCRYPT_MODE, 0x03, PivHost.DEFAULT_MANAGEMENT_KEY, c);

    assertSw(host.command(0x87, 0x03, 0x9B, tlv(0x7C, tlv(0x82, response))), 0x6985);
  }

  @Test
  @DisplayName("a new request drops an earlier authentication; SELECT drops it too")
  void newRequestOrSelect_dropsAuthentication() {
    host.authenticateDefault();
    host.command(0x87, 0x03, 0x9B, "7C 02 80 00");
    assertThat(host.applet.managementAuthenticated()).isFalse();

    host.authenticateDefault();
    host.send(PivHost.SELECT);
    assertThat(host.applet.managementAuthenticated()).isFalse();
  }

  @Test
  void authenticate_malformed_answersSpecifiedErrors() {
    assertSw(host.command(0x87, 0x08, 0x9B, "7C 02 80 00"), 0x6A80); // key is TDES, not AES
    assertSw(host.command(0x87, 0x03, 0x9B, "7D 02 80 00"), 0x6A80);
    assertSw(host.command(0x87, 0x03, 0x9B, "7C 03 80 00"), 0x6A80);
    assertSw(host.command(0x87, 0x03, 0x9B, "7C 04 80 00 80 00"), 0x6A80);
    assertSw(host.command(0x87, 0x03, 0x9B, "7C 02 84 00"), 0x6A80);
    assertSw(host.command(0x87, 0x03, 0x9B, "7C 04 80 00 81 00"), 0x6A80);
    assertSw(host.command(0x87, 0x03, 0x9B, "7C 00"), 0x6A80);
    assertSw(host.command(0x87, 0x03, 0x9B, ""), 0x6A80);
    host.command(0x87, 0x03, 0x9B, "7C 02 80 00");
    assertSw(host.command(0x87, 0x03, 0x9B, "7C 06 80 04 01 02 03 04"), 0x6A80); // not a block
  }

  @ParameterizedTest
  @CsvSource({
    "03, 0102030405060708A1A2A3A4A5A6A7A8B1B2B3B4B5B6B7B8",
    "08, 000102030405060708090A0B0C0D0E0F",
    "0A, 000102030405060708090A0B0C0D0E0F1011121314151617",
    "0C, 000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
  })
  @DisplayName("Yubico SET MANAGEMENT KEY: TDES and AES-128/192/256 keys, then mutual auth")
  void setManagementKey_eachAlgorithm_authenticatesWithNewKey(String algorithmHex, String keyHex)
      throws Exception {
    int algorithm = Integer.parseInt(algorithmHex, 16);
    byte[] key = Hex.decode(keyHex);
    byte[] data = concat(new byte[] {(byte) algorithm}, tlv(0x9B, key));
    assertSw(host.command(0xFF, 0xFF, 0xFF, data), 0x6982);
    host.authenticateDefault();

    assertSw(host.command(0xFF, 0xFF, 0xFF, data), 0x9000);

    host.restart();
    assertThat(host.authenticate(0x03, PivHost.DEFAULT_MANAGEMENT_KEY)).isIn(0x6982, 0x6A80);
    assertThat(host.authenticate(algorithm, key)).isEqualTo(0x9000);
    ResponseApdu metadata = host.send("00 F7 00 9B");
    assertThat(Hex.encode(metadata.data()))
        .isEqualTo("0101" + algorithmHex + "0202" + "0101" + "050100");
  }

  @Test
  @DisplayName("Yubico SET MANAGEMENT KEY FF FE: every later authentication needs a touch")
  void setManagementKey_touchVariant_asksForTouch() {
    host.authenticateDefault();
    byte[] key = Hex.decode("000102030405060708090A0B0C0D0E0F");
    assertSw(host.command(0xFF, 0xFF, 0xFE, concat(new byte[] {0x08}, tlv(0x9B, key))), 0x9000);
    host.send(PivHost.SELECT);

    host.presence.grant = false;
    assertThat(host.authenticate(0x08, key)).isEqualTo(0x6982);
    host.presence.grant = true;
    assertThat(host.authenticate(0x08, key)).isEqualTo(0x9000);

    assertThat(host.presence.asked).hasSize(2);
    assertThat(Hex.encode(host.send("00 F7 00 9B").data())).contains("02020102");
  }

  @Test
  void setManagementKey_malformed_answersSpecifiedErrors() {
    host.authenticateDefault();
    byte[] aes128 = Hex.decode("000102030405060708090A0B0C0D0E0F");

    assertSw(host.command(0xFF, 0xFF, 0xFD, concat(new byte[] {0x08}, tlv(0x9B, aes128))), 0x6A86);
    assertSw(host.command(0xFF, 0xFF, 0xFF, concat(new byte[] {0x09}, tlv(0x9B, aes128))), 0x6A80);
    assertSw(host.command(0xFF, 0xFF, 0xFF, concat(new byte[] {0x03}, tlv(0x9B, aes128))), 0x6A80);
    assertSw(host.command(0xFF, 0xFF, 0xFF, concat(new byte[] {0x08}, tlv(0x9A, aes128))), 0x6A80);
    assertSw(host.command(0xFF, 0xFF, 0xFF, new byte[] {0x08}), 0x6A80);
    assertSw(
        host.command(0xFF, 0xFF, 0xFF, concat(new byte[] {0x08}, tlv(0x9B, aes128), new byte[1])),
        0x6A80);
    // Still the factory key.
    assertThat(Hex.encode(host.send("00 F7 00 9B").data())).endsWith("050101");
  }
}
