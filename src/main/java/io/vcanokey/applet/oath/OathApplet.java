package io.vcanokey.applet.oath;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.core.apdu.Applet;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.platform.UserPresence;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OATH applet: HOTP (RFC 4226) and TOTP (RFC 6238) credentials behind Yubico's YKOATH protocol,
 * AID A0 00 00 05 27 21 01, as ykman 4.0.9 ({@code yubikit/oath.py}) speaks it and as the reference
 * key answers it (canokey-core inventory, section 6). See the package documentation for the
 * commands, the storage format and where this applet follows YKOATH rather than the reference.
 *
 * <p>Session state only: whether this session has passed VALIDATE, and the challenge its last
 * SELECT issued. Everything else is read from the state file on every command.
 */
public final class OathApplet implements Applet {

  private static final Logger log = LoggerFactory.getLogger(OathApplet.class);

  /** YKOATH application identifier (Yubico RID A0 00 00 05 27, PIX 21 01). */
  static final byte[] AID = {(byte) 0xA0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01};

  // YKOATH instructions.
  static final int INS_PUT = 0x01;
  static final int INS_DELETE = 0x02;
  static final int INS_SET_CODE = 0x03;
  static final int INS_RESET = 0x04;
  static final int INS_RENAME = 0x05;
  static final int INS_LIST = 0xA1;
  static final int INS_CALCULATE = 0xA2;
  static final int INS_VALIDATE = 0xA3;
  static final int INS_CALCULATE_ALL = 0xA4;
  static final int INS_SEND_REMAINING = 0xA5;

  // YKOATH tags.
  static final int TAG_NAME = 0x71;
  static final int TAG_NAME_LIST = 0x72;
  static final int TAG_KEY = 0x73;
  static final int TAG_CHALLENGE = 0x74;
  static final int TAG_RESPONSE = 0x75;
  static final int TAG_TRUNCATED_RESPONSE = 0x76;
  static final int TAG_HOTP = 0x77;
  static final int TAG_VERSION = 0x79;
  static final int TAG_ALGORITHM = 0x7B;
  static final int TAG_TOUCH = 0x7C;

  /**
   * SELECT tag 79: version 6.0.0, as the reference key reports (inventory, section 6). ykman gates
   * RENAME on 5.3.1, touch on 4.2.6 and SHA-512 on 4.3.1, treats 4.4.x as FIPS and applies work-
   * arounds only to 4.x, so 6.0.0 unlocks every feature with no workaround.
   */
  static final byte[] VERSION = {0x06, 0x00, 0x00};

  static final int CLA_YKOATH = 0x00;

  /** RESET takes P1 DE, P2 AD (ykman {@code OathSession.reset}). */
  static final int P1_RESET = 0xDE;

  static final int P2_RESET = 0xAD;

  /** CALCULATE and CALCULATE ALL, P2: 00 full response, 01 truncated. */
  static final int P2_FULL = 0x00;

  static final int P2_TRUNCATED = 0x01;

  /** Length of the SELECT challenge and of an increasing-only TOTP challenge (a time step). */
  static final int CHALLENGE_LENGTH = 8;

  /** Longest password key SET CODE accepts (ykman derives 16 bytes with PBKDF2). */
  static final int MAX_PASSWORD_KEY_LENGTH = 64;

  private final OathStore store;
  private final UserPresence presence;
  private final AppletContext context;

  /** Passed VALIDATE, or set the password, in this session since its last SELECT. */
  private boolean validated;

  /** The challenge the last SELECT issued, while a password is set and VALIDATE is pending. */
  private byte[] selectChallenge;

  public OathApplet(AppletContext context) {
    this.context = context;
    this.store = new OathStore(context.state(), context.random());
    this.presence = context.presence();
  }

  @Override
  public byte[] aid() {
    return AID.clone();
  }

  @Override
  public String name() {
    return "OATH";
  }

