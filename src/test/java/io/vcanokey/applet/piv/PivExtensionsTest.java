package io.vcanokey.applet.piv;

import static io.vcanokey.applet.piv.PivHost.assertSw;
import static io.vcanokey.applet.piv.PivHost.concat;
import static io.vcanokey.applet.piv.PivHost.inner;
import static io.vcanokey.applet.piv.PivHost.tlv;
import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.bytes.Hex;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Yubico PIV extensions: GET METADATA, SET PIN RETRIES, RESET, ATTEST and MOVE KEY, after
 * Yubico's PIV documentation and the values yubikit reads. Attestation certificates are parsed and
 * verified with the JDK's X.509 implementation.
 */
class PivExtensionsTest {

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

  // ---- GET METADATA ----------------------------------------------------------------------------

  @Test
  @DisplayName("Yubico GET METADATA 80: algorithm FF, default flag, retries total and left")
  void metadata_pin_defaultAndRetries() {
    ResponseApdu fresh = host.send("00 F7 00 80");
    assertSw(fresh, 0x9000);
    // Yubico, "Get metadata", table 1: 01 algorithm FF, 05 default, 06 retries (no 02 policy).
    assertThat(Hex.encode(fresh.data())).isEqualTo("0101FF" + "050101" + "06020303");

    host.send("00 20 00 80 08 39 39 39 39 39 39 FF FF");
    assertThat(Hex.encode(inner(host.send("00 F7 00 80").data(), 0x06))).isEqualTo("0302");
    host.send("00 24 00 80 10 31 32 33 34 35 36 FF FF 36 35 34 33 32 31 FF FF");

    ResponseApdu changed = host.send("00 F7 00 80");
    assertThat(Hex.encode(inner(changed.data(), 0x05))).isEqualTo("00");
    assertThat(Hex.encode(inner(changed.data(), 0x06))).isEqualTo("0303");
    assertThat(Hex.encode(inner(host.send("00 F7 00 81").data(), 0x05))).isEqualTo("01");
  }

  @Test
  @DisplayName("Yubico GET METADATA 9B: TDES (03), touch never, default key")
  void metadata_managementKey_factory() {
    ResponseApdu r = host.send("00 F7 00 9B");

    assertSw(r, 0x9000);
    assertThat(Hex.encode(r.data())).isEqualTo("010103" + "02020101" + "050101");
  }

  @Test
  @DisplayName("Yubico GET METADATA of a key: algorithm, policies, origin and the public key")
  void metadata_keySlot_describesKey() {
    host.authenticateDefault();
    ResponseApdu generated = host.generate(0x9C, 0x11, 0, 0x03);
    byte[] publicKey = inner(generated.data(), 0x7F49);

    ResponseApdu r = host.send("00 F7 00 9C");

    assertSw(r, 0x9000);
    assertThat(Hex.encode(inner(r.data(), 0x01))).isEqualTo("11");
    assertThat(Hex.encode(inner(r.data(), 0x02))).isEqualTo("0303"); // 9C: PIN always; cached
    assertThat(Hex.encode(inner(r.data(), 0x03))).isEqualTo("01"); // generated
    assertThat(inner(r.data(), 0x04)).isEqualTo(publicKey);
  }

  @Test
  @DisplayName("Yubico GET METADATA: an imported key has origin 02; an empty slot answers 6A88")
  void metadata_importedAndEmpty() {
    host.authenticateDefault();
    byte[] scalar = new byte[32];
    scalar[31] = 7;
    assertSw(host.command(0xFE, 0x11, 0x9D, tlv(0x06, scalar)), 0x9000);

    assertThat(Hex.encode(inner(host.send("00 F7 00 9D").data(), 0x03))).isEqualTo("02");
    assertThat(Hex.encode(inner(host.send("00 F7 00 9D").data(), 0x02))).isEqualTo("0201");
    assertSw(host.send("00 F7 00 9A"), 0x6A88);
    assertSw(host.send("00 F7 00 00"), 0x6A86);
    assertSw(host.send("00 F7 01 9A"), 0x6A86);
  }

  // ---- SET PIN RETRIES -------------------------------------------------------------------------

