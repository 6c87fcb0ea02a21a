package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The hmac-secret extension (CTAP 2.1, 12.5 "HMAC Secret Extension"): the getAssertion input {1:
 * keyAgreement, 2: saltEnc, 3: saltAuth, 4: pinUvAuthProtocol} checked and decrypted, and the
 * output encrypt(shared secret, HMAC-SHA-256(CredRandom, salt1) [|| HMAC-SHA-256(CredRandom,
 * salt2)]).
 *
 * <p>CredRandom: 12.5 has makeCredential generate two random 32-byte values per credential,
 * CredRandomWithUV and CredRandomWithoutUV. Here they are derived instead, so that a
 * non-discoverable credential needs no storage: CredRandomWithUV = HMAC-SHA-256(K_uv, credential
 * ID) and CredRandomWithoutUV = HMAC-SHA-256(K_noUv, credential ID), where K_uv =
 * HMAC-SHA-256(kh-key, "vcanokey hmac-secret CredRandomWithUV") and K_noUv likewise with
 * "CredRandomWithoutUV", and kh-key is the key's secret {@code fido/kh-key} record. The credential
 * ID holds 16 random bytes and a tag bound to the private key (inventory 3.9), so each credential
 * gets two values that look random, differ from each other, and never change. As on the reference
 * key (inventory 3.5), a credential made without hmac-secret answers it too: the credential ID has
 * no room to record the request.
 *
 * <p>Errors, in the order 12.5 checks them: a missing member CTAP2_ERR_MISSING_PARAMETER, a member
 * of the wrong type CTAP2_ERR_CBOR_UNEXPECTED_TYPE, a pinUvAuthProtocol other than 1 or 2
 * CTAP1_ERR_INVALID_PARAMETER, a keyAgreement that decapsulate refuses CTAP1_ERR_INVALID_PARAMETER,
 * a saltAuth that is not authenticate(shared secret, saltEnc) CTAP2_ERR_PIN_AUTH_INVALID, salts
 * that do not decrypt to 32 or 64 bytes CTAP1_ERR_INVALID_LENGTH.
 */
final class HmacSecret {

  /** The extension identifier in makeCredential and getAssertion extension maps. */
  static final String EXT_HMAC_SECRET = "hmac-secret";

  // getAssertion hmac-secret input members (12.5).
  static final int KEY_AGREEMENT = 0x01;
  static final int SALT_ENC = 0x02;
  static final int SALT_AUTH = 0x03;
  static final int PIN_UV_AUTH_PROTOCOL = 0x04;

  /** Length of each salt and each output (12.5). */
  static final int SALT_LENGTH = 32;

  private static final byte[] LABEL_WITH_UV =
      "vcanokey hmac-secret CredRandomWithUV".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LABEL_WITHOUT_UV =
      "vcanokey hmac-secret CredRandomWithoutUV".getBytes(StandardCharsets.US_ASCII);

  /** A checked getAssertion input: the protocol, its shared secret and one or two salts. */
  record Request(PinUvAuthProtocol protocol, byte[] sharedSecret, byte[] salts) {

    @Override
    public String toString() {
      return "HmacSecret.Request[protocol=" + protocol.version() + ", salts=" + salts.length + "]";
    }
  }

  private HmacSecret() {}

  /**
   * Checks and decrypts the getAssertion input (12.5, authenticatorGetAssertion additional
   * behaviours, steps 1 to 4); the class comment lists the errors.
   *
   * @param input the extension's value in the extensions map
   * @param clientPin the key agreement; null (no PIN support) refuses every keyAgreement
   */
  static Request decode(CBORObject input, ClientPin clientPin) {
    CborParams params = CborParams.of(input, EXT_HMAC_SECRET);
    params.map(KEY_AGREEMENT, "hmac-secret keyAgreement"); // present and a map
    CBORObject keyAgreement = params.get(KEY_AGREEMENT).orElseThrow();
    byte[] saltEnc = params.bytes(SALT_ENC, "hmac-secret saltEnc");
    byte[] saltAuth = params.bytes(SALT_AUTH, "hmac-secret saltAuth");
    long version =
        params.optionalInt(PIN_UV_AUTH_PROTOCOL, "hmac-secret pinUvAuthProtocol").orElse(1L);

    PinUvAuthProtocol protocol = PinUvAuthProtocol.fromVersion(version);
    if (protocol == null) {
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, "hmac-secret protocol");
    }
    if (clientPin == null) {
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, "no key agreement key");
    }
    byte[] shared = clientPin.sharedSecret(protocol, keyAgreement);
    if (!protocol.verify(shared, saltEnc, saltAuth)) {
      throw new CtapException(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID, "hmac-secret saltAuth");
    }
    byte[] salts = protocol.decrypt(shared, saltEnc);
    if (salts == null || (salts.length != SALT_LENGTH && salts.length != 2 * SALT_LENGTH)) {
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_LENGTH, "hmac-secret salt length");
    }
    return new Request(protocol, shared, salts);
  }

  /**
   * CredRandomWithUV or CredRandomWithoutUV of the credential {@code credentialId}, as the class
   * comment derives them from {@code khKey}.
   */
  static byte[] credRandom(byte[] khKey, byte[] credentialId, boolean userVerified) {
    byte[] key = PinUvAuthProtocol.hmac(khKey, userVerified ? LABEL_WITH_UV : LABEL_WITHOUT_UV);
    return PinUvAuthProtocol.hmac(key, credentialId);
  }

  /**
   * The extension output (12.5 step 5): encrypt(shared secret, output1 [|| output2]) with outputN =
   * HMAC-SHA-256(credRandom, saltN).
   */
  static byte[] output(Request request, byte[] credRandom, SecureRandom random) {
    byte[] salts = request.salts();
    byte[] outputs = new byte[salts.length];
    for (int offset = 0; offset < salts.length; offset += SALT_LENGTH) {
      byte[] salt = Arrays.copyOfRange(salts, offset, offset + SALT_LENGTH);
      System.arraycopy(PinUvAuthProtocol.hmac(credRandom, salt), 0, outputs, offset, SALT_LENGTH);
    }
    return request.protocol().encrypt(request.sharedSecret(), outputs, random);
  }
}
