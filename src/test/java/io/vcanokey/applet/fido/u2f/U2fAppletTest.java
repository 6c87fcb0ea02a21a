package io.vcanokey.applet.fido.u2f;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.applet.fido.CredentialId;
import io.vcanokey.applet.fido.FidoTestKey;
import io.vcanokey.applet.fido.RequestPresence;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.TouchPolicy;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.platform.UserPresence.Touch;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class U2fAppletTest {

  private static final byte[] CHALLENGE = sha256("challenge");
  private static final byte[] APPLICATION = sha256("https://example.com");

  /** Grants or refuses each request as the test sets it, and counts the requests. */
  private static final class SwitchPresence implements UserPresence {
    boolean grant = true;
    final List<String> asked = new ArrayList<>();

    @Override
    public boolean confirm(String purpose) {
      asked.add(purpose);
      return grant;
    }

    @Override
    public TouchPolicy policy() {
      return TouchPolicy.AUTO;
    }
  }

  private final SwitchPresence presence = new SwitchPresence();
  private final FidoTestKey key = FidoTestKey.create(presence);

  /**
   * Runs a message as FidoHandler does with a presence service that answers at once: the first run
   * asks for a touch, the second runs with the answer.
   */
  private byte[] process(byte[] message) {
    try {
      return applet.process(message, RequestPresence.NOT_ASKED);
    } catch (RequestPresence.Needed needed) {
      Touch touch = presence.confirm(needed.purpose()) ? Touch.GRANTED : Touch.REFUSED;
      return applet.process(message, RequestPresence.answered(touch));
    }
  }

  private final U2fApplet applet = new U2fApplet(key.context());

  @AfterEach
  void close() throws Exception {
    key.close();
  }

  // ---------------------------------------------------------------- helpers

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes("UTF-8"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    for (byte[] p : parts) {
      out.put(p);
    }
    return out.array();
  }

  /** Extended encoding, case 4E with Le 0000, as python-fido2 and libfido2 send it. */
  static byte[] extended(int ins, int p1, byte[] data) {
    return concat(
        new byte[] {0, (byte) ins, (byte) p1, 0, 0, (byte) (data.length >> 8), (byte) data.length},
        data,
        new byte[] {0, 0});
  }

  /** Short encoding, case 4S with Le 00. */
  static byte[] shortForm(int ins, int p1, byte[] data) {
    return concat(
        new byte[] {0, (byte) ins, (byte) p1, 0, (byte) data.length}, data, new byte[] {0});
  }

  static int sw(byte[] response) {
    return ((response[response.length - 2] & 0xFF) << 8) | (response[response.length - 1] & 0xFF);
  }

  static byte[] body(byte[] response) {
    return Arrays.copyOf(response, response.length - 2);
  }

  static PublicKey p256(byte[] uncompressed) throws Exception {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
    ECPoint w =
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
            new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
  }

  static boolean verify(PublicKey key, byte[] message, byte[] derSignature) throws Exception {
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(derSignature);
  }

  /** The parts of a REGISTER response (U2F raw message formats 4.3). */
  record Registration(byte[] publicKey, byte[] keyHandle, X509Certificate cert, byte[] signature) {
    static Registration parse(byte[] data) throws Exception {
      assertThat(data[0]).isEqualTo((byte) 0x05);
      byte[] publicKey = Arrays.copyOfRange(data, 1, 66);
      int handleLength = data[66] & 0xFF;
      byte[] keyHandle = Arrays.copyOfRange(data, 67, 67 + handleLength);
      ByteArrayInputStream rest =
          new ByteArrayInputStream(data, 67 + handleLength, data.length - 67 - handleLength);
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(rest);
      byte[] signature = rest.readAllBytes();
      return new Registration(publicKey, keyHandle, cert, signature);
    }
  }

  private Registration register() throws Exception {
    byte[] response = process(extended(0x01, 0x03, concat(CHALLENGE, APPLICATION)));
    assertThat(sw(response)).isEqualTo(0x9000);
    return Registration.parse(body(response));
  }

  private byte[] authenticate(int p1, byte[] application, byte[] keyHandle) {
    return process(
        extended(
            0x02,
            p1,
            concat(CHALLENGE, application, new byte[] {(byte) keyHandle.length}, keyHandle)));
  }

  // ---------------------------------------------------------------- VERSION

  @Test
  @DisplayName("U2F raw message formats 6: VERSION answers U2F_V2, short and extended encodings")
  void version_bothEncodings_u2fV2() {
    assertThat(process(Hex.decode("00 03 00 00"))).containsExactly(Hex.decode("5532465F5632 9000"));
    assertThat(process(Hex.decode("00 03 00 00 00 00 00")))
        .containsExactly(Hex.decode("5532465F5632 9000"));
    assertThat(process(Hex.decode("00 03 00 00 00")))
        .containsExactly(Hex.decode("5532465F5632 9000"));
  }

  @Test
  @DisplayName("python-fido2 ctap1.py: VERSION as header, Lc 00 0000, Le 0000 is accepted")
  void version_pythonFido2EmptyExtendedLc_u2fV2() {
    assertThat(process(Hex.decode("00 03 00 00 00 00 00 00 00")))
        .containsExactly(Hex.decode("5532465F5632 9000"));
  }

  @Test
  @DisplayName("inventory 3.11: VERSION with command data answers 6700")
  void version_withData_wrongLength() {
    assertThat(process(Hex.decode("00 03 00 00 01 AA"))).containsExactly(0x67, 0x00);
  }

  // ---------------------------------------------------------------- REGISTER

  @Test
  @DisplayName(
      "U2F raw message formats 4.3: the registration signature over 00 || app || chal || kh || pk"
          + " verifies with the attestation certificate")
  void register_extended_signatureVerifiesWithAttestationCertificate() throws Exception {
    Registration registration = register();

    assertThat(registration.publicKey()).hasSize(65);
    assertThat(registration.publicKey()[0]).isEqualTo((byte) 0x04);
    assertThat(registration.keyHandle()).hasSize(70);
    assertThat(registration.cert().getEncoded())
        .isEqualTo(key.state().get("fido/attestation-cert").orElseThrow());
    byte[] signed =
        concat(
            new byte[] {0},
            APPLICATION,
            CHALLENGE,
            registration.keyHandle(),
            registration.publicKey());
    assertThat(verify(registration.cert().getPublicKey(), signed, registration.signature()))
        .isTrue();
    assertThat(presence.asked).hasSize(1);
  }

  @Test
  @DisplayName("inventory 3.9 and 3.11: the key handle is an ES256 CredentialId, level 1")
  void register_keyHandle_isCredentialIdForApplication() throws Exception {
    Registration registration = register();

    CredentialId.Wrapped unwrapped =
        CredentialId.unwrap(
                key.state().get("fido/kh-key").orElseThrow(), registration.keyHandle(), APPLICATION)
            .orElseThrow();
    assertThat(unwrapped.id().alg()).isEqualTo(-7);
    assertThat(unwrapped.id().credProtect()).isEqualTo(1);
    assertThat(unwrapped.id().discoverable()).isFalse();
    assertThat(unwrapped.privateKey().publicKey()).isEqualTo(registration.publicKey());
  }

  @Test
  void register_shortEncoding_accepted() throws Exception {
    byte[] response = process(shortForm(0x01, 0x03, concat(CHALLENGE, APPLICATION)));

    assertThat(sw(response)).isEqualTo(0x9000);
    assertThat(Registration.parse(body(response)).keyHandle()).hasSize(70);
  }

  @Test
  @DisplayName("U2F raw message formats 3.3 and inventory 3.11: REGISTER data not 64 bytes: 6700")
  void register_wrongDataLength_wrongLength() {
    assertThat(process(extended(0x01, 0x03, new byte[63]))).containsExactly(0x67, 0x00);
    assertThat(process(extended(0x01, 0x03, new byte[65]))).containsExactly(0x67, 0x00);
    assertThat(presence.asked).isEmpty();
  }

  @Test
  @DisplayName("U2F raw message formats 3.3: REGISTER without user presence answers 6985")
  void register_presenceRefused_conditionsNotSatisfied() {
    presence.grant = false;

    assertThat(process(extended(0x01, 0x03, concat(CHALLENGE, APPLICATION))))
        .containsExactly(0x69, 0x85);
  }

  // ---------------------------------------------------------------- AUTHENTICATE

  @Test
  @DisplayName(
      "U2F raw message formats 5.4: flags 01, counter, signature over app || flags || counter ||"
          + " chal verifying with the registered key")
  void authenticate_enforce_signatureVerifiesWithRegisteredKey() throws Exception {
    Registration registration = register();

    byte[] first = authenticate(0x03, APPLICATION, registration.keyHandle());
    byte[] second = authenticate(0x03, APPLICATION, registration.keyHandle());

    assertThat(sw(first)).isEqualTo(0x9000);
    byte[] data = body(first);
    assertThat(data[0]).isEqualTo((byte) 0x01);
    byte[] counter = Arrays.copyOfRange(data, 1, 5);
    byte[] signed = concat(APPLICATION, new byte[] {0x01}, counter, CHALLENGE);
    assertThat(
            verify(
                p256(registration.publicKey()), signed, Arrays.copyOfRange(data, 5, data.length)))
        .isTrue();
    int firstCounter = ByteBuffer.wrap(counter).getInt();
    int secondCounter = ByteBuffer.wrap(body(second), 1, 4).getInt();
    assertThat(secondCounter).isEqualTo(firstCounter + 1);
    assertThat(key.state().get("fido/sign-counter").orElseThrow())
        .isEqualTo(ByteBuffer.allocate(4).putInt(secondCounter).array());
  }

  @Test
  @DisplayName("U2F raw message formats 5.1: 08 signs without asking for presence, flags 00")
  void authenticate_dontEnforce_signsWithoutPresence() throws Exception {
    Registration registration = register();
    presence.grant = false;
    presence.asked.clear();

    byte[] response = authenticate(0x08, APPLICATION, registration.keyHandle());

    assertThat(sw(response)).isEqualTo(0x9000);
    byte[] data = body(response);
    assertThat(data[0]).isEqualTo((byte) 0x00);
    byte[] signed =
        concat(APPLICATION, new byte[] {0x00}, Arrays.copyOfRange(data, 1, 5), CHALLENGE);
    assertThat(
            verify(
                p256(registration.publicKey()), signed, Arrays.copyOfRange(data, 5, data.length)))
        .isTrue();
    assertThat(presence.asked).isEmpty();
  }

  @Test
  @DisplayName("U2F raw message formats 5.1: check-only with a valid key handle answers 6985")
  void authenticate_checkOnlyValidHandle_conditionsNotSatisfied() throws Exception {
    Registration registration = register();
    byte[] counterBefore = key.state().get("fido/sign-counter").orElseThrow();

    assertThat(authenticate(0x07, APPLICATION, registration.keyHandle()))
        .containsExactly(0x69, 0x85);
    assertThat(key.state().get("fido/sign-counter").orElseThrow()).isEqualTo(counterBefore);
  }

  @Test
  @DisplayName("U2F raw message formats 5.1: check-only with a foreign key handle answers 6A80")
  void authenticate_checkOnlyForeignHandle_wrongData() {
    byte[] foreign = new byte[70];
    new SecureRandom().nextBytes(foreign);
    foreign[32] = 0;

    assertThat(authenticate(0x07, APPLICATION, foreign)).containsExactly(0x6A, 0x80);
    assertThat(authenticate(0x07, APPLICATION, new byte[64])).containsExactly(0x6A, 0x80);
  }

  @Test
  @DisplayName("U2F raw message formats 3.3: a key handle of another application answers 6A80")
  void authenticate_otherApplication_wrongData() throws Exception {
    Registration registration = register();

    assertThat(authenticate(0x03, sha256("https://other.example"), registration.keyHandle()))
        .containsExactly(0x6A, 0x80);
  }

  @Test
  void authenticate_tamperedHandle_wrongData() throws Exception {
    byte[] handle = register().keyHandle();
    handle[20] ^= 0x40;

    assertThat(authenticate(0x03, APPLICATION, handle)).containsExactly(0x6A, 0x80);
  }

  @Test
  @DisplayName("U2F is ES256 only: an EdDSA CredentialId of the same application answers 6A80")
  void authenticate_eddsaCredential_wrongData() {
    byte[] handle =
        CredentialId.wrap(
                key.state().get("fido/kh-key").orElseThrow(),
                APPLICATION,
                CredentialId.COSE_EDDSA,
                false,
                1,
                new SecureRandom())
            .id()
            .encode();

    assertThat(authenticate(0x03, APPLICATION, handle)).containsExactly(0x6A, 0x80);
  }

  @Test
  @DisplayName("U2F raw message formats 3.3: AUTHENTICATE without user presence answers 6985")
  void authenticate_enforcePresenceRefused_conditionsNotSatisfiedCounterKept() throws Exception {
    Registration registration = register();
    byte[] counterBefore = key.state().get("fido/sign-counter").orElseThrow();
    presence.grant = false;

    assertThat(authenticate(0x03, APPLICATION, registration.keyHandle()))
        .containsExactly(0x69, 0x85);
    assertThat(key.state().get("fido/sign-counter").orElseThrow()).isEqualTo(counterBefore);
  }

  @Test
  @DisplayName("The counter never wraps: at FFFFFFFF AUTHENTICATE answers 6985 and keeps it")
  void authenticate_counterExhausted_refusedWithoutWrap() throws Exception {
    Registration registration = register();
    key.state().put("fido/sign-counter", Hex.decode("FFFFFFFE"));

    byte[] last = authenticate(0x03, APPLICATION, registration.keyHandle());
    byte[] refused = authenticate(0x03, APPLICATION, registration.keyHandle());

    assertThat(Arrays.copyOfRange(body(last), 1, 5)).isEqualTo(Hex.decode("FFFFFFFF"));
    assertThat(refused).containsExactly(0x69, 0x85);
    assertThat(key.state().get("fido/sign-counter").orElseThrow())
        .isEqualTo(Hex.decode("FFFFFFFF"));
  }

  @Test
  void authenticate_handleLengthInconsistent_wrongLength() throws Exception {
    byte[] handle = register().keyHandle();
    byte[] data = concat(CHALLENGE, APPLICATION, new byte[] {70}, Arrays.copyOf(handle, 69));

    assertThat(process(extended(0x02, 0x03, data))).containsExactly(0x67, 0x00);
    assertThat(process(extended(0x02, 0x03, new byte[64]))).containsExactly(0x67, 0x00);
  }

  @Test
  void authenticate_unknownControlByte_incorrectP1() throws Exception {
    byte[] handle = register().keyHandle();

    assertThat(authenticate(0x05, APPLICATION, handle)).containsExactly(0x6A, 0x86);
  }

  @Test
  void authenticate_shortEncoding_accepted() throws Exception {
    byte[] handle = register().keyHandle();
    byte[] data = concat(CHALLENGE, APPLICATION, new byte[] {70}, handle);

    assertThat(sw(process(shortForm(0x02, 0x03, data)))).isEqualTo(0x9000);
  }

  // ---------------------------------------------------------------- framing

  @Test
  @DisplayName("U2F raw message formats 3.3: CLA other than 00 answers 6E00")
  void process_otherClass_claNotSupported() {
    assertThat(process(Hex.decode("80 03 00 00"))).containsExactly(0x6E, 0x00);
  }

  @Test
  @DisplayName("U2F raw message formats 3.3: an unknown INS answers 6D00")
  void process_unknownIns_insNotSupported() {
    assertThat(process(Hex.decode("00 04 00 00"))).containsExactly(0x6D, 0x00);
  }

  @Test
  @DisplayName("Malformed input is normal input: random messages get a status word, never 6F00")
  void process_randomMessages_specifiedStatusWords() throws Exception {
    java.util.Random random = new java.util.Random(6);
    byte[] handle = register().keyHandle();
    byte[] valid = concat(CHALLENGE, APPLICATION, new byte[] {70}, handle);

    for (int i = 0; i < 3000; i++) {
      byte[] message;
      if (i % 2 == 0) {
        message = new byte[random.nextInt(160)];
        random.nextBytes(message);
        if (message.length > 1) {
          message[0] = 0;
          message[1] = (byte) (1 + random.nextInt(3));
        }
      } else {
        message = extended(0x02, 0x03, valid);
        message[random.nextInt(message.length)] ^= (byte) (1 + random.nextInt(255));
      }

      byte[] response = process(message);

      assertThat(response.length).isGreaterThanOrEqualTo(2);
      assertThat(sw(response))
          .as("message %s", Hex.encode(message))
          .isIn(0x9000, 0x6700, 0x6A80, 0x6A86, 0x6985, 0x6D00, 0x6E00);
    }
    assertThat(sw(authenticate(0x03, APPLICATION, handle))).isEqualTo(0x9000);
  }

  @Test
  @DisplayName("ISO 7816-4 5.1: a malformed APDU encoding answers 6700")
  void process_malformedEncoding_wrongLength() {
    assertThat(process(Hex.decode("00 01 03 00 05 01"))).containsExactly(0x67, 0x00);
    assertThat(process(Hex.decode("00 01 03 00 00 00 40 01"))).containsExactly(0x67, 0x00);
    assertThat(process(Hex.decode("00"))).containsExactly(0x67, 0x00);
  }
}