  @Test
  @DisplayName("Yubico SET PIN RETRIES: needs the management key and the PIN; resets both PINs")
  void setPinRetries_setsCountsAndDefaults() throws Exception {
    host.send("00 24 00 80 10 31 32 33 34 35 36 FF FF 36 35 34 33 32 31 FF FF");
    assertSw(host.send("00 FA 05 07"), 0x6982);
    host.authenticateDefault();
    assertSw(host.send("00 FA 05 07"), 0x6982); // no PIN yet
    assertSw(host.send("00 20 00 80 08 36 35 34 33 32 31 FF FF"), 0x9000);

    assertSw(host.send("00 FA 05 07"), 0x9000);

    host.restart();
    assertThat(Hex.encode(inner(host.send("00 F7 00 80").data(), 0x06))).isEqualTo("0505");
    assertThat(Hex.encode(inner(host.send("00 F7 00 81").data(), 0x06))).isEqualTo("0707");
    assertSw(host.send("00 20 00 80 08 39 39 39 39 39 39 FF FF"), 0x63C4);
    host.verifyPin(); // back to 123456
    assertThat(Hex.encode(inner(host.send("00 F7 00 80").data(), 0x06))).isEqualTo("0505");
  }

  @Test
  void setPinRetries_zero_answers6A86() {
    host.authenticateDefault();
    host.verifyPin();

    assertSw(host.send("00 FA 00 03"), 0x6A86);
    assertSw(host.send("00 FA 03 00"), 0x6A86);
    assertSw(host.send("00 FA 03 03 01 00"), 0x6700);
  }

  // ---- RESET -----------------------------------------------------------------------------------

  @Test
  @DisplayName("Yubico RESET: refused (6985) unless both the PIN and the PUK are blocked")
  void reset_notBlocked_refused() {
    assertSw(host.send("00 FB 00 00"), 0x6985);
    for (int i = 0; i < 3; i++) {
      host.send("00 20 00 80 08 39 39 39 39 39 39 FF FF");
    }
    assertSw(host.send("00 FB 00 00"), 0x6985);
    assertSw(host.send("00 FB 01 00"), 0x6A86);
  }

  @Test
  @DisplayName("Yubico RESET after PIN and PUK are blocked: defaults back, F9 kept (ykman's way)")
  void reset_blocked_restoresDefaultsKeepsAttestation() throws Exception {
    host.authenticateDefault();
    host.generate(0x9A, 0x11, 0, 0);
    host.putData("5FC102", new byte[] {0x30, 0x00});
    assertSw(
        host.command(0xFF, 0xFF, 0xFF, concat(new byte[] {0x08}, tlv(0x9B, new byte[16]))), 0x9000);
    byte[] attestation = inner(host.getData("5FFF01").data(), 0x53);
    // ykman blocks the PIN with empty PINs and the PUK with RESET RETRY COUNTER of empty values.
    for (int i = 0; i < 3; i++) {
      host.send("00 20 00 80 08 FF FF FF FF FF FF FF FF");
      host.send("00 2C 00 80 10 FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF");
    }

    assertSw(host.send("00 FB 00 00"), 0x9000);

    host.restart();
    assertSw(host.send("00 F7 00 9A"), 0x6A88);
    assertSw(host.getData("5FC102"), 0x6A82);
    assertThat(Hex.encode(host.send("00 F7 00 9B").data()))
        .isEqualTo("010103" + "02020101" + "050101");
    assertThat(Hex.encode(host.send("00 F7 00 80").data())).endsWith("050101" + "06020303");
    host.verifyPin();
    host.authenticateDefault();
    assertThat(inner(host.getData("5FFF01").data(), 0x53)).isEqualTo(attestation);
  }

  // ---- ATTEST ----------------------------------------------------------------------------------

  X509Certificate certificate(byte[] der) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  X509Certificate attestationCaCertificate() throws Exception {
    ResponseApdu r = host.getData("5FFF01");
    assertSw(r, 0x9000);
    return certificate(inner(inner(r.data(), 0x53), 0x70));
  }

