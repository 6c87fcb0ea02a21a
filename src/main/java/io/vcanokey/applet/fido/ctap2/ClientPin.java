package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;
import io.vcanokey.core.bytes.Bytes;
import io.vcanokey.core.cbor.CtapCbor;
import io.vcanokey.core.crypto.CryptoException;
import io.vcanokey.core.crypto.Digests;
import io.vcanokey.storage.StateFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * authenticatorClientPIN (CTAP 2.1, section 6.5.5): getPINRetries, getKeyAgreement, setPIN,
 * changePIN, getPinToken and getPinUvAuthTokenUsingPinWithPermissions over PIN/UV auth protocols
 * one and two, and the pinUvAuthToken check that makeCredential, getAssertion and the management
 * commands run on their pinUvAuthParam ({@link #checkToken}).
 *
 * <p>State: the record {@value #RECORD_PIN} holds the PIN retry counter (one byte) followed, once a
 * PIN is set, by LEFT(SHA-256(PIN), 16) (6.5.5.5). The counter is decremented and written durably
 * before any PIN hash is compared, so pulling the plug cannot buy an attempt. The count of
 * consecutive mismatches, the key agreement key and the pinUvAuthToken are volatile and start
 * afresh at {@link #powerUp()}: after three consecutive mismatches every PIN check answers
 * CTAP2_ERR_PIN_AUTH_BLOCKED until then.
 *
 * <p>The PIN policy follows {@link FidoSettings}: setPIN and changePIN refuse a PIN shorter than
 * its minPINLength (6.5.5.5, 6.11.4), and while forcePINChange is set a correct PIN still gets no
 * token but CTAP2_ERR_PIN_POLICY_VIOLATION (6.5.5.7); a new PIN clears forcePINChange. The PIN's
 * length in code points is kept in {@value #RECORD_PIN_LENGTH} so setMinPINLength can tell whether
 * the current PIN is too short.
 *
 * <p>Not built: built-in user verification (subcommands 0x06, 0x07 answer
 * CTAP2_ERR_INVALID_SUBCOMMAND) and with it the token's user-present and user-verified flags: every
 * makeCredential and getAssertion asks for presence itself. The token's usage timer is built:
 * unused 30 s after issue, or 10 minutes after issue, it expires.
 *
 * <p>Threading: key thread only.
 */
public final class ClientPin {

  private static final Logger log = LoggerFactory.getLogger(ClientPin.class);

  // Request parameter keys (CTAP 2.1, 6.5.5.1).
  public static final int KEY_PIN_UV_AUTH_PROTOCOL = 0x01;
  public static final int KEY_SUB_COMMAND = 0x02;
  public static final int KEY_KEY_AGREEMENT = 0x03;
  public static final int KEY_PIN_UV_AUTH_PARAM = 0x04;
  public static final int KEY_NEW_PIN_ENC = 0x05;
  public static final int KEY_PIN_HASH_ENC = 0x06;
  public static final int KEY_PERMISSIONS = 0x09;
  public static final int KEY_RP_ID = 0x0A;

  // Response member keys (CTAP 2.1, 6.5.5.2).
  public static final int RESP_KEY_AGREEMENT = 0x01;
  public static final int RESP_PIN_UV_AUTH_TOKEN = 0x02;
  public static final int RESP_PIN_RETRIES = 0x03;
  public static final int RESP_POWER_CYCLE_STATE = 0x04;

  // Subcommands (CTAP 2.1, 6.5.5.1).
  public static final int SUB_GET_PIN_RETRIES = 0x01;
  public static final int SUB_GET_KEY_AGREEMENT = 0x02;
  public static final int SUB_SET_PIN = 0x03;
  public static final int SUB_CHANGE_PIN = 0x04;
  public static final int SUB_GET_PIN_TOKEN = 0x05;
  public static final int SUB_GET_PIN_UV_AUTH_TOKEN_USING_PIN_WITH_PERMISSIONS = 0x09;

  // pinUvAuthToken permissions (CTAP 2.1, 6.5.5.7).
  public static final int PERMISSION_MC = 0x01;
  public static final int PERMISSION_GA = 0x02;
  public static final int PERMISSION_CM = 0x04;
  public static final int PERMISSION_BE = 0x08;
  public static final int PERMISSION_LBW = 0x10;
  public static final int PERMISSION_ACFG = 0x20;

  /**
   * Permissions this key can grant: all but bio enrollment (be), as the reference key (it has no
   * built-in UV). A permission for a command not built yet is harmless: the command answers
   * CTAP1_ERR_INVALID_COMMAND.
   */
  public static final int GRANTABLE_PERMISSIONS =
      PERMISSION_MC | PERMISSION_GA | PERMISSION_CM | PERMISSION_LBW | PERMISSION_ACFG;

  /** State record: retries (1 byte) || LEFT(SHA-256(PIN), 16) when a PIN is set. */
  public static final String RECORD_PIN = "fido/pin";

  /** State record: the current PIN's length in Unicode code points (1 byte). */
  public static final String RECORD_PIN_LENGTH = "fido/pin-length";

  /** Initial and maximum PIN retry count (inventory 3.6; CTAP 2.1, 6.5.2.2 allows up to 8). */
  public static final int MAX_PIN_RETRIES = 8;

  /** Consecutive mismatches after which PIN checks wait for a power cycle (6.5.5.5). */
  public static final int MAX_CONSECUTIVE_MISMATCHES = 3;

  /** Shortest PIN in Unicode code points (6.4 minPINLength default). */
  public static final int MIN_PIN_LENGTH = 4;

  /** Longest PIN in UTF-8 bytes (6.5.5.5: the padded PIN keeps at least one zero byte). */
  public static final int MAX_PIN_BYTES = 63;

  /** Length of paddedNewPin (6.5.5.5). */
  public static final int PADDED_PIN_LENGTH = 64;

  /** LEFT(SHA-256(PIN), 16). */
  public static final int PIN_HASH_LENGTH = 16;

  /** Length of a pinUvAuthToken; 32 suits both protocols (6.5.2.1). */
  public static final int TOKEN_LENGTH = 32;

  private final StateFile state;
  private final SecureRandom random;
  private final PinUvAuthProtocol.KeyAgreement keyAgreement;

  private int consecutiveMismatches;
  private byte[] token = new byte[TOKEN_LENGTH];
  private PinUvAuthProtocol tokenProtocol; // null: no token in use
  private int tokenPermissions;
  private String tokenRpId;

  /**
   * A pinUvAuthToken not used within this time after it was issued expires: the initial usage time
   * limit (CTAP 2.1, 6.5.2.1), for which the specification suggests 30 seconds on USB.
   */
  static final long TOKEN_INITIAL_USAGE_LIMIT_NANOS = 30_000_000_000L;

  /** A pinUvAuthToken expires this long after it was issued: the maximum usage time period. */
  static final long TOKEN_MAX_USAGE_PERIOD_NANOS = 600_000_000_000L;

  private final LongSupplier nanoTime;
  private long tokenIssuedAt;
  private boolean tokenUsed;

  public ClientPin(StateFile state, SecureRandom random) {
    this(state, random, System::nanoTime);
  }

  /** The same, with the clock of the token's usage timer. */
  public ClientPin(StateFile state, SecureRandom random, LongSupplier nanoTime) {
    this.state = state;
    this.random = random;
    this.nanoTime = nanoTime;
    this.keyAgreement = new PinUvAuthProtocol.KeyAgreement(random);
    powerUp();
  }

  /**
   * What happens at power-up (6.5.6 initialize): a new key agreement key, no token in use, and the
   * consecutive-mismatch count back to zero.
   */
  public void powerUp() {
    keyAgreement.regenerate();
    resetToken();
    consecutiveMismatches = 0;
  }

  /**
   * What authenticatorReset (6.6) does to the PIN: deletes it and restores the retries, durably,
   * and starts afresh as at power-up.
   *
   * @throws IOException if the state file cannot be written; nothing changed then
   */
  public void reset() throws IOException {
    state.update(tx -> tx.delete(RECORD_PIN).delete(RECORD_PIN_LENGTH));
    powerUp();
  }

  /** True once a PIN is set (getInfo clientPin true). */
  public boolean isPinSet() {
    return pinHash().isPresent();
  }

  /** The current PIN's length in code points, if a PIN is set and its length is known. */
  public Optional<Integer> pinLength() {
    return state
        .get(RECORD_PIN_LENGTH)
        .filter(r -> r.length == 1 && isPinSet())
        .map(r -> r[0] & 0xFF);
  }

  /** PIN retries left. */
  public int pinRetries() {
    return state
        .get(RECORD_PIN)
        .filter(r -> r.length >= 1)
        .map(r -> r[0] & 0xFF)
        .orElse(MAX_PIN_RETRIES);
  }

  /** The RP ID the current pinUvAuthToken is bound to, if any (6.5.5.7 permissions RP ID). */
  public Optional<String> tokenRpId() {
    return Optional.ofNullable(tokenRpId);
  }

  /**
   * Checks a pinUvAuthParam made with the current pinUvAuthToken, as makeCredential (6.1.2 step
   * 11.1), getAssertion (6.2.2) and the management commands do.
   *
   * @param protocol the request's pinUvAuthProtocol
   * @param message what the platform authenticated (e.g. clientDataHash)
   * @param pinUvAuthParam the request's pinUvAuthParam
   * @param permission the one PERMISSION_* bit the command needs
   * @param rpId the request's RP ID, or null for commands without one; the first use binds a token
   *     obtained without rpId to it
   * @return CTAP2_OK, CTAP1_ERR_INVALID_PARAMETER for an unknown protocol, otherwise
   *     CTAP2_ERR_PIN_AUTH_INVALID
   */
  public CtapStatus checkToken(
      int protocol, byte[] message, byte[] pinUvAuthParam, int permission, String rpId) {
    PinUvAuthProtocol p = PinUvAuthProtocol.fromVersion(protocol);
    if (p == null) {
      return CtapStatus.CTAP1_ERR_INVALID_PARAMETER;
    }
    if (tokenProtocol != null && tokenExpired()) {
      log.debug("pinUvAuthToken expired (usage timer)");
      resetToken();
    }
    if (tokenProtocol != p || message == null || pinUvAuthParam == null) {
      return CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID;
    }
    if (!p.verify(token, message, pinUvAuthParam)) {
      return CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID;
    }
    if ((tokenPermissions & permission) == 0 || permission == 0) {
      return CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID;
    }
    if (rpId != null) {
      if (tokenRpId == null) {
        tokenRpId = rpId;
      } else if (!tokenRpId.equals(rpId)) {
        return CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID;
      }
    }
    tokenUsed = true;
    return CtapStatus.CTAP2_OK;
  }

  /** The usage timer (6.5.2.1): unused past the initial limit, or past the maximum period. */
  private boolean tokenExpired() {
    long age = nanoTime.getAsLong() - tokenIssuedAt;
    return age > TOKEN_MAX_USAGE_PERIOD_NANOS
        || (!tokenUsed && age > TOKEN_INITIAL_USAGE_LIMIT_NANOS);
  }

  /**
   * clearUserPresentFlag(), clearUserVerifiedFlag() and clearPinUvAuthTokenPermissionsExceptLbw()
   * (CTAP 2.1, 6.5.5.7), which makeCredential (6.1.2 step 14) and getAssertion (6.2.2 step 9) call
   * once they have user presence: the token in use keeps only its lbw permission, so one token
   * serves one makeCredential or getAssertion. A no-op without a token in use.
   */
  public void consumeUserPresence() {
    tokenPermissions &= PERMISSION_LBW;
  }

  /**
   * The shared secret of a platform key agreement sent with an extension rather than a clientPIN
   * subcommand (hmac-secret, CTAP 2.1 12.5): protocol {@code p}'s decapsulate(peerCoseKey) with
   * this key's key agreement key.
   *
   * @throws CtapException CTAP1_ERR_INVALID_PARAMETER if {@code peerCoseKey} is not a P-256
   *     COSE_Key on the curve
   */
  public byte[] sharedSecret(PinUvAuthProtocol p, CBORObject peerCoseKey) {
    try {
      return p.decapsulate(keyAgreement, peerCoseKey);
    } catch (CryptoException e) {
      log.warn("extension keyAgreement refused: {}", e.getMessage());
      throw new CtapException(CtapStatus.CTAP1_ERR_INVALID_PARAMETER, "keyAgreement");
    }
  }

  /**
   * Processes one authenticatorClientPIN request.
   *
   * @param parameters the CBOR parameters (the request without its command byte)
   * @return the status byte followed by the CBOR response, if any
   */
  public byte[] handle(byte[] parameters) {
    int sub = -1;
    try {
      Request request = Request.decode(parameters);
      sub = request.subCommand;
      CBORObject response =
          switch (sub) {
            case SUB_GET_PIN_RETRIES -> getPinRetries();
            case SUB_GET_KEY_AGREEMENT -> getKeyAgreement(request);
            case SUB_SET_PIN -> setPin(request);
            case SUB_CHANGE_PIN -> changePin(request);
            case SUB_GET_PIN_TOKEN -> getPinToken(request);
            case SUB_GET_PIN_UV_AUTH_TOKEN_USING_PIN_WITH_PERMISSIONS ->
                getTokenWithPermissions(request);
            default -> throw new PinError(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND);
          };
      log.debug("CTAP2 CLIENT_PIN subcommand 0x{} -> CTAP2_OK", hex(sub));
      if (response == null) {
        return CtapStatus.CTAP2_OK.response();
      }
      byte[] body = CtapCbor.encode(response);
      byte[] out = new byte[1 + body.length];
      System.arraycopy(body, 0, out, 1, body.length);
      return out;
    } catch (PinError e) {
      log.debug("CTAP2 CLIENT_PIN subcommand 0x{} -> {}", hex(sub), e.status);
      return e.status.response();
    }
  }

  // ------------------------------------------------------------------ subcommands

  private CBORObject getPinRetries() {
    CBORObject map = CBORObject.NewMap();
    map.Add(RESP_PIN_RETRIES, pinRetries());
    map.Add(RESP_POWER_CYCLE_STATE, authBlocked());
    return map;
  }

  private CBORObject getKeyAgreement(Request request) {
    request.protocol();
    CBORObject map = CBORObject.NewMap();
    map.Add(RESP_KEY_AGREEMENT, keyAgreement.publicKey());
    return map;
  }

  /** setPIN (6.5.5.5). */
  private CBORObject setPin(Request request) {
    request.require(
        request.keyAgreement, request.pinUvAuthParam, request.newPinEnc, request.protocolValue);
    PinUvAuthProtocol p = request.protocol();
    if (isPinSet()) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    }
    byte[] shared = decapsulate(p, request);
    if (!p.verify(shared, request.newPinEnc, request.pinUvAuthParam)) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    }
    writeNewPin(newPin(p, shared, request.newPinEnc));
    log.info("FIDO PIN set");
    return null;
  }

  /** changePIN (6.5.5.6). */
  private CBORObject changePin(Request request) {
    request.require(
        request.keyAgreement,
        request.pinHashEnc,
        request.newPinEnc,
        request.pinUvAuthParam,
        request.protocolValue);
    PinUvAuthProtocol p = request.protocol();
    requirePinUsable();
    byte[] shared = decapsulate(p, request);
    byte[] authenticated = Bytes.concat(request.newPinEnc, request.pinHashEnc);
    if (!p.verify(shared, authenticated, request.pinUvAuthParam)) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    }
    comparePinHash(p, shared, request.pinHashEnc);
    writeNewPin(newPin(p, shared, request.newPinEnc));
    resetToken();
    log.info("FIDO PIN changed");
    return null;
  }

  /** getPinToken (6.5.5.7.1): a token with the mc and ga permissions and no RP ID. */
  private CBORObject getPinToken(Request request) {
    request.require(request.keyAgreement, request.pinHashEnc, request.protocolValue);
    PinUvAuthProtocol p = request.protocol();
    if (request.permissions != null || request.rpId != null) {
      throw new PinError(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
    }
    return issueToken(p, request, PERMISSION_MC | PERMISSION_GA, null);
  }

  /** getPinUvAuthTokenUsingPinWithPermissions (6.5.5.7.2). */
  private CBORObject getTokenWithPermissions(Request request) {
    request.require(
        request.keyAgreement, request.pinHashEnc, request.permissions, request.protocolValue);
    PinUvAuthProtocol p = request.protocol();
    long permissions = request.permissions;
    if (permissions == 0) {
      throw new PinError(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
    }
    if ((permissions & ~(long) GRANTABLE_PERMISSIONS) != 0) {
      throw new PinError(CtapStatus.CTAP2_ERR_UNAUTHORIZED_PERMISSION);
    }
    return issueToken(p, request, (int) permissions, request.rpId);
  }

  private CBORObject issueToken(
      PinUvAuthProtocol p, Request request, int permissions, String rpId) {
    requirePinUsable();
    byte[] shared = decapsulate(p, request);
    comparePinHash(p, shared, request.pinHashEnc);
    if (FidoSettings.load(state).forcePinChange()) { // 6.5.5.7.1 and 6.5.5.7.2
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION);
    }
    resetToken();
    tokenProtocol = p;
    tokenPermissions = permissions;
    tokenRpId = rpId;
    tokenIssuedAt = nanoTime.getAsLong();
    CBORObject map = CBORObject.NewMap();
    map.Add(RESP_PIN_UV_AUTH_TOKEN, p.encrypt(shared, token, random));
    return map;
  }

  // ------------------------------------------------------------------ helpers

  /** PIN_NOT_SET, PIN_BLOCKED or PIN_AUTH_BLOCKED before any PIN comparison. */
  private void requirePinUsable() {
    if (!isPinSet()) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_NOT_SET);
    }
    if (pinRetries() == 0) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_BLOCKED);
    }
    if (authBlocked()) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_AUTH_BLOCKED);
    }
  }

  private byte[] decapsulate(PinUvAuthProtocol p, Request request) {
    try {
      return p.decapsulate(keyAgreement, request.keyAgreement);
    } catch (CryptoException e) {
      log.warn("CLIENT_PIN: keyAgreement refused: {}", e.getMessage());
      throw new PinError(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
    }
  }

  /**
   * Spends one retry durably, then compares decrypt(pinHashEnc) with the stored hash (6.5.5.6 and
   * 6.5.5.7). A mismatch regenerates the key agreement key and answers PIN_BLOCKED when no retry is
   * left, PIN_AUTH_BLOCKED at the third consecutive mismatch, PIN_INVALID otherwise.
   */
  private void comparePinHash(PinUvAuthProtocol p, byte[] shared, byte[] pinHashEnc) {
    byte[] stored = pinHash().orElseThrow();
    int retries = pinRetries() - 1;
    writePin(retries, stored);
    byte[] presented = p.decrypt(shared, pinHashEnc);
    if (presented != null
        && presented.length == PIN_HASH_LENGTH
        && MessageDigest.isEqual(presented, stored)) {
      consecutiveMismatches = 0;
      writePin(MAX_PIN_RETRIES, stored);
      return;
    }
    consecutiveMismatches++;
    keyAgreement.regenerate();
    log.info("FIDO PIN mismatch, {} retries left", retries);
    if (retries == 0) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_BLOCKED);
    }
    if (authBlocked()) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_AUTH_BLOCKED);
    }
    throw new PinError(CtapStatus.CTAP2_ERR_PIN_INVALID);
  }

  /** A new PIN as stored: LEFT(SHA-256(newPin), 16) and its length in code points. */
  private record NewPin(byte[] hash, int codePoints) {}

  /** Decrypts newPinEnc and applies the PIN policy (6.5.5.5, minimum from {@link FidoSettings}). */
  private NewPin newPin(PinUvAuthProtocol p, byte[] shared, byte[] newPinEnc) {
    byte[] padded = p.decrypt(shared, newPinEnc);
    if (padded == null) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    }
    if (padded.length != PADDED_PIN_LENGTH) {
      throw new PinError(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
    }
    int length = padded.length;
    while (length > 0 && padded[length - 1] == 0) {
      length--;
    }
    if (length > MAX_PIN_BYTES) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION);
    }
    byte[] pin = Arrays.copyOf(padded, length);
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(pin))
              .toString();
    } catch (CharacterCodingException e) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION);
    }
    int codePoints = text.codePointCount(0, text.length());
    if (codePoints < FidoSettings.load(state).minPinLength()) {
      throw new PinError(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION);
    }
    return new NewPin(Arrays.copyOf(Digests.sha256(pin), PIN_HASH_LENGTH), codePoints);
  }

  /** Stores a new PIN with full retries and its length, and clears forcePINChange, atomically. */
  private void writeNewPin(NewPin pin) {
    byte[] record = new byte[1 + pin.hash().length];
    record[0] = (byte) MAX_PIN_RETRIES;
    System.arraycopy(pin.hash(), 0, record, 1, pin.hash().length);
    FidoSettings settings = FidoSettings.load(state);
    try {
      state.update(
          tx -> {
            tx.put(RECORD_PIN, record).put(RECORD_PIN_LENGTH, new byte[] {(byte) pin.codePoints()});
            if (settings.forcePinChange()) {
              settings.withForcePinChange(false).store(tx);
            }
          });
    } catch (IOException e) {
      log.warn("CLIENT_PIN: cannot write the state file: {}", e.getMessage());
      throw new PinError(CtapStatus.CTAP1_ERR_OTHER);
    }
  }

  private boolean authBlocked() {
    return consecutiveMismatches >= MAX_CONSECUTIVE_MISMATCHES;
  }

  private Optional<byte[]> pinHash() {
    return state
        .get(RECORD_PIN)
        .filter(r -> r.length == 1 + PIN_HASH_LENGTH)
        .map(r -> Arrays.copyOfRange(r, 1, r.length));
  }

  private void writePin(int retries, byte[] hash) {
    byte[] record = new byte[1 + hash.length];
    record[0] = (byte) retries;
    System.arraycopy(hash, 0, record, 1, hash.length);
    try {
      state.update(tx -> tx.put(RECORD_PIN, record));
    } catch (IOException e) {
      log.warn("CLIENT_PIN: cannot write the state file: {}", e.getMessage());
      throw new PinError(CtapStatus.CTAP1_ERR_OTHER);
    }
  }

  /** resetPinUvAuthToken (6.5.6) for both protocols: a fresh random token, not in use. */
  private void resetToken() {
    random.nextBytes(token);
    tokenProtocol = null;
    tokenPermissions = 0;
    tokenRpId = null;
    tokenUsed = false;
  }

  private static String hex(int value) {
    return value < 0 ? "??" : String.format("%02X", value);
  }

  /** A clientPIN failure with the status the spec gives it; caught in {@link #handle}. */
  private static final class PinError extends RuntimeException {
    final CtapStatus status;

    PinError(CtapStatus status) {
      super(status.name(), null, false, false);
      this.status = status;
    }
  }

  /** The request's parameters, each checked for its CBOR type (6.5.5.1). */
  private static final class Request {
    Long protocolValue;
    int subCommand;
    CBORObject keyAgreement;
    byte[] pinUvAuthParam;
    byte[] newPinEnc;
    byte[] pinHashEnc;
    Long permissions;
    String rpId;

    static Request decode(byte[] parameters) {
      if (parameters.length == 0) {
        throw new PinError(CtapStatus.CTAP2_ERR_MISSING_PARAMETER);
      }
      CBORObject map;
      try {
        map = CtapCbor.decodeCanonical(parameters);
      } catch (IllegalArgumentException e) {
        throw new PinError(CtapStatus.CTAP2_ERR_INVALID_CBOR);
      }
      if (map.getType() != CBORType.Map) {
        throw new PinError(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
      }
      Request r = new Request();
      r.protocolValue = unsigned(map, KEY_PIN_UV_AUTH_PROTOCOL);
      Long sub = unsigned(map, KEY_SUB_COMMAND);
      r.keyAgreement = member(map, KEY_KEY_AGREEMENT, CBORType.Map);
      r.pinUvAuthParam = bytes(map, KEY_PIN_UV_AUTH_PARAM);
      r.newPinEnc = bytes(map, KEY_NEW_PIN_ENC);
      r.pinHashEnc = bytes(map, KEY_PIN_HASH_ENC);
      r.permissions = unsigned(map, KEY_PERMISSIONS);
      CBORObject rp = member(map, KEY_RP_ID, CBORType.TextString);
      r.rpId = rp == null ? null : rp.AsString();
      if (sub == null) {
        throw new PinError(CtapStatus.CTAP2_ERR_MISSING_PARAMETER);
      }
      r.subCommand = sub > 0xFF ? 0xFF : sub.intValue();
      return r;
    }

    /** The requested protocol: MISSING_PARAMETER if absent, INVALID_PARAMETER if unknown. */
    PinUvAuthProtocol protocol() {
      if (protocolValue == null) {
        throw new PinError(CtapStatus.CTAP2_ERR_MISSING_PARAMETER);
      }
      PinUvAuthProtocol p = PinUvAuthProtocol.fromVersion(protocolValue);
      if (p == null) {
        throw new PinError(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
      }
      return p;
    }

    void require(Object... values) {
      for (Object value : values) {
        if (value == null) {
          throw new PinError(CtapStatus.CTAP2_ERR_MISSING_PARAMETER);
        }
      }
    }

    private static CBORObject member(CBORObject map, int key, CBORType type) {
      CBORObject value = map.GetOrDefault(key, null);
      if (value != null && value.getType() != type) {
        throw new PinError(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
      }
      return value;
    }

    private static Long unsigned(CBORObject map, int key) {
      CBORObject value = member(map, key, CBORType.Integer);
      if (value == null) {
        return null;
      }
      if (value.AsNumber().IsNegative()) {
        throw new PinError(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
      }
      return value.CanValueFitInInt64() ? value.AsInt64Value() : Long.MAX_VALUE;
    }

    private static byte[] bytes(CBORObject map, int key) {
      CBORObject value = member(map, key, CBORType.ByteString);
      return value == null ? null : value.GetByteString();
    }
  }
}
