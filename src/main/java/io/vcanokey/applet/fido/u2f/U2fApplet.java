package io.vcanokey.applet.fido.u2f;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.applet.fido.CredentialId;
import io.vcanokey.applet.fido.RequestPresence;
import io.vcanokey.applet.fido.SignatureCounter;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.bytes.Bytes;
import io.vcanokey.core.crypto.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The U2F authenticator: REGISTER (FIDO U2F raw message formats 1.2, section 4), AUTHENTICATE
 * (section 5) and VERSION (section 6), with the errors of section 3.3 and the behaviour of the
 * reference key (canokey-core inventory 3.11).
 *
 * <p>Status words: 6700 for a malformed APDU or a wrong data length, 6E00 for a class byte other
 * than 00, 6D00 for an unknown instruction, 6A80 for a key handle that is not ours for this
 * application (including a key handle of another length, so that a client probing with several
 * handles moves on), 6A86 for an AUTHENTICATE control byte other than 03, 07 or 08, and 6985 when
 * user presence is missing, a check-only AUTHENTICATE found its handle valid, or the signature
 * counter has reached FFFFFFFF (it never wraps; {@link SignatureCounter}).
 *
 * <p>Threading: key thread only. A message that needs a touch asks through its {@link
 * RequestPresence}, which never blocks.
 */
public final class U2fApplet {

  private static final Logger log = LoggerFactory.getLogger(U2fApplet.class);

  /** U2F raw message formats, 3.1: the only class byte. */
  static final int CLA_U2F = 0x00;

  static final int INS_REGISTER = 0x01;
  static final int INS_AUTHENTICATE = 0x02;
  static final int INS_VERSION = 0x03;

  /** AUTHENTICATE control byte: check only whether the key handle is valid (section 5.1). */
  static final int P1_CHECK_ONLY = 0x07;

  /** credProtect level userVerificationRequired (CTAP 2.1, 12.1). */
  private static final int CRED_PROTECT_UV_REQUIRED = 3;

  /** AUTHENTICATE control byte: enforce user presence and sign. */
  static final int P1_ENFORCE_USER_PRESENCE_AND_SIGN = 0x03;

  /** AUTHENTICATE control byte: don't enforce user presence and sign. */
  static final int P1_DONT_ENFORCE_USER_PRESENCE_AND_SIGN = 0x08;

  /** The version string VERSION returns (section 6.1). */
  static final byte[] VERSION = "U2F_V2".getBytes(StandardCharsets.US_ASCII);

  /** REGISTER response: the reserved first byte (section 4.3). */
  static final int REGISTER_RESERVED = 0x05;

  /** REGISTER signature input: the reserved first byte (section 4.3). */
  static final int REGISTER_SIGNATURE_RESERVED = 0x00;

  /** Authentication flags: user presence verified (section 5.4, bit 0). */
  static final int FLAG_USER_PRESENCE = 0x01;

  /** Header, extended Lc 00 0000 and extended Le: the empty command python-fido2 sends. */
  private static final int APDU_EMPTY_EXTENDED_LC_LENGTH = 9;

  static final int CHALLENGE_LENGTH = 32;
  static final int APPLICATION_LENGTH = 32;

  /** State-file records shared with key.Provisioning and the CTAP2 applet. */
  static final String RECORD_KEY_HANDLE_KEY = "fido/kh-key";

  static final String RECORD_ATTESTATION_KEY = "fido/attestation-key";
  static final String RECORD_ATTESTATION_CERT = "fido/attestation-cert";

  /** CredentialId credProtect level for U2F key handles (inventory 3.9). */
  private static final int U2F_CRED_PROTECT = 1;

  private final AppletContext context;
  private final SignatureCounter counter;

  public U2fApplet(AppletContext context) {
    this.context = context;
    this.counter = new SignatureCounter(context.state());
  }

  /**
   * Processes one U2F raw message.
   *
   * @param message the command APDU, short or extended encoding
   * @param presence this message's test of user presence
   * @return the response data followed by the status word
   * @throws RequestPresence.Needed when the message needs a touch nobody was asked for yet
   */
  public byte[] process(byte[] message, RequestPresence presence) {
    try {
      CommandApdu apdu = CommandApdu.decode(withoutEmptyExtendedLc(message));
      if (apdu.cla() != CLA_U2F) {
        throw new StatusException(StatusWords.SW_CLA_NOT_SUPPORTED);
      }
      byte[] data =
          switch (apdu.ins()) {
            case INS_REGISTER -> register(apdu, presence);
            case INS_AUTHENTICATE -> authenticate(apdu, presence);
            case INS_VERSION -> version(apdu);
            default -> throw new StatusException(StatusWords.SW_INS_NOT_SUPPORTED);
          };
      return withStatus(data, StatusWords.SW_NO_ERROR);
    } catch (StatusException e) {
      log.debug(
          "U2F INS 0x{} -> {}",
          message.length > 1 ? String.format("%02X", message[1] & 0xFF) : "--",
          String.format("%04X", e.sw()));
      return withStatus(new byte[0], e.sw());
    }
  }

  /**
   * python-fido2 (fido2/ctap1.py, send_apdu) always writes the extended Lc field, even for a
   * command without data: header, 00 0000, then Le 0000. ISO 7816-4 has no such case, but U2F keys
   * accept it, so it is read as case 2E (header, 00, Le).
   */
  static byte[] withoutEmptyExtendedLc(byte[] message) {
    boolean emptyExtendedLc =
        message.length == APDU_EMPTY_EXTENDED_LC_LENGTH
            && message[4] == 0
            && message[5] == 0
            && message[6] == 0;
    if (!emptyExtendedLc) {
      return message;
    }
    return new byte[] {message[0], message[1], message[2], message[3], 0, message[7], message[8]};
  }