  @Test
  @DisplayName(
      "Yubico PIV attestation: F9's certificate is self-signed; the slot's certificate carries the"
          + " key, the name and extensions .3.3 .3.7 .3.8 .3.9, and verifies under it (JDK)")
  void attest_generatedKey_certificateChainsToF9() throws Exception {
    host.authenticateDefault();
    PublicKey key = host.generateKey(0x9A, 0x14, 0x03, 0x02);

    ResponseApdu r = host.send("00 F9 9A 00");

    assertSw(r, 0x9000);
    X509Certificate ca = attestationCaCertificate();
    ca.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    X509Certificate attestation = certificate(r.data());
    attestation.verify(ca.getPublicKey());
    attestation.checkValidity();
    assertThat(attestation.getPublicKey().getEncoded()).isEqualTo(key.getEncoded());
    assertThat(attestation.getSubjectX500Principal().getName())
        .isEqualTo("CN=CanoKey PIV Attestation 9A");
    assertThat(attestation.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(extension(attestation, "1.3.6.1.4.1.41482.3.3")).isEqualTo(Hex.decode("050700"));
    assertThat(ASN1Integer.getInstance(extension(attestation, "1.3.6.1.4.1.41482.3.7")).getValue())
        .isEqualTo(new BigInteger(1, PivHost.SERIAL));
    assertThat(extension(attestation, "1.3.6.1.4.1.41482.3.8")).isEqualTo(Hex.decode("0302"));
    assertThat(extension(attestation, "1.3.6.1.4.1.41482.3.9")).hasSize(1);
  }

  @Test
  @DisplayName("Yubico PIV attestation: RSA and Ed25519 keys are attested too")
  void attest_rsaAndEd25519_certifyTheirKeys() throws Exception {
    host.authenticateDefault();
    PublicKey rsa = host.generateKey(0x82, 0x07, 0, 0);
    PublicKey ed = host.generateKey(0x83, 0xE0, 0, 0);

    X509Certificate a = certificate(host.send("00 F9 82 00").data());
    X509Certificate b = certificate(host.send("00 F9 83 00").data());

    X509Certificate ca = attestationCaCertificate();
    a.verify(ca.getPublicKey());
    b.verify(ca.getPublicKey());
    assertThat(a.getPublicKey().getEncoded()).isEqualTo(rsa.getEncoded());
    assertThat(b.getPublicKey().getEncoded()).isEqualTo(ed.getEncoded());
    assertThat(a.getSubjectX500Principal().getName()).isEqualTo("CN=CanoKey PIV Attestation 82");
  }

  @Test
  @DisplayName("Yubico PIV attestation: imported keys and empty slots cannot be attested (6A80)")
  void attest_importedOrEmpty_answers6A80() {
    host.authenticateDefault();
    byte[] scalar = new byte[32];
    scalar[31] = 9;
    host.command(0xFE, 0x11, 0x9A, tlv(0x06, scalar));

    assertSw(host.send("00 F9 9A 00"), 0x6A80);
    assertSw(host.send("00 F9 9C 00"), 0x6A80);
    assertSw(host.send("00 F9 F9 00"), 0x6A86);
    assertSw(host.send("00 F9 9B 00"), 0x6A86);
    assertSw(host.send("00 F9 9A 01"), 0x6A86);
  }

  @Test
  @DisplayName("Yubico PIV attestation: F9 can be replaced by IMPORT and PUT DATA of 5FFF01")
  void attest_replacedAttestationKey_signsWithIt() throws Exception {
    host.authenticateDefault();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ours = generator.generateKeyPair();
    byte[] scalar = PivKeysTest.fixed(((ECPrivateKey) ours.getPrivate()).getS(), 32);
    X509Certificate previous = attestationCaCertificate(); // provisions F9 at first use
    assertSw(host.command(0xFE, 0x11, 0xF9, tlv(0x06, scalar)), 0x9000);
    host.generateKey(0x9E, 0x11, 0, 0);

    X509Certificate attestation = certificate(host.send("00 F9 9E 00").data());

    attestation.verify(ours.getPublic());
    assertThat(attestation.getIssuerX500Principal()).isEqualTo(previous.getSubjectX500Principal());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {0x07, 0x14, 0xE0})
  @DisplayName("an attestation key of any signing algorithm (RSA, P-384, Ed25519) signs (JDK)")
  void attest_generatedAttestationKey_eachAlgorithmSigns(int algorithm) throws Exception {
    host.authenticateDefault();
    host.getData("5FFF01"); // the first-use key, replaced below
    PublicKey attestationKey = host.generateKey(0xF9, algorithm, 0, 0);
    host.generateKey(0x9D, 0x11, 0, 0);

    X509Certificate attestation = certificate(host.send("00 F9 9D 00").data());

    attestation.verify(attestationKey);
  }

  @Test
  @DisplayName("an X25519 attestation key cannot sign: ATTEST answers 6985")
  void attest_x25519AttestationKey_answers6985() {
    host.authenticateDefault();
    host.generateKey(0xF9, 0xE1, 0, 0);
    host.generateKey(0x9D, 0x11, 0, 0);

    assertSw(host.send("00 F9 9D 00"), 0x6985);
  }

  @Test
  @DisplayName("the issuer of attestation certificates follows the certificate put in 5FFF01")
  void attest_replacedAttestationCertificate_namesItsSubject() throws Exception {
    host.authenticateDefault();
    X509Certificate original = attestationCaCertificate();
    org.bouncycastle.asn1.x500.X500Name name =
        new org.bouncycastle.asn1.x500.X500Name("CN=Test Attestation CA,O=Example");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair other = generator.generateKeyPair();
    byte[] der =
        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                name,
                BigInteger.ONE,
                original.getNotBefore(),
                original.getNotAfter(),
                name,
                other.getPublic())
            .build(
                new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                    .build(other.getPrivate()))
            .getEncoded();
    assertSw(host.putData("5FFF01", concat(tlv(0x70, der), Hex.decode("710100FE00"))), 0x9000);
    host.generateKey(0x9A, 0x11, 0, 0);

    X509Certificate attestation = certificate(host.send("00 F9 9A 00").data());

    assertThat(attestation.getIssuerX500Principal().getName())
        .isEqualTo("O=Example,CN=Test Attestation CA");
    attestation.verify(original.getPublicKey()); // still signed by the key in F9
  }