  @Override
  public OptionalInt sendRemainingIns() {
    return OptionalInt.of(INS_SEND_REMAINING);
  }

  @Override
  public boolean carriesSecret(CommandApdu command) {
    int ins = command.ins();
    return ins == INS_PUT || ins == INS_SET_CODE || ins == INS_VALIDATE;
  }

  /** One-time codes: CALCULATE and CALCULATE ALL. */
  @Override
  public boolean answerCarriesSecret(CommandApdu command) {
    return command.ins() == INS_CALCULATE || command.ins() == INS_CALCULATE_ALL;
  }

  /**
   * SELECT: 79 version, 71 salt (8 bytes, also the device identifier ykman hashes), and when a
   * password is set 74 a fresh 8-byte challenge and 7B the password's algorithm.
   */
  @Override
  public ResponseApdu select(CommandApdu select) {
    deselect();
    byte[] salt = store.salt();

    OathTlv.Writer out = new OathTlv.Writer().put(TAG_VERSION, VERSION).put(TAG_NAME, salt);
    Optional<byte[]> key = store.passwordKey();
    if (key.isPresent()) {
      selectChallenge = new byte[CHALLENGE_LENGTH];
      context.random().nextBytes(selectChallenge);
      out.put(TAG_CHALLENGE, selectChallenge)
          .put(TAG_ALGORITHM, new byte[] {(byte) (key.get()[0] & OathAlgorithm.MASK)});
    }
    return ResponseApdu.success(out.toByteArray());
  }

  @Override
  public void deselect() {
    validated = false;
    selectChallenge = null;
  }