  private byte[] version(CommandApdu apdu) {
    if (apdu.nc() != 0) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    log.debug("U2F VERSION -> U2F_V2");
    return VERSION.clone();
  }

  /** Section 4: challenge parameter (32) then application parameter (32). */
  private byte[] register(CommandApdu apdu, RequestPresence presence) {
    byte[] data = apdu.data();
    if (data.length != CHALLENGE_LENGTH + APPLICATION_LENGTH) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    byte[] challenge = Arrays.copyOfRange(data, 0, CHALLENGE_LENGTH);
    byte[] application = Arrays.copyOfRange(data, CHALLENGE_LENGTH, data.length);

    if (!presence.granted("U2F registration")) {
      log.debug("U2F REGISTER -> 6985 (no user presence)");
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }

    CredentialId.Wrapped credential =
        CredentialId.wrap(
            record(RECORD_KEY_HANDLE_KEY),
            application,
            CredentialId.COSE_ES256,
            false,
            U2F_CRED_PROTECT,
            context.random());
    byte[] keyHandle = credential.id().encode();
    byte[] publicKey = credential.privateKey().publicKey();
    byte[] certificate = record(RECORD_ATTESTATION_CERT);
    byte[] signed =
        Bytes.concat(
            new byte[] {REGISTER_SIGNATURE_RESERVED}, application, challenge, keyHandle, publicKey);
    byte[] signature = attestationSignature(signed);

    log.debug("U2F REGISTER -> 9000");
    return Bytes.concat(
        new byte[] {REGISTER_RESERVED},
        publicKey,
        new byte[] {(byte) keyHandle.length},
        keyHandle,
        certificate,
        signature);
  }

  /** Section 5: challenge (32), application (32), key handle length (1), key handle. */
  private byte[] authenticate(CommandApdu apdu, RequestPresence presence) {
    byte[] data = apdu.data();
    int fixed = CHALLENGE_LENGTH + APPLICATION_LENGTH + 1;
    if (data.length < fixed || data.length != fixed + (data[fixed - 1] & 0xFF)) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    int control = apdu.p1();
    if (control != P1_CHECK_ONLY
        && control != P1_ENFORCE_USER_PRESENCE_AND_SIGN
        && control != P1_DONT_ENFORCE_USER_PRESENCE_AND_SIGN) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    byte[] challenge = Arrays.copyOfRange(data, 0, CHALLENGE_LENGTH);
    byte[] application = Arrays.copyOfRange(data, CHALLENGE_LENGTH, fixed - 1);
    byte[] keyHandle = Arrays.copyOfRange(data, fixed, data.length);

    Optional<CredentialId.Wrapped> credential =
        CredentialId.unwrap(record(RECORD_KEY_HANDLE_KEY), keyHandle, application)
            .filter(c -> c.id().alg() == CredentialId.COSE_ES256)
            // CTAP 2.1 12.1: a userVerificationRequired credential is used only after user
            // verification, which U2F cannot do; for U2F it is not ours.
            .filter(c -> c.id().credProtect() < CRED_PROTECT_UV_REQUIRED);
    if (credential.isEmpty()) {
      log.debug("U2F AUTHENTICATE -> 6A80 (key handle not ours for this application)");
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    if (control == P1_CHECK_ONLY) {
      // Section 5.1: a valid handle answers "test of user presence required".
      log.debug("U2F AUTHENTICATE check-only -> 6985 (key handle valid)");
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    int flags = 0;
    if (control == P1_ENFORCE_USER_PRESENCE_AND_SIGN) {
      if (!presence.granted("U2F authentication")) {
        log.debug("U2F AUTHENTICATE -> 6985 (no user presence)");
        throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
      }
      flags = FLAG_USER_PRESENCE;
    }

    byte[] counter = nextCounter();
    byte[] signed = Bytes.concat(application, new byte[] {(byte) flags}, counter, challenge);
    byte[] signature = credential.get().privateKey().signEcdsaDer(Digests.sha256(signed));

    log.debug("U2F AUTHENTICATE P1 0x{} -> 9000", String.format("%02X", control));
    return Bytes.concat(new byte[] {(byte) flags}, counter, signature);
  }

  /** The next value of the shared signature counter, durable before it is used. */
  private byte[] nextCounter() {
    try {
      return SignatureCounter.encode(counter.increment());
    } catch (SignatureCounter.ExhaustedException e) {
      // FFFFFFFF: a wrap to 0 would let an old signature look newer, so the key stops signing.
      log.warn("U2F signature counter exhausted -> 6985");
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    } catch (IOException e) {
      log.error("cannot store the signature counter", e);
      throw new StatusException(StatusWords.SW_MEMORY_FAILURE);
    }
  }

  private byte[] record(String name) {
    return context
        .state()
        .get(name)
        .orElseThrow(() -> new IllegalStateException("state file has no " + name));
  }

  private byte[] attestationSignature(byte[] message) {
    try {
      PrivateKey key =
          KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(record(RECORD_ATTESTATION_KEY)));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key, context.random());
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with the attestation key", e);
    }
  }

  private static byte[] withStatus(byte[] data, int sw) {
    byte[] out = Arrays.copyOf(data, data.length + 2);
    out[data.length] = (byte) (sw >>> 8);
    out[data.length + 1] = (byte) sw;
    return out;
  }
}
