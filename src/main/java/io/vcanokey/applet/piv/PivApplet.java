package io.vcanokey.applet.piv;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.core.apdu.Applet;
import io.vcanokey.core.apdu.BerTlv;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.CryptoException;
import io.vcanokey.platform.UserPresence;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PIV Card Application (NIST SP 800-73-4 part 2, card command interface, section 3) with the
 * YubiKey extensions that ykman, yubico-piv-tool and OpenSC rely on (Yubico, "PIV" and the YubiKey
 * SDK's PIV APDU pages), AID A0 00 00 03 08. See the package documentation for the commands, the
 * access rules, the storage format and where this applet departs from the reference key and from a
 * YubiKey.
 *
 * <p>Session state only: whether this session verified the PIN (and whether that verification is
 * still unused by a PIN-always key), whether it authenticated with the management key, a pending
 * management-key challenge or witness, and when each slot was last touched for a cached touch
 * policy. Everything else is read from the state file on every command.
 */
public final class PivApplet implements Applet {

  private static final Logger log = LoggerFactory.getLogger(PivApplet.class);

  /**
   * The PIV RID and PIX prefix (SP 800-73-4 part 1, 2.2); SELECT by this prefix or the full AID.
   */
  static final byte[] AID = {(byte) 0xA0, 0x00, 0x00, 0x03, 0x08};

  /**
   * The application property template answered by SELECT (SP 800-73-4 part 2, 3.1.1, table 3), as
   * the reference key and YubiKeys send it.
   */
  static final byte[] APPLICATION_PROPERTY_TEMPLATE =
      Hex.decode(
          "6111" // application property template
              + "4F06000010000100" // application identifier: PIX and version
              + "79074F05A000000308"); // coexistent tag allocation authority: the NIST RID

  // Instructions: SP 800-73-4 part 2, section 3 (table 5), and the Yubico extensions.
  static final int INS_GET_DATA = 0xCB;
  static final int INS_VERIFY = 0x20;
  static final int INS_CHANGE_REFERENCE_DATA = 0x24;
  static final int INS_RESET_RETRY_COUNTER = 0x2C;
  static final int INS_GENERAL_AUTHENTICATE = 0x87;
  static final int INS_PUT_DATA = 0xDB;
  static final int INS_GENERATE_ASYMMETRIC_KEY_PAIR = 0x47;
  static final int INS_MOVE_KEY = 0xF6;
  static final int INS_GET_METADATA = 0xF7;
  static final int INS_GET_SERIAL = 0xF8;
  static final int INS_ATTEST = 0xF9;
  static final int INS_SET_PIN_RETRIES = 0xFA;
  static final int INS_RESET = 0xFB;
  static final int INS_GET_VERSION = 0xFD;
  static final int INS_IMPORT_ASYMMETRIC_KEY = 0xFE;
  static final int INS_SET_MANAGEMENT_KEY = 0xFF;

  static final int CLA_ISO = 0x00;

  /** GET DATA's tag list for printed information, 5FC109. */
  private static final byte[] PRINTED_INFORMATION_TAG_LIST = Hex.decode("5C035FC109");

  /** The management key's key reference (SP 800-73-4 part 1, table 4b). */
  static final int KEY_MANAGEMENT_KEY = 0x9B;

  /** GET DATA and PUT DATA P1-P2 (SP 800-73-4 part 2, 3.1.2 and 3.3.1). */
  static final int P1P2_DATA = 0x3FFF;

  /** VERIFY P1 FF: reset the PIN's security status (SP 800-73-4 part 2, 3.2.1). */
  static final int P1_VERIFY_RESET = 0xFF;

  /** SET MANAGEMENT KEY P1-P2 (Yubico): FF FF without touch, FF FE with touch required. */
  static final int P1P2_SET_MANAGEMENT_KEY = 0xFFFF;

  static final int P1P2_SET_MANAGEMENT_KEY_TOUCH = 0xFFFE;

  /** MOVE KEY P1 FF: delete the key in P2 (Yubico, firmware 5.7). */
  static final int P1_DELETE_KEY = 0xFF;

  // Data object tags (SP 800-73-4 part 2, 3.1.2, 3.2.4 and 3.3.2).
  static final int TAG_TAG_LIST = 0x5C;
  static final int TAG_DATA = 0x53;
  static final int TAG_DYNAMIC_AUTHENTICATION_TEMPLATE = 0x7C;
  static final int TAG_WITNESS = 0x80;
  static final int TAG_CHALLENGE = 0x81;
  static final int TAG_RESPONSE = 0x82;
  static final int TAG_EXPONENTIATION = 0x85;
  static final int TAG_CONTROL_REFERENCE_TEMPLATE = 0xAC;
  static final int TAG_ALGORITHM = 0x80;
  static final int TAG_PIN_POLICY = 0xAA;
  static final int TAG_TOUCH_POLICY = 0xAB;
  static final int TAG_PUBLIC_KEY = 0x7F49;

  // IMPORT ASYMMETRIC KEY tags (Yubico).
  static final int TAG_RSA_P = 0x01;
  static final int TAG_RSA_Q = 0x02;
  static final int TAG_RSA_DP = 0x03;
  static final int TAG_RSA_DQ = 0x04;
  static final int TAG_RSA_QINV = 0x05;
  static final int TAG_EC_PRIVATE = 0x06;
  static final int TAG_ED25519_PRIVATE = 0x07;
  static final int TAG_X25519_PRIVATE = 0x08;

  // GET METADATA tags (Yubico, firmware 5.3).
  static final int TAG_METADATA_ALGORITHM = 0x01;
  static final int TAG_METADATA_POLICY = 0x02;
  static final int TAG_METADATA_ORIGIN = 0x03;
  static final int TAG_METADATA_PUBLIC_KEY = 0x04;
  static final int TAG_METADATA_IS_DEFAULT = 0x05;
  static final int TAG_METADATA_RETRIES = 0x06;

  /** GET METADATA algorithm of the PIN and PUK (Yubico): FF, "not a key". */
  static final int METADATA_ALGORITHM_PIN = 0xFF;

  /** The firmware version ykman gates features on: 5.7.0 (metadata, AES management keys). */
  static final byte[] VERSION = {0x05, 0x07, 0x00};

  /** RSA keys are generated and imported with e = 65537, as YubiKeys do. */
  static final BigInteger RSA_EXPONENT = BigInteger.valueOf(65537);

  /** The longest hash an ECDSA signature takes: SHA-512; longer input is refused. */
  static final int MAX_ECDSA_INPUT = 64;

  static final long TOUCH_CACHE_NANOS = KeyPolicy.TOUCH_CACHE_SECONDS * 1_000_000_000L;

  private final AppletContext context;
  private final PivStore store;
  private final UserPresence presence;
  private final LongSupplier nanoClock;
  private final Attestation attestation;

  // Session state.
  private boolean pinVerified;
  private boolean pinUnused;
  private boolean managementAuthenticated;
  private Pending pending;
  private final long[] lastTouch = new long[PivSlot.values().length];
  private final boolean[] touched = new boolean[PivSlot.values().length];

  /** A management-key challenge or witness waiting for the host's answer. */
  private record Pending(boolean witness, byte[] value) {}

  public PivApplet(AppletContext context) {
    this(context, System::nanoTime);
  }

  PivApplet(AppletContext context, LongSupplier nanoClock) {
    this.context = context;
    this.store = new PivStore(context.state());
    this.presence = context.presence();
    this.nanoClock = nanoClock;
    this.attestation = new Attestation(store, context.random());
  }

  @Override
  public byte[] aid() {
    return AID.clone();
  }

  @Override
  public String name() {
    return "PIV";
  }

  /**
   * Key import, a new management key, and PUT DATA of printed information (ykman keeps a
   * PIN-protected management key there). Any PUT DATA whose data does not start with another
   * container's tag list is withheld too.
   */
  @Override
  public boolean carriesSecret(CommandApdu command) {
    return switch (command.ins()) {
      case INS_IMPORT_ASYMMETRIC_KEY, INS_SET_MANAGEMENT_KEY -> true;
      case INS_PUT_DATA -> !startsWithPublicTagList(command.data());
      default -> false;
    };
  }

  /**
   * Private-key results (a deciphered key, an ECDH secret) and printed information, where ykman
   * keeps a PIN-protected management key.
   */
  @Override
  public boolean answerCarriesSecret(CommandApdu command) {
    return switch (command.ins()) {
      case INS_GENERAL_AUTHENTICATE -> command.p2() != KEY_MANAGEMENT_KEY;
      case INS_GET_DATA -> Arrays.equals(command.data(), PRINTED_INFORMATION_TAG_LIST);
      default -> false;
    };
  }

  private static boolean startsWithPublicTagList(byte[] data) {
    if (data.length < 5 || data[0] != TAG_TAG_LIST || data[1] != 3) {
      return data.length > 0 && (data[0] & 0xFF) == 0x7F; // BIT group template 7F61
    }
    int tag = (data[2] & 0xFF) << 16 | (data[3] & 0xFF) << 8 | (data[4] & 0xFF);
    return tag != DataObject.PRINTED_INFORMATION.tag;
  }

  @Override
  public ResponseApdu select(CommandApdu select) {
    deselect();
    return ResponseApdu.success(APPLICATION_PROPERTY_TEMPLATE.clone());
  }

  @Override
  public void deselect() {
    pinVerified = false;
    pinUnused = false;
    managementAuthenticated = false;
    pending = null;
    Arrays.fill(touched, false);
  }

  @Override
  public ResponseApdu process(CommandApdu command) {
    if (command.cla() != CLA_ISO) {
      throw new StatusException(StatusWords.SW_CLA_NOT_SUPPORTED);
    }
    int ins = command.ins();
    if (ins != INS_GENERAL_AUTHENTICATE) {
      // A challenge or witness is good for the very next command only (SP 800-73-4 part 2, A.1).
      pending = null;
    }
    return switch (ins) {
      case INS_GET_DATA -> getData(command);
      case INS_PUT_DATA -> putData(command);
      case INS_VERIFY -> verify(command);
      case INS_CHANGE_REFERENCE_DATA -> changeReferenceData(command);
      case INS_RESET_RETRY_COUNTER -> resetRetryCounter(command);
      case INS_GENERAL_AUTHENTICATE -> generalAuthenticate(command);
      case INS_GENERATE_ASYMMETRIC_KEY_PAIR -> generate(command);
      case INS_GET_VERSION -> getVersion(command);
      case INS_GET_SERIAL -> getSerial(command);
      case INS_GET_METADATA -> getMetadata(command);
      case INS_SET_MANAGEMENT_KEY -> setManagementKey(command);
      case INS_IMPORT_ASYMMETRIC_KEY -> importKey(command);
      case INS_RESET -> reset(command);
      case INS_SET_PIN_RETRIES -> setPinRetries(command);
      case INS_ATTEST -> attest(command);
      case INS_MOVE_KEY -> moveKey(command);
      default -> throw new StatusException(StatusWords.SW_INS_NOT_SUPPORTED);
    };
  }

  // ---- Data objects ----------------------------------------------------------------------------

  /**
   * GET DATA (SP 800-73-4 part 2, 3.1.2): data 5C with the container's tag (1 byte 7E, 2 bytes
   * 7F61, 3 bytes otherwise). Answers the container in 53 (7E and 7F61 in their own tag); 6A82 when
   * it is empty or unknown; 6982 for a PIN-protected container before VERIFY.
   */
  private ResponseApdu getData(CommandApdu command) {
    requireP1P2(command, P1P2_DATA);
    BerTlv.Element list = BerTlv.decodeSingle(command.data());
    if (list.tag() != TAG_TAG_LIST) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    int tag = objectTag(list.value());
    DataObject object =
        DataObject.fromTag(tag)
            .orElseThrow(() -> new StatusException(StatusWords.SW_FILE_NOT_FOUND));
    if (object.pinProtected && !pinVerified) {
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }

    byte[] value;
    if (object == DataObject.DISCOVERY_OBJECT) {
      value = DataObject.DISCOVERY_VALUE;
    } else {
      if (object == DataObject.YUBICO_ATTESTATION_CERTIFICATE) {
        attestation.provision();
      }
      value =
          store
              .get(PivStore.dataObject(tag))
              .orElseThrow(() -> new StatusException(StatusWords.SW_FILE_NOT_FOUND));
    }
    return ResponseApdu.success(BerTlv.encode(object.responseTag(), value));
  }

  /**
   * PUT DATA (SP 800-73-4 part 2, 3.3.1), after management-key authentication: 5C tag list then 53
   * with the new content (an empty 53 deletes the container), or 7F61 for the BIT group template.
   * The discovery object is fixed (6A81); a value larger than the container answers 6A84.
   */
  private ResponseApdu putData(CommandApdu command) {
    requireP1P2(command, P1P2_DATA);
    requireManagementKey();
    byte[] data = command.data();
    List<BerTlv.Element> elements = BerTlv.decodeAll(data);

    DataObject object;
    int tag;
    byte[] value;
    if (elements.size() == 1 && elements.get(0).tag() == DataObject.DISCOVERY_OBJECT.tag) {
      throw new StatusException(StatusWords.SW_FUNCTION_NOT_SUPPORTED);
    } else if (elements.size() == 1
        && elements.get(0).tag() == DataObject.BIOMETRIC_INFORMATION_TEMPLATES_GROUP_TEMPLATE.tag) {
      object = DataObject.BIOMETRIC_INFORMATION_TEMPLATES_GROUP_TEMPLATE;
      tag = object.tag;
      value = elements.get(0).value();
    } else if (elements.size() == 2
        && elements.get(0).tag() == TAG_TAG_LIST
        && elements.get(1).tag() == TAG_DATA) {
      tag = objectTag(elements.get(0).value());
      object =
          DataObject.fromTag(tag).orElseThrow(() -> new StatusException(StatusWords.SW_WRONG_DATA));
      if (object == DataObject.DISCOVERY_OBJECT) {
        throw new StatusException(StatusWords.SW_FUNCTION_NOT_SUPPORTED);
      }
      if (object == DataObject.BIOMETRIC_INFORMATION_TEMPLATES_GROUP_TEMPLATE) {
        throw new StatusException(StatusWords.SW_WRONG_DATA); // written in its own tag 7F61
      }
      value = elements.get(1).value();
    } else {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    if (value.length > object.maxLength) {
      throw new StatusException(StatusWords.SW_NOT_ENOUGH_MEMORY);
    }

    String record = PivStore.dataObject(tag);
    store.update(
        tx -> {
          if (value.length == 0) {
            tx.delete(record);
          } else {
            tx.put(record, value);
          }
        });
    log.debug("PIV PUT DATA {} ({} bytes)", String.format("%X", tag), value.length);
    return ResponseApdu.success();
  }

  /** The tag in a tag list 5C: 7E, 7F61, or a three-byte 5Fxxxx tag; 6A80 for anything else. */
  private static int objectTag(byte[] list) {
    if (list.length == 1 && (list[0] & 0xFF) == DataObject.DISCOVERY_OBJECT.tag) {
      return DataObject.DISCOVERY_OBJECT.tag;
    }
    if (list.length == 2
        && ((list[0] & 0xFF) << 8 | (list[1] & 0xFF))
            == DataObject.BIOMETRIC_INFORMATION_TEMPLATES_GROUP_TEMPLATE.tag) {
      return DataObject.BIOMETRIC_INFORMATION_TEMPLATES_GROUP_TEMPLATE.tag;
    }
    if (list.length == 3 && (list[0] & 0xFF) == 0x5F) {
      return (list[0] & 0xFF) << 16 | (list[1] & 0xFF) << 8 | (list[2] & 0xFF);
    }
    throw new StatusException(StatusWords.SW_WRONG_DATA);
  }

  // ---- PIN and PUK -----------------------------------------------------------------------------

  /**
   * VERIFY (SP 800-73-4 part 2, 3.2.1) of the PIN (80): an 8-byte PIN; no data asks for the status
   * (9000 when verified, otherwise 63CX); P1 FF with no data resets the security status.
   */
  private ResponseApdu verify(CommandApdu command) {
    if (command.p1() != 0x00 && command.p1() != P1_VERIFY_RESET) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    if (command.p2() != PivPin.PIN.reference) {
      // 00 (global PIN) is not offered; the PUK is never verified on its own (part 2, 3.2.1).
      throw new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND);
    }
    byte[] data = command.data();

    if (command.p1() == P1_VERIFY_RESET) {
      if (data.length != 0) {
        throw new StatusException(StatusWords.SW_WRONG_LENGTH);
      }
      pinVerified = false;
      pinUnused = false;
      return ResponseApdu.success();
    }
    if (data.length == 0) {
      if (pinVerified) {
        return ResponseApdu.success();
      }
      int left = PivPin.PIN.retries(store);
      if (left == 0) {
        throw new StatusException(StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
      }
      throw PivPin.wrong(left);
    }
    if (data.length != PivPin.LENGTH) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }

    pinVerified = false;
    pinUnused = false;
    if (!PivPin.PIN.check(store, data)) {
      log.debug("PIV: wrong PIN");
      throw PivPin.wrong(PivPin.PIN.retries(store));
    }
    pinVerified = true;
    pinUnused = true;
    return ResponseApdu.success();
  }

  /**
   * CHANGE REFERENCE DATA (SP 800-73-4 part 2, 3.2.2) of the PIN (80) or PUK (81): old value and
   * new value, 8 bytes each. The new value must be 6 to 8 characters padded with FF (6A80).
   */
  private ResponseApdu changeReferenceData(CommandApdu command) {
    if (command.p1() != 0x00) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    PivPin pin =
        switch (command.p2()) {
          case 0x80 -> PivPin.PIN;
          case 0x81 -> PivPin.PUK;
          default -> throw new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND);
        };
    byte[] data = command.data();
    if (data.length != 2 * PivPin.LENGTH) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    byte[] current = Arrays.copyOfRange(data, 0, PivPin.LENGTH);
    byte[] next = Arrays.copyOfRange(data, PivPin.LENGTH, data.length);

    if (pin == PivPin.PIN) {
      pinVerified = false;
      pinUnused = false;
    }
    if (!pin.check(store, current)) {
      throw PivPin.wrong(pin.retries(store));
    }
    if (!PivPin.wellFormed(next)) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    store.update(tx -> pin.set(store, tx, next));
    log.info("PIV: {} changed", pin);
    return ResponseApdu.success();
  }

  /**
   * RESET RETRY COUNTER (SP 800-73-4 part 2, 3.2.3) of the PIN (80): PUK and new PIN, 8 bytes each.
   */
  private ResponseApdu resetRetryCounter(CommandApdu command) {
    if (command.p1() != 0x00) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    if (command.p2() != PivPin.PIN.reference) {
      throw new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND);
    }
    byte[] data = command.data();
    if (data.length != 2 * PivPin.LENGTH) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    byte[] puk = Arrays.copyOfRange(data, 0, PivPin.LENGTH);
    byte[] next = Arrays.copyOfRange(data, PivPin.LENGTH, data.length);

    pinVerified = false;
    pinUnused = false;
    if (!PivPin.PUK.check(store, puk)) {
      throw PivPin.wrong(PivPin.PUK.retries(store));
    }
    if (!PivPin.wellFormed(next)) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    store.update(tx -> PivPin.PIN.set(store, tx, next));
    log.info("PIV: PIN unblocked with the PUK");
    return ResponseApdu.success();
  }

  // ---- GENERAL AUTHENTICATE ---------------------------------------------------------------------

  /**
   * GENERAL AUTHENTICATE (SP 800-73-4 part 2, 3.2.4 and appendix A): P1 the algorithm, P2 the key.
   * With the management key 9B: challenge (81 empty, then 82), witness (80 empty, then 80 alone)
   * and mutual authentication (80 with 81). With an asymmetric key: signature or RSA decryption (81
   * with an empty 82) and key agreement (85 with an empty 82).
   */
  private ResponseApdu generalAuthenticate(CommandApdu command) {
    Pending waiting = pending;
    pending = null;
    if (command.p2() == KEY_MANAGEMENT_KEY) {
      return authenticateManagementKey(command, waiting);
    }
    PivSlot slot =
        PivSlot.fromReference(command.p2())
            .filter(s -> s != PivSlot.ATTESTATION)
            .orElseThrow(() -> new StatusException(StatusWords.SW_INCORRECT_P1P2));
    AuthenticationTemplate template = AuthenticationTemplate.decode(command.data());
    // YubiKeys answer 6A80 for an empty slot and for P1 naming another algorithm (yubikit treats
    // both as "this key does not match"); SP 800-73-4 names no status for either.
    KeyRecord key = loadKey(slot).orElseThrow(() -> new StatusException(StatusWords.SW_WRONG_DATA));
    if (command.p1() != key.algorithm().id) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }

    CardKey cardKey = key.key();
    // Ed25519 signs any message, the empty one included (RFC 8032, 5.1.6).
    boolean sign =
        (AuthenticationTemplate.full(template.challenge())
                || (cardKey.type().isEdwards() && template.challenge() != null))
            && AuthenticationTemplate.empty(template.response())
            && template.witness() == null
            && template.exponent() == null;
    boolean agree =
        AuthenticationTemplate.full(template.exponent())
            && AuthenticationTemplate.empty(template.response())
            && template.witness() == null
            && template.challenge() == null;
    if (sign && cardKey.type().isMontgomery()) {
      throw new StatusException(StatusWords.SW_WRONG_DATA); // X25519 only agrees
    }
    if (agree && !(cardKey.type().isWeierstrass() || cardKey.type().isMontgomery())) {
      throw new StatusException(StatusWords.SW_WRONG_DATA); // RSA and Ed25519 cannot agree
    }
    if (!sign && !agree) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    byte[] input = sign ? template.challenge() : template.exponent();
    checkInput(cardKey, sign, input);

    requirePin(key);
    requireTouch(slot, key.touchPolicy(), sign ? "signature" : "key agreement");
    byte[] result;
    try {
      result = sign ? privateOperation(cardKey, input) : cardKey.agree(input);
    } catch (CryptoException e) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    log.debug("PIV: {} with key {}", sign ? "private operation" : "key agreement", slot.label());
    return ResponseApdu.success(
        BerTlv.encode(TAG_DYNAMIC_AUTHENTICATION_TEMPLATE, BerTlv.encode(TAG_RESPONSE, result)));
  }

  /**
   * Input forms: RSA exactly the modulus length; ECDSA a hash of 1 to 64 bytes; ECDH a point on the
   * curve (X25519: 32 bytes).
   */
  private static void checkInput(CardKey key, boolean sign, byte[] input) {
    if (!sign) {
      // Before the PIN and touch checks: a malformed point must not use up a PIN-always
      // verification or ask the user to touch for a request that fails anyway.
      try {
        key.checkPeer(input);
      } catch (CryptoException e) {
        throw new StatusException(StatusWords.SW_WRONG_DATA);
      }
      return;
    }
    if (key.type().isRsa() && input.length != key.type().coordinateLength()) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    if (key.type().isWeierstrass() && input.length > MAX_ECDSA_INPUT) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
  }

  /**
   * RSA: the raw private-key operation on a modulus-sized block (the host pads, SP 800-73-4 part 2,
   * A.4). ECDSA: the DER signature (SEQUENCE of r and s, SP 800-73-4 part 2, 3.2.4) over the hash,
   * truncated to the order's length when longer (FIPS 186-4, 6.4). Ed25519: the signature of the
   * whole message, as YubiKey firmware 5.7 does.
   */
  private static byte[] privateOperation(CardKey key, byte[] input) {
    if (key.type().isRsa()) {
      return key.rsaRaw(input);
    }
    if (key.type().isEdwards()) {
      return key.signEd25519(input);
    }
    return key.signEcdsaDer(input);
  }

  /**
   * Management-key authentication (SP 800-73-4 part 2, appendix A.1 and A.2; Yubico "Authenticate:
   * management key"). A request starts a fresh exchange and drops any earlier authentication; the
   * answer must come in the very next command. All values are one cipher block.
   */
  private ResponseApdu authenticateManagementKey(CommandApdu command, Pending waiting) {
    ManagementKey key = ManagementKey.load(store);
    if (command.p1() != key.algorithm().id) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    AuthenticationTemplate t = AuthenticationTemplate.decode(command.data());
    int block = key.algorithm().blockSize;

    if (AuthenticationTemplate.empty(t.challenge())
        && t.witness() == null
        && t.response() == null
        && t.exponent() == null) {
      // External authentication, step 1: the card's challenge in clear.
      managementAuthenticated = false;
      byte[] challenge = random(block);
      pending = new Pending(false, challenge);
      return ResponseApdu.success(templateOf(TAG_CHALLENGE, challenge));
    }
    if (AuthenticationTemplate.empty(t.witness())
        && t.challenge() == null
        && t.response() == null
        && t.exponent() == null) {
      // Mutual authentication, step 1: a random witness, encrypted.
      managementAuthenticated = false;
      byte[] witness = random(block);
      pending = new Pending(true, witness);
      return ResponseApdu.success(templateOf(TAG_WITNESS, key.encrypt(witness)));
    }
    if (AuthenticationTemplate.full(t.response())
        && t.witness() == null
        && t.challenge() == null
        && t.exponent() == null) {
      // External authentication, step 2: the challenge encrypted by the host.
      if (waiting == null || waiting.witness()) {
        throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
      }
      if (t.response().length != block) {
        throw new StatusException(StatusWords.SW_WRONG_DATA);
      }
      boolean match = MessageDigest.isEqual(key.encrypt(waiting.value()), t.response());
      grantManagement(key, match);
      return ResponseApdu.success();
    }
    if (AuthenticationTemplate.full(t.witness())
        && (t.challenge() == null || AuthenticationTemplate.full(t.challenge()))
        && (t.response() == null || AuthenticationTemplate.empty(t.response()))
        && t.exponent() == null) {
      // Mutual authentication, step 2: the decrypted witness, and the host's own challenge.
      if (waiting == null || !waiting.witness()) {
        throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
      }
      if (t.witness().length != block || (t.challenge() != null && t.challenge().length != block)) {
        throw new StatusException(StatusWords.SW_WRONG_DATA);
      }
      boolean match = MessageDigest.isEqual(waiting.value(), t.witness());
      grantManagement(key, match);
      if (t.challenge() == null) {
        return ResponseApdu.success();
      }
      return ResponseApdu.success(templateOf(TAG_RESPONSE, key.encrypt(t.challenge())));
    }
    throw new StatusException(StatusWords.SW_WRONG_DATA);
  }

  private void grantManagement(ManagementKey key, boolean match) {
    if (!match) {
      log.debug("PIV: management key authentication failed");
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    if (key.touchPolicy() == KeyPolicy.TOUCH_ALWAYS
        && !presence.confirm("PIV management key authentication")) {
      log.debug("PIV: touch for the management key refused");
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    managementAuthenticated = true;
  }

  private static byte[] templateOf(int tag, byte[] value) {
    return BerTlv.encode(TAG_DYNAMIC_AUTHENTICATION_TEMPLATE, BerTlv.encode(tag, value));
  }

  // ---- Keys ------------------------------------------------------------------------------------

  /**
   * GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 part 2, 3.3.2), after management-key authentication:
   * P2 the slot; data AC with 80 the algorithm and Yubico's AA PIN policy and AB touch policy.
   * Answers the public key in 7F49.
   */
  private ResponseApdu generate(CommandApdu command) {
    if (command.p1() != 0x00) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    PivSlot slot = slotOf(command.p2());
    requireManagementKey();
    BerTlv.Element template = BerTlv.decodeSingle(command.data());
    if (template.tag() != TAG_CONTROL_REFERENCE_TEMPLATE) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    byte[] algorithmId = null;
    Policies policies = new Policies();
    for (BerTlv.Element e : BerTlv.decodeAll(template.value())) {
      if (e.tag() == TAG_ALGORITHM && algorithmId == null) {
        algorithmId = e.value();
      } else if (!policies.accept(e)) {
        throw new StatusException(StatusWords.SW_WRONG_DATA);
      }
    }
    if (algorithmId == null || algorithmId.length != 1) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    PivAlgorithm algorithm =
        PivAlgorithm.fromId(algorithmId[0] & 0xFF)
            .filter(a -> a.generatable)
            .orElseThrow(() -> new StatusException(StatusWords.SW_WRONG_DATA));

    CardKey cardKey = CardKey.generate(algorithm.type, context.random());
    KeyRecord key = policies.record(slot, algorithm, KeyRecord.ORIGIN_GENERATED, cardKey);
    storeKey(slot, key);
    log.info("PIV: {} key generated in slot {}", algorithm, slot.label());
    return ResponseApdu.success(BerTlv.encode(TAG_PUBLIC_KEY, key.publicKeyObjects()));
  }

  /** The optional policies AA and AB of GENERATE and IMPORT, each at most once. */
  private static final class Policies {
    int pin = KeyPolicy.DEFAULT;
    int touch = KeyPolicy.DEFAULT;
    private final Set<Integer> seen = new HashSet<>();

    /** Takes AA or AB; false for any other tag, a repeated one or a bad value. */
    boolean accept(BerTlv.Element e) {
      if ((e.tag() != TAG_PIN_POLICY && e.tag() != TAG_TOUCH_POLICY)
          || !seen.add(e.tag())
          || e.length() != 1) {
        return false;
      }
      int value = e.value()[0] & 0xFF;
      if (e.tag() == TAG_PIN_POLICY) {
        pin = value;
        return KeyPolicy.validPin(value);
      }
      touch = value;
      return KeyPolicy.validTouch(value);
    }

    KeyRecord record(PivSlot slot, PivAlgorithm algorithm, int origin, CardKey key) {
      int pinPolicy = pin == KeyPolicy.DEFAULT ? slot.defaultPinPolicy : pin;
      int touchPolicy = touch == KeyPolicy.DEFAULT ? KeyPolicy.TOUCH_NEVER : touch;
      return new KeyRecord(algorithm, pinPolicy, touchPolicy, origin, key);
    }
  }

  /**
   * IMPORT ASYMMETRIC KEY (Yubico), after management-key authentication: P1 the algorithm, P2 the
   * slot; RSA as 01 p, 02 q, 03 dp, 04 dq, 05 qInv with e = 65537; ECC as 06 the private scalar;
   * Ed25519 as 07 and X25519 as 08 the 32-byte private key (06 taken too); then AA and AB.
   */
  private ResponseApdu importKey(CommandApdu command) {
    PivAlgorithm algorithm =
        PivAlgorithm.fromId(command.p1())
            .orElseThrow(() -> new StatusException(StatusWords.SW_INCORRECT_P1P2));
    PivSlot slot = slotOf(command.p2());
    requireManagementKey();

    byte[][] parts = new byte[9][];
    Policies policies = new Policies();
    for (BerTlv.Element e : BerTlv.decodeAll(command.data())) {
      if (e.tag() >= TAG_RSA_P && e.tag() <= TAG_X25519_PRIVATE) {
        if (parts[e.tag()] != null) {
          throw new StatusException(StatusWords.SW_WRONG_DATA);
        }
        parts[e.tag()] = e.value();
      } else if (!policies.accept(e)) {
        throw new StatusException(StatusWords.SW_WRONG_DATA);
      }
    }

    CardKey cardKey;
    try {
      cardKey = KeyImport.key(algorithm, parts);
    } catch (CryptoException e) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    } finally {
      for (byte[] part : parts) {
        if (part != null) {
          Arrays.fill(part, (byte) 0);
        }
      }
    }
    storeKey(slot, policies.record(slot, algorithm, KeyRecord.ORIGIN_IMPORTED, cardKey));
    log.info("PIV: {} key imported into slot {}", algorithm, slot.label());
    return ResponseApdu.success();
  }

  private void storeKey(PivSlot slot, KeyRecord key) {
    byte[] encoded = key.encode();
    try {
      store.update(tx -> tx.put(PivStore.key(slot.reference), encoded));
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
    touched[slot.ordinal()] = false;
  }

  Optional<KeyRecord> loadKey(PivSlot slot) {
    return store.get(PivStore.key(slot.reference)).flatMap(KeyRecord::decode);
  }

  /** MOVE KEY (Yubico, firmware 5.7): P1 the destination slot or FF to delete, P2 the source. */
  private ResponseApdu moveKey(CommandApdu command) {
    PivSlot from = slotOf(command.p2());
    Optional<PivSlot> to =
        command.p1() == P1_DELETE_KEY ? Optional.empty() : Optional.of(slotOf(command.p1()));
    if (from == PivSlot.ATTESTATION || to.filter(s -> s == PivSlot.ATTESTATION).isPresent()) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    if (command.nc() != 0) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    requireManagementKey();
    String source = PivStore.key(from.reference);
    byte[] stored =
        store
            .get(source)
            .orElseThrow(() -> new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND));

    if (to.isEmpty()) {
      store.update(tx -> tx.delete(source));
      log.info("PIV: key in slot {} deleted", from.label());
    } else {
      // The destination must be empty (Yubico, MoveKey): a key moved onto itself is refused too.
      String target = PivStore.key(to.get().reference);
      if (store.get(target).isPresent()) {
        throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
      }
      store.update(tx -> tx.delete(source).put(target, stored));
      touched[to.get().ordinal()] = false;
      log.info("PIV: key moved from slot {} to {}", from.label(), to.get().label());
    }
    Arrays.fill(stored, (byte) 0);
    touched[from.ordinal()] = false;
    return ResponseApdu.success();
  }

  /** A key slot by reference: 9A, 9C, 9D, 9E, 82 to 95, F9; 6A86 for anything else (9B too). */
  private static PivSlot slotOf(int reference) {
    return PivSlot.fromReference(reference)
        .orElseThrow(() -> new StatusException(StatusWords.SW_INCORRECT_P1P2));
  }

  // ---- Yubico extensions -----------------------------------------------------------------------

  /** GET VERSION (Yubico): 05 07 00. */
  private ResponseApdu getVersion(CommandApdu command) {
    requireP1P2(command, 0x0000);
    requireNoData(command);
    return ResponseApdu.success(VERSION);
  }

  /** GET SERIAL (Yubico): the key's 4-byte serial number, big-endian. */
  private ResponseApdu getSerial(CommandApdu command) {
    requireP1P2(command, 0x0000);
    requireNoData(command);
    byte[] serial =
        store
            .get(PivStore.SERIAL_NUMBER)
            .filter(v -> v.length == 4)
            .orElseThrow(() -> new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND));
    return ResponseApdu.success(serial);
  }

  /**
   * GET METADATA (Yubico, firmware 5.3): P2 the PIN 80, PUK 81, management key 9B or a key slot. An
   * empty slot answers 6A88.
   */
  private ResponseApdu getMetadata(CommandApdu command) {
    if (command.p1() != 0x00) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    requireNoData(command);
    BerTlv.Writer out = new BerTlv.Writer();
    int p2 = command.p2();
    if (p2 == PivPin.PIN.reference || p2 == PivPin.PUK.reference) {
      PivPin pin = p2 == PivPin.PIN.reference ? PivPin.PIN : PivPin.PUK;
      // Yubico, "Get metadata", table 1: the PIN and PUK have no policy element.
      out.put(TAG_METADATA_ALGORITHM, METADATA_ALGORITHM_PIN)
          .put(TAG_METADATA_IS_DEFAULT, pin.isDefault(store) ? 1 : 0)
          .put(
              TAG_METADATA_RETRIES,
              new byte[] {(byte) pin.totalRetries(store), (byte) pin.retries(store)});
      return ResponseApdu.success(out.toByteArray());
    }
    if (p2 == KEY_MANAGEMENT_KEY) {
      ManagementKey key = ManagementKey.load(store);
      out.put(TAG_METADATA_ALGORITHM, key.algorithm().id)
          .put(TAG_METADATA_POLICY, new byte[] {KeyPolicy.PIN_NEVER, (byte) key.touchPolicy()})
          .put(TAG_METADATA_IS_DEFAULT, key.isFactory() ? 1 : 0);
      return ResponseApdu.success(out.toByteArray());
    }
    PivSlot slot = slotOf(p2);
    if (slot == PivSlot.ATTESTATION) {
      attestation.provision();
    }
    KeyRecord key =
        loadKey(slot)
            .orElseThrow(() -> new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND));
    out.put(TAG_METADATA_ALGORITHM, key.algorithm().id)
        .put(TAG_METADATA_POLICY, new byte[] {(byte) key.pinPolicy(), (byte) key.touchPolicy()})
        .put(TAG_METADATA_ORIGIN, key.origin())
        .put(TAG_METADATA_PUBLIC_KEY, key.publicKeyObjects());
    return ResponseApdu.success(out.toByteArray());
  }

  /**
   * SET MANAGEMENT KEY (Yubico), after management-key authentication: P1-P2 FF FF, or FF FE to
   * require a touch for every later authentication; data the algorithm, then 9B with the key.
   */
  private ResponseApdu setManagementKey(CommandApdu command) {
    int p1p2 = command.p1() << 8 | command.p2();
    if (p1p2 != P1P2_SET_MANAGEMENT_KEY && p1p2 != P1P2_SET_MANAGEMENT_KEY_TOUCH) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    requireManagementKey();
    byte[] data = command.data();
    if (data.length < 1) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    ManagementKey.Algorithm algorithm =
        ManagementKey.Algorithm.fromId(data[0] & 0xFF)
            .orElseThrow(() -> new StatusException(StatusWords.SW_WRONG_DATA));
    BerTlv.Element key = BerTlv.decodeSingle(Arrays.copyOfRange(data, 1, data.length));
    if (key.tag() != KEY_MANAGEMENT_KEY || key.length() != algorithm.keyLength) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }

    int touch =
        p1p2 == P1P2_SET_MANAGEMENT_KEY_TOUCH ? KeyPolicy.TOUCH_ALWAYS : KeyPolicy.TOUCH_NEVER;
    ManagementKey next = new ManagementKey(algorithm, touch, key.value());
    byte[] encoded = next.encode();
    store.update(tx -> tx.put(PivStore.MANAGEMENT_KEY, encoded));
    Arrays.fill(encoded, (byte) 0);
    log.info("PIV: management key changed ({})", algorithm);
    return ResponseApdu.success();
  }

  /**
   * RESET (Yubico): only when both the PIN and the PUK are blocked (6985 otherwise). Deletes every
   * PIV record but the attestation key and certificate, as a YubiKey keeps slot F9.
   */
  private ResponseApdu reset(CommandApdu command) {
    requireP1P2(command, 0x0000);
    requireNoData(command);
    if (!PivPin.PIN.blocked(store) || !PivPin.PUK.blocked(store)) {
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    String keepKey = PivStore.key(PivSlot.ATTESTATION.reference);
    String keepCertificate = PivStore.dataObject(PivSlot.ATTESTATION.certificateTag);
    store.update(
        tx -> {
          for (String name : store.names()) {
            if (!name.equals(keepKey) && !name.equals(keepCertificate)) {
              tx.delete(name);
            }
          }
        });
    deselect();
    log.info("PIV: reset to factory state");
    return ResponseApdu.success();
  }

  /**
   * SET PIN RETRIES (Yubico), after management-key authentication and PIN verification: P1 the
   * PIN's tries, P2 the PUK's (1 to 255 each). Puts the PIN and PUK back to their defaults, as a
   * YubiKey does.
   */
  private ResponseApdu setPinRetries(CommandApdu command) {
    int pinTries = command.p1();
    int pukTries = command.p2();
    if (pinTries == 0 || pukTries == 0) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    requireNoData(command);
    requireManagementKey();
    if (!pinVerified) {
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    store.update(
        tx -> {
          PivPin.PIN.reset(tx, pinTries);
          PivPin.PUK.reset(tx, pukTries);
        });
    pinVerified = false;
    pinUnused = false;
    log.info("PIV: PIN tries {} and PUK tries {}; both back to defaults", pinTries, pukTries);
    return ResponseApdu.success();
  }

  /** ATTEST (Yubico, firmware 4.3): P1 the slot of a generated key; answers a DER certificate. */
  private ResponseApdu attest(CommandApdu command) {
    if (command.p2() != 0x00) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    PivSlot slot = slotOf(command.p1());
    if (slot == PivSlot.ATTESTATION) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    requireNoData(command);
    // Only keys made on the card can be vouched for (Yubico, "PIV attestation"). A YubiKey answers
    // 6A80 for an imported key or an empty slot (yubikit: "make sure that key is generated").
    KeyRecord key =
        loadKey(slot)
            .filter(k -> k.origin() == KeyRecord.ORIGIN_GENERATED)
            .orElseThrow(() -> new StatusException(StatusWords.SW_WRONG_DATA));
    byte[] serial =
        store.get(PivStore.SERIAL_NUMBER).filter(v -> v.length == 4).orElse(new byte[4]);
    return ResponseApdu.success(attestation.certify(slot, key, serial, VERSION));
  }

  // ---- Access checks ---------------------------------------------------------------------------

  private void requireManagementKey() {
    if (!managementAuthenticated) {
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
  }

  /** The key's PIN policy: once needs a verified PIN; always one not yet used by such a key. */
  private void requirePin(KeyRecord key) {
    switch (key.pinPolicy()) {
      case KeyPolicy.PIN_ONCE -> {
        if (!pinVerified) {
          throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
        }
      }
      case KeyPolicy.PIN_ALWAYS -> {
        if (!pinVerified || !pinUnused) {
          throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
        }
        pinUnused = false;
      }
      default -> {}
    }
  }

  /**
   * The key's touch policy, through the user-presence service: always asks each time; cached asks
   * unless this session touched for the slot within {@value KeyPolicy#TOUCH_CACHE_SECONDS} s. A
   * refusal answers 6982, as a YubiKey does when the touch times out.
   */
  private void requireTouch(PivSlot slot, int policy, String purpose) {
    if (policy == KeyPolicy.TOUCH_NEVER) {
      return;
    }
    int i = slot.ordinal();
    long now = nanoClock.getAsLong();
    if (policy == KeyPolicy.TOUCH_CACHED && touched[i] && now - lastTouch[i] < TOUCH_CACHE_NANOS) {
      return;
    }
    if (!presence.confirm("PIV " + purpose + " with the key in slot " + slot.label())) {
      log.debug("PIV: touch for slot {} refused", slot.label());
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    touched[i] = true;
    lastTouch[i] = nanoClock.getAsLong();
  }

  private static void requireP1P2(CommandApdu command, int p1p2) {
    if ((command.p1() << 8 | command.p2()) != p1p2) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
  }

  private static void requireNoData(CommandApdu command) {
    if (command.nc() != 0) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
  }

  private byte[] random(int length) {
    byte[] out = new byte[length];
    context.random().nextBytes(out);
    return out;
  }

  /** Session state, for tests. */
  boolean pinVerified() {
    return pinVerified;
  }

  boolean managementAuthenticated() {
    return managementAuthenticated;
  }
}