  @Override
  public ResponseApdu process(CommandApdu command) {
    if (command.cla() != CLA_YKOATH) {
      throw new StatusException(StatusWords.SW_CLA_NOT_SUPPORTED);
    }
    int ins = command.ins();
    if (ins != INS_VALIDATE && ins != INS_RESET && ins != INS_SEND_REMAINING && !unlocked()) {
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    byte[] data = command.data();
    return switch (ins) {
      case INS_PUT -> put(command, data);
      case INS_DELETE -> delete(command, data);
      case INS_SET_CODE -> setCode(command, data);
      case INS_RESET -> reset(command);
      case INS_RENAME -> rename(command, data);
      case INS_LIST -> list(command);
      case INS_CALCULATE -> calculate(command, data);
      case INS_VALIDATE -> validate(command, data);
      case INS_CALCULATE_ALL -> calculateAll(command, data);
      // The card OS answers SEND REMAINING while a response is pending; here none is.
      case INS_SEND_REMAINING ->
          throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
      default -> throw new StatusException(StatusWords.SW_INS_NOT_SUPPORTED);
    };
  }

  /** Whether commands other than VALIDATE and RESET may run: no password, or VALIDATE passed. */
  private boolean unlocked() {
    return validated || store.passwordKey().isEmpty();
  }

  /**
   * PUT: stores a credential, replacing one of the same name as YKOATH does (ykman asks "Do you
   * want to overwrite it?" and then sends PUT again). 6A84 when 100 others are stored.
   */
  private ResponseApdu put(CommandApdu command, byte[] data) {
    checkP1P2(command, 0x00, 0x00);
    Credential credential = Credential.decodePut(data);

    boolean replaces = store.find(credential.name()).isPresent();
    if (!replaces && store.count() >= OathStore.MAX_CREDENTIALS) {
      throw new StatusException(StatusWords.SW_NOT_ENOUGH_MEMORY);
    }

    store.put(credential);
    log.debug(
        "OATH PUT {} {} {}",
        credential.type(),
        credential.algorithm(),
        replaces ? "(replaced)" : "");
    return ResponseApdu.success();
  }

  /** DELETE: 71 name; 6984 when no such credential. */
  private ResponseApdu delete(CommandApdu command, byte[] data) {
    checkP1P2(command, 0x00, 0x00);
    OathTlv.Reader reader = new OathTlv.Reader(data);
    byte[] name = reader.read(TAG_NAME);
    reader.expectEnd();
    Credential.checkName(name);

    if (store.find(name).isEmpty()) {
      throw new StatusException(StatusWords.SW_REFERENCE_DATA_NOT_USABLE);
    }
    store.delete(name);
    return ResponseApdu.success();
  }

  /**
   * RENAME: 71 old name, 71 new name; 6984 when the old one is missing, 6985 when the new exists.
   */
  private ResponseApdu rename(CommandApdu command, byte[] data) {
    checkP1P2(command, 0x00, 0x00);
    OathTlv.Reader reader = new OathTlv.Reader(data);
    byte[] oldName = reader.read(TAG_NAME);
    byte[] newName = reader.read(TAG_NAME);
    reader.expectEnd();
    Credential.checkName(oldName);
    Credential.checkName(newName);

    Credential credential =
        store
            .find(oldName)
            .orElseThrow(() -> new StatusException(StatusWords.SW_REFERENCE_DATA_NOT_USABLE));
    if (store.find(newName).isPresent()) {
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    store.rename(credential, newName);
    return ResponseApdu.success();
  }

  /** LIST: one 72 entry per credential, its type-and-algorithm byte then its name. */
  private ResponseApdu list(CommandApdu command) {
    checkP1P2(command, 0x00, 0x00);
    OathTlv.Writer out = new OathTlv.Writer();
    for (Credential credential : store.all()) {
      out.put(TAG_NAME_LIST, credential.typeAndAlgorithm(), credential.name());
    }
    return ResponseApdu.success(out.toByteArray());
  }

  /**
   * CALCULATE: 71 name, 74 challenge (required for TOTP; HOTP ignores it, ykman sends it empty).
   * Answers 76 (digits, 4 truncated bytes) or 75 (digits, whole HMAC) after the touch check and,
   * for HOTP, after the next counter value is durable.
   */
  private ResponseApdu calculate(CommandApdu command, byte[] data) {
    checkP1(command, 0x00);
    boolean truncated = truncatedP2(command);
    OathTlv.Reader reader = new OathTlv.Reader(data);
    byte[] name = reader.read(TAG_NAME);
    byte[] challenge = reader.readOptional(TAG_CHALLENGE);
    reader.expectEnd();
    Credential.checkName(name);

    Credential credential =
        store
            .find(name)
            .orElseThrow(() -> new StatusException(StatusWords.SW_REFERENCE_DATA_NOT_USABLE));
    if (credential.type() == OathType.TOTP && challenge == null) {
      throw OathTlv.wrongSyntax();
    }
    // Checked before the touch, so nobody touches for a challenge that is refused anyway.
    Credential advanced =
        credential.type() == OathType.TOTP
            ? acceptTotpChallenge(credential, challenge)
            : credential;
    if (credential.requiresTouch()
        && !presence.confirm("OATH code for '" + new String(name, StandardCharsets.UTF_8) + "'")) {
      // ykman reads 6982 here as "Touch account timed out!".
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }

    byte[] message;
    if (credential.type() == OathType.HOTP) {
      message = hotpMessageAndAdvance(credential);
    } else {
      if (advanced != credential) {
        store.put(advanced);
      }
      message = challenge;
    }

    byte[] mac = credential.algorithm().mac(credential.secret(), message);
    return ResponseApdu.success(code(credential, mac, truncated).toByteArray());
  }

  /**
   * CALCULATE ALL: 74 challenge, then per credential 71 name and its code; HOTP credentials answer
   * 77 and touch credentials 7C (digits only), so their codes cost no counter step and no touch.
   */
  private ResponseApdu calculateAll(CommandApdu command, byte[] data) {
    checkP1(command, 0x00);
    boolean truncated = truncatedP2(command);
    OathTlv.Reader reader = new OathTlv.Reader(data);
    byte[] challenge = reader.read(TAG_CHALLENGE);
    reader.expectEnd();

    OathTlv.Writer out = new OathTlv.Writer();
    List<Credential> advanced = new ArrayList<>();
    for (Credential credential : store.all()) {
      out.put(TAG_NAME, credential.name());
      byte[] digits = {(byte) credential.digits()};
      if (credential.type() == OathType.HOTP) {
        out.put(TAG_HOTP, digits);
      } else if (credential.requiresTouch()) {
        out.put(TAG_TOUCH, digits);
      } else {
        Credential next = acceptTotpChallenge(credential, challenge);
        if (next != credential) {
          advanced.add(next);
        }
        byte[] mac = credential.algorithm().mac(credential.secret(), challenge);
        code(credential, mac, truncated, out);
      }
    }

    // Increasing-only challenges are recorded together, and only when every one was accepted.
    if (!advanced.isEmpty()) {
      store.putAll(advanced);
    }
    return ResponseApdu.success(out.toByteArray());
  }

  /**
   * SET CODE: 73 (algorithm byte, key), 74 challenge, 75 HMAC of the challenge under the key, which
   * proves the host holds the key it sets. 73 with no value (ykman {@code unset_key}), or no data
   * at all (the reference key), removes the password. 6984 when the response does not match.
   */
  private ResponseApdu setCode(CommandApdu command, byte[] data) {
    checkP1P2(command, 0x00, 0x00);
    OathTlv.Reader reader = new OathTlv.Reader(data);
    byte[] key = data.length == 0 ? new byte[0] : reader.read(TAG_KEY);
    if (key.length == 0) {
      reader.expectEnd();
      store.removePasswordKey();
      log.info("OATH password removed");
      return ResponseApdu.success();
    }
    byte[] challenge = reader.read(TAG_CHALLENGE);
    byte[] response = reader.read(TAG_RESPONSE);
    reader.expectEnd();
    OathAlgorithm algorithm = OathAlgorithm.fromValue(key[0]).orElseThrow(OathTlv::wrongSyntax);
    byte[] secret = Arrays.copyOfRange(key, 1, key.length);
    if (secret.length == 0 || secret.length > MAX_PASSWORD_KEY_LENGTH || challenge.length == 0) {
      throw OathTlv.wrongSyntax();
    }

    if (!MessageDigest.isEqual(algorithm.mac(secret, challenge), response)) {
      throw new StatusException(StatusWords.SW_REFERENCE_DATA_NOT_USABLE);
    }
    byte[] stored = new byte[1 + secret.length];
    stored[0] = (byte) algorithm.value();
    System.arraycopy(secret, 0, stored, 1, secret.length);
    store.setPasswordKey(stored);
    // The session that set the password stays unlocked until the next SELECT, as on a YubiKey.
    validated = true;
    selectChallenge = null;
    log.info("OATH password set");
    return ResponseApdu.success();
  }

  /**
   * VALIDATE: 75 HMAC of the SELECT challenge under the password key, 74 a host challenge. On a
   * match the session is unlocked and the answer is 75 HMAC of the host challenge, so the host can
   * check the key too. 6984 when no password is set, no challenge is pending, or the response does
   * not match; the challenge stays valid for another try until the next SELECT.
   */
  private ResponseApdu validate(CommandApdu command, byte[] data) {
    checkP1P2(command, 0x00, 0x00);
    OathTlv.Reader reader = new OathTlv.Reader(data);
    byte[] response = reader.read(TAG_RESPONSE);
    byte[] hostChallenge = reader.read(TAG_CHALLENGE);
    reader.expectEnd();

    Optional<byte[]> stored = store.passwordKey();
    if (stored.isEmpty() || selectChallenge == null) {
      throw new StatusException(StatusWords.SW_REFERENCE_DATA_NOT_USABLE);
    }
    OathAlgorithm algorithm =
        OathAlgorithm.fromValue(stored.get()[0])
            .orElseThrow(() -> new StatusException(StatusWords.SW_MEMORY_FAILURE));
    byte[] key = Arrays.copyOfRange(stored.get(), 1, stored.get().length);
    if (!MessageDigest.isEqual(algorithm.mac(key, selectChallenge), response)) {
      throw new StatusException(StatusWords.SW_REFERENCE_DATA_NOT_USABLE);
    }

    validated = true;
    selectChallenge = null;
    byte[] proof = algorithm.mac(key, hostChallenge);
    return ResponseApdu.success(new OathTlv.Writer().put(TAG_RESPONSE, proof).toByteArray());
  }

  /**
   * RESET (P1 DE, P2 AD): deletes every credential and the password and makes a new salt, so the
   * device identifier changes. Allowed without VALIDATE: ykman resets a locked key without asking
   * for its password. The reference key lacks this command.
   */
  private ResponseApdu reset(CommandApdu command) {
    checkP1P2(command, P1_RESET, P2_RESET);
    store.reset();
    deselect();
    log.info("OATH applet reset");
    return ResponseApdu.success();
  }

  /**
   * HOTP: the message is the counter as 8 big-endian bytes (RFC 4226, section 5.2). The code uses
   * the stored counter and the next value is stored first (durable before the response), so the
   * first code of a credential uses its initial moving factor, as ykman's device tests expect.
   */
  private byte[] hotpMessageAndAdvance(Credential credential) {
    long counter = credential.counter();
    if (counter == -1L) {
      // 2^64 - 1 is the last value; a counter never wraps back to codes already used.
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    store.put(credential.withCounter(counter + 1));
    return ByteBuffer.allocate(Long.BYTES).putLong(counter).array();
  }

  /**
   * For an increasing-only TOTP credential, checks that {@code challenge} is an 8-byte time step no
   * smaller than the last one accepted (else 6982) and returns the credential with it recorded; any
   * other credential comes back unchanged.
   */
  private static Credential acceptTotpChallenge(Credential credential, byte[] challenge) {
    if (!credential.increasingOnly()) {
      return credential;
    }
    byte[] last = credential.lastChallenge();
    if (challenge.length != CHALLENGE_LENGTH
        || (last.length == CHALLENGE_LENGTH && Arrays.compareUnsigned(last, challenge) > 0)) {
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    return Arrays.equals(last, challenge) ? credential : credential.withLastChallenge(challenge);
  }

  private static OathTlv.Writer code(Credential credential, byte[] mac, boolean truncated) {
    return code(credential, mac, truncated, new OathTlv.Writer());
  }

  /**
   * Truncated: 76 05, digits, then the 4 bytes of dynamic truncation (RFC 4226, section 5.3) with
   * the top bit cleared; the host reduces them modulo 10^digits. Full: 75, digits, whole HMAC.
   */
  private static OathTlv.Writer code(
      Credential credential, byte[] mac, boolean truncated, OathTlv.Writer out) {
    if (!truncated) {
      return out.put(TAG_RESPONSE, credential.digits(), mac);
    }
    int offset = mac[mac.length - 1] & 0x0F;
    byte[] bytes = Arrays.copyOfRange(mac, offset, offset + 4);
    bytes[0] &= 0x7F;
    return out.put(TAG_TRUNCATED_RESPONSE, credential.digits(), bytes);
  }

  private static boolean truncatedP2(CommandApdu command) {
    if (command.p2() != P2_FULL && command.p2() != P2_TRUNCATED) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    return command.p2() == P2_TRUNCATED;
  }

  private static void checkP1(CommandApdu command, int p1) {
    if (command.p1() != p1) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
  }

  private static void checkP1P2(CommandApdu command, int p1, int p2) {
    if (command.p1() != p1 || command.p2() != p2) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
  }
}