  static byte[] extension(X509Certificate certificate, String oid) {
    byte[] value = certificate.getExtensionValue(oid);
    assertThat(value).as(oid).isNotNull();
    return ASN1OctetString.getInstance(value).getOctets();
  }

  // ---- MOVE KEY --------------------------------------------------------------------------------

  @Test
  @DisplayName("Yubico MOVE KEY (5.7): the key moves to an empty slot; FF deletes it")
  void moveKey_movesAndDeletes() {
    host.authenticateDefault();
    byte[] key = inner(host.generate(0x9A, 0x11, 0x01, 0).data(), 0x7F49);

    assertSw(host.send("00 F6 85 9A"), 0x9000);

    assertSw(host.send("00 F7 00 9A"), 0x6A88);
    assertThat(inner(host.send("00 F7 00 85").data(), 0x04)).isEqualTo(key);
    assertSw(host.sign(0x11, 0x85, new byte[32]), 0x9000);
    assertSw(host.send("00 F6 FF 85"), 0x9000);
    assertSw(host.send("00 F7 00 85"), 0x6A88);
  }

  @Test
  void moveKey_errors() {
    assertSw(host.send("00 F6 85 9A"), 0x6982);
    host.authenticateDefault();
    host.generate(0x9A, 0x11, 0, 0);
    host.generate(0x9C, 0x11, 0, 0);

    assertSw(host.send("00 F6 85 9D"), 0x6A88); // nothing to move
    assertSw(host.send("00 F6 9C 9A"), 0x6985); // the destination holds a key
    assertSw(host.send("00 F6 F9 9A"), 0x6A86);
    assertSw(host.send("00 F6 9B 9A"), 0x6A86);
    assertSw(host.send("00 F6 85 9A 01 00"), 0x6700);
    assertSw(host.send("00 F7 00 9A"), 0x9000);
  }

  // ---- durability ------------------------------------------------------------------------------

  @Test
  @DisplayName("a PIN check whose counter cannot be written answers 6581 and verifies nothing")
  void verify_counterWriteFails_answers6581AndNotVerified() throws Exception {
    Path temp = host.state.path().resolveSibling(host.state.path().getFileName() + ".tmp");
    Files.createDirectory(temp);
    Files.createFile(temp.resolve("block"));

    assertSw(host.send(PivHost.VERIFY_DEFAULT_PIN), 0x6581);
    assertSw(host.send("00 20 00 80 08 39 39 39 39 39 39 FF FF"), 0x6581);

    assertSw(host.send("00 20 00 80"), 0x63C3);
    Files.delete(temp.resolve("block"));
    Files.delete(temp);
    assertSw(host.send("00 20 00 80"), 0x63C3);
  }

  @Test
  @DisplayName("SP 800-73-4 part 2, 3.2.1: a session's PIN does not unlock another session")
  void sessions_independent() {
    host.verifyPin();
    PivApplet first = host.applet;
    host.newSession();

    assertThat(first.pinVerified()).isTrue();
    assertSw(host.send("00 20 00 80"), 0x63C3);
    assertThat(host.applet.pinVerified()).isFalse();
  }
}
