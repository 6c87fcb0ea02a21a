package io.vcanokey.applet.openpgp;

import static io.vcanokey.applet.openpgp.DataObjects.AID_PREFIX;
import static io.vcanokey.applet.openpgp.DataObjects.DATE_LENGTH;
import static io.vcanokey.applet.openpgp.DataObjects.FINGERPRINT_LENGTH;
import static io.vcanokey.applet.openpgp.DataObjects.MAX_CERTIFICATE_LENGTH;
import static io.vcanokey.applet.openpgp.DataObjects.MAX_CHALLENGE_LENGTH;
import static io.vcanokey.applet.openpgp.DataObjects.MAX_SPECIAL_DO_LENGTH;
import static io.vcanokey.applet.openpgp.DataObjects.ORIGIN_GENERATED;
import static io.vcanokey.applet.openpgp.DataObjects.ORIGIN_IMPORTED;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_AES_KEY;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_CARDHOLDER_CERTIFICATE;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_KDF;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_LANGUAGE;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_LOGIN_DATA;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_NAME;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_PRIVATE_DO_1;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_PRIVATE_DO_2;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_PRIVATE_DO_3;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_PRIVATE_DO_4;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_PW_STATUS;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_RESETTING_CODE;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_SEX;
import static io.vcanokey.applet.openpgp.DataObjects.TAG_URL;
import static io.vcanokey.applet.openpgp.DataObjects.UIF_BUTTON;
import static io.vcanokey.applet.openpgp.DataObjects.UIF_CACHED;
import static io.vcanokey.applet.openpgp.DataObjects.UIF_OFF;
import static io.vcanokey.applet.openpgp.DataObjects.UIF_PERMANENT;
import static io.vcanokey.applet.openpgp.DataObjects.UIF_PERMANENT_CACHED;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.core.apdu.Applet;
import io.vcanokey.core.apdu.BerTlv;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.CryptoException;
import io.vcanokey.core.crypto.KeyType;
import io.vcanokey.platform.UserPresence;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenPGP card application, version 3.4 (Functional Specification of the OpenPGP application on
 * ISO smart card operating systems, version 3.4.1, sections 4 to 7), AID D2 76 00 01 24 01. See the
 * package documentation for the commands, the access rules, the storage format and where this
 * applet departs from the reference key.
 *
 * <p>Session state only: which passwords this session verified, the certificate occurrence SELECT
 * DATA chose and when the user last touched for a cached UIF. Everything else is read from the
 * state file on every command.
 */
public final class OpenPgpApplet implements Applet {

  private static final Logger log = LoggerFactory.getLogger(OpenPgpApplet.class);

  // Instructions (spec 3.4, section 7.1).
  static final int INS_SELECT_DATA = 0xA5;
  static final int INS_GET_DATA = 0xCA;
  static final int INS_GET_NEXT_DATA = 0xCC;
  static final int INS_VERIFY = 0x20;
  static final int INS_CHANGE_REFERENCE_DATA = 0x24;
  static final int INS_RESET_RETRY_COUNTER = 0x2C;
  static final int INS_PUT_DATA = 0xDA;
  static final int INS_PUT_DATA_ODD = 0xDB;
  static final int INS_GENERATE_ASYMMETRIC_KEY_PAIR = 0x47;
  static final int INS_PERFORM_SECURITY_OPERATION = 0x2A;
  static final int INS_INTERNAL_AUTHENTICATE = 0x88;
  static final int INS_GET_CHALLENGE = 0x84;
  static final int INS_TERMINATE_DF = 0xE6;
  static final int INS_ACTIVATE_FILE = 0x44;

  static final int CLA_ISO = 0x00;

  // Password references in P2 (spec 3.4, 7.2.2).
  static final int P2_PW1_SIGN = 0x81;
  static final int P2_PW1_OTHER = 0x82;
  static final int P2_PW3 = 0x83;

  /** VERIFY P1 FF: reset the access status of the password (spec 3.4, 7.2.2). */
  static final int P1_VERIFY_RESET = 0xFF;

  /** RESET RETRY COUNTER P1: 00 with the resetting code, 02 after PW3 (spec 3.4, 7.2.4). */
  static final int P1_RESET_WITH_CODE = 0x00;

  static final int P1_RESET_AFTER_PW3 = 0x02;

  // PSO P1-P2 (spec 3.4, 7.2.10 to 7.2.12).
  static final int PSO_COMPUTE_DIGITAL_SIGNATURE = 0x9E9A;
  static final int PSO_DECIPHER = 0x8086;
  static final int PSO_ENCIPHER = 0x8680;

  /** GENERATE P1: 80 generate a key pair, 81 read the public key (spec 3.4, 7.2.14). */
  static final int P1_GENERATE = 0x80;

  static final int P1_READ_PUBLIC_KEY = 0x81;

  // Key import and public key tags (spec 3.4, 4.4.3.12 and 7.2.14).
  static final int TAG_EXTENDED_HEADER_LIST = 0x4D;
  static final int TAG_PRIVATE_KEY_TEMPLATE = 0x7F48;
  static final int TAG_PRIVATE_KEY_DATA = 0x5F48;
  static final int TAG_PUBLIC_KEY = 0x7F49;
  static final int TAG_RSA_MODULUS = 0x81;
  static final int TAG_RSA_EXPONENT = 0x82;
  static final int TAG_EC_PUBLIC_KEY = 0x86;
  static final int TAG_CIPHER = 0xA6;
  static final int TAG_KEY_REFERENCE = 0x84;
  static final int P1P2_KEY_IMPORT = 0x3FFF;

  /** Padding indicators of PSO DECIPHER (spec 3.4, 7.2.11). */
  static final int PADDING_RSA = 0x00;

  static final int PADDING_AES = 0x02;

  static final int AES_BLOCK = 16;

  /** SELECT DATA (spec 3.4, 7.2.5): P2 04 and the tag list 60 04 5C 02 7F 21. */
  static final int P2_SELECT_DATA = 0x04;

  static final byte[] SELECT_DATA_CERTIFICATE = {0x60, 0x04, 0x5C, 0x02, 0x7F, 0x21};

  /** The same without the 60 wrapper, as some GnuPG 2.2 releases sent it. */
  static final byte[] SELECT_DATA_CERTIFICATE_BARE = {0x5C, 0x02, 0x7F, 0x21};

  static final int CERTIFICATE_OCCURRENCES = 3;

  /** How long one touch covers a key whose UIF is "cached" (spec 3.4, 4.1.3.6). */
  static final long UIF_CACHE_NANOS = 15_000_000_000L;

  /** Signing input limit for RSA: 40 % of the modulus length (spec 3.4, 7.2.10). */
  static final int RSA_DIGEST_INFO_PERCENT = 40;

  static final int SIGNATURE_COUNTER_MAX = 0xFFFFFF;

  private final AppletContext context;
  private final PgpStore store;
  private final DataObjects objects;
  private final UserPresence presence;
  private final LongSupplier nanoClock;

  // Session state.
  private boolean pw1Sign;
  private boolean pw1Other;
  private boolean pw3;
  private int certificateOccurrence;
  private final long[] lastTouch = new long[KeySlot.values().length];
  private final boolean[] touched = new boolean[KeySlot.values().length];

  public OpenPgpApplet(AppletContext context) {
    this(context, System::nanoTime);
  }

  OpenPgpApplet(AppletContext context, LongSupplier nanoClock) {
    this.context = context;
    this.store = new PgpStore(context.state());
    this.objects = new DataObjects(store);
    this.presence = context.presence();
    this.nanoClock = nanoClock;
  }

  @Override
  public byte[] aid() {
    return AID_PREFIX.clone();
  }

  @Override
  public String name() {
    return "OpenPGP";
  }

  @Override
  public boolean carriesSecret(CommandApdu command) {
    if (command.ins() == INS_PUT_DATA_ODD) {
      return true;
    }
    if (command.ins() != INS_PUT_DATA) {
      return false;
    }
    int tag = command.p1() << 8 | command.p2();
    return tag == TAG_RESETTING_CODE
        || tag == TAG_AES_KEY
        || tag == TAG_KDF
        || (tag >= TAG_PRIVATE_DO_1 && tag <= TAG_PRIVATE_DO_4);
  }

  /** Deciphered session keys, and private DOs 3 and 4, which hosts use for their own secrets. */
  @Override
  public boolean answerCarriesSecret(CommandApdu command) {
    int p1p2 = command.p1() << 8 | command.p2();
    return switch (command.ins()) {
      case INS_PERFORM_SECURITY_OPERATION -> p1p2 == PSO_DECIPHER;
      case INS_GET_DATA -> p1p2 == TAG_PRIVATE_DO_3 || p1p2 == TAG_PRIVATE_DO_4;
      default -> false;
    };
  }

  /**
   * SELECT: no FCI. In the terminated state the application is selected all the same and answers
   * 6285 (spec 3.4, 7.2.16), so that ACTIVATE FILE can follow.
   */
  @Override
  public ResponseApdu select(CommandApdu select) {
    deselect();
    if (store.terminated()) {
      return ResponseApdu.of(StatusWords.SW_SELECTED_FILE_TERMINATED);
    }
    return ResponseApdu.success();
  }

  @Override
  public void deselect() {
    pw1Sign = false;
    pw1Other = false;
    pw3 = false;
    certificateOccurrence = 0;
    Arrays.fill(touched, false);
  }

  @Override
  public ResponseApdu process(CommandApdu command) {
    if (command.cla() != CLA_ISO) {
      throw new StatusException(StatusWords.SW_CLA_NOT_SUPPORTED);
    }
    int ins = command.ins();
    if (store.terminated() && ins != INS_ACTIVATE_FILE) {
      throw new StatusException(StatusWords.SW_SELECTED_FILE_TERMINATED);
    }
    return switch (ins) {
      case INS_SELECT_DATA -> selectData(command);
      case INS_GET_DATA -> getData(command);
      case INS_GET_NEXT_DATA -> getNextData(command);
      case INS_VERIFY -> verify(command);
      case INS_CHANGE_REFERENCE_DATA -> changeReferenceData(command);
      case INS_RESET_RETRY_COUNTER -> resetRetryCounter(command);
      case INS_PUT_DATA -> putData(command);
      case INS_PUT_DATA_ODD -> importKey(command);
      case INS_GENERATE_ASYMMETRIC_KEY_PAIR -> generate(command);
      case INS_PERFORM_SECURITY_OPERATION -> performSecurityOperation(command);
      case INS_INTERNAL_AUTHENTICATE -> internalAuthenticate(command);
      case INS_GET_CHALLENGE -> getChallenge(command);
      case INS_TERMINATE_DF -> terminate(command);
      case INS_ACTIVATE_FILE -> activate(command);
      default -> throw new StatusException(StatusWords.SW_INS_NOT_SUPPORTED);
    };
  }

  // ---- Data objects -------------------------------------------------------------------------

  /** SELECT DATA (spec 3.4, 7.2.5): chooses the cardholder certificate occurrence 0 to 2. */
  private ResponseApdu selectData(CommandApdu command) {
    if (command.p1() >= CERTIFICATE_OCCURRENCES || command.p2() != P2_SELECT_DATA) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    byte[] data = command.data();
    if (!Arrays.equals(data, SELECT_DATA_CERTIFICATE)
        && !Arrays.equals(data, SELECT_DATA_CERTIFICATE_BARE)) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    certificateOccurrence = command.p1();
    return ResponseApdu.success();
  }

  /** GET DATA (spec 3.4, 7.2.6): P1-P2 is the tag. */
  private ResponseApdu getData(CommandApdu command) {
    if (command.nc() != 0) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    int tag = command.p1() << 8 | command.p2();
    if (tag == TAG_CARDHOLDER_CERTIFICATE) {
      return ResponseApdu.success(store.getOrEmpty(PgpStore.certificate(certificateOccurrence)));
    }
    if (tag == TAG_PRIVATE_DO_3 || tag == TAG_PRIVATE_DO_4) {
      // Spec 3.4, 4.4.1: DO 0103 is read after PW1 (82), DO 0104 after PW3.
      require(tag == TAG_PRIVATE_DO_3 ? pw1Other : pw3);
      return ResponseApdu.success(store.getOrEmpty(PgpStore.dataObject(tag)));
    }
    return ResponseApdu.success(
        objects
            .publicObject(tag)
            .orElseThrow(() -> new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND)));
  }

  /** GET NEXT DATA (spec 3.4, 7.2.7): the next cardholder certificate occurrence. */
  private ResponseApdu getNextData(CommandApdu command) {
    int tag = command.p1() << 8 | command.p2();
    if (tag != TAG_CARDHOLDER_CERTIFICATE) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    if (command.nc() != 0) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    if (certificateOccurrence + 1 >= CERTIFICATE_OCCURRENCES) {
      throw new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND);
    }
    certificateOccurrence++;
    return ResponseApdu.success(store.getOrEmpty(PgpStore.certificate(certificateOccurrence)));
  }

  /** PUT DATA (spec 3.4, 7.2.8), with the access rules of 4.4.1. */
  private ResponseApdu putData(CommandApdu command) {
    int tag = command.p1() << 8 | command.p2();
    byte[] value = command.data();

    if (tag == TAG_PRIVATE_DO_1 || tag == TAG_PRIVATE_DO_3) {
      require(pw1Other);
    } else if (isPutTag(tag)) {
      require(pw3);
    } else {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }

    switch (tag) {
      case TAG_NAME -> putSimple(tag, value, 39);
      case TAG_LOGIN_DATA, TAG_URL -> putSimple(tag, value, MAX_SPECIAL_DO_LENGTH);
      case TAG_LANGUAGE -> putSimple(tag, value, 8);
      case TAG_SEX -> putSex(value);
      case TAG_PRIVATE_DO_1, TAG_PRIVATE_DO_2, TAG_PRIVATE_DO_3, TAG_PRIVATE_DO_4 ->
          putSimple(tag, value, MAX_SPECIAL_DO_LENGTH);
      case TAG_PW_STATUS -> putPwStatus(value);
      case 0x00C1, 0x00C2, 0x00C3 -> putAttributes(slotOf(tag, s -> s.attributesTag), value);
      case 0x00C7, 0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC ->
          putExact(tag, value, FINGERPRINT_LENGTH);
      case 0x00CE, 0x00CF, 0x00D0 -> putExact(tag, value, DATE_LENGTH);
      case TAG_RESETTING_CODE -> putResettingCode(value);
      case TAG_AES_KEY -> putAesKey(value);
      case 0x00D6, 0x00D7, 0x00D8 -> putUif(slotOf(tag, s -> s.uifTag), value);
      case TAG_KDF -> putKdf(value);
      case TAG_CARDHOLDER_CERTIFICATE -> putCertificate(value);
      default -> throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    log.debug("OpenPGP PUT DATA {} ({} bytes)", String.format("%04X", tag), value.length);
    return ResponseApdu.success();
  }

  private static boolean isPutTag(int tag) {
    return switch (tag) {
      case TAG_NAME,
          TAG_LOGIN_DATA,
          TAG_URL,
          TAG_LANGUAGE,
          TAG_SEX,
          TAG_PRIVATE_DO_2,
          TAG_PRIVATE_DO_4,
          TAG_PW_STATUS,
          0x00C1,
          0x00C2,
          0x00C3,
          0x00C7,
          0x00C8,
          0x00C9,
          0x00CA,
          0x00CB,
          0x00CC,
          0x00CE,
          0x00CF,
          0x00D0,
          TAG_RESETTING_CODE,
          TAG_AES_KEY,
          0x00D6,
          0x00D7,
          0x00D8,
          TAG_KDF,
          TAG_CARDHOLDER_CERTIFICATE ->
          true;
      default -> false;
    };
  }

  private static KeySlot slotOf(int tag, java.util.function.ToIntFunction<KeySlot> field) {
    return KeySlot.fromTag(tag, field).orElseThrow();
  }

  private void putSimple(int tag, byte[] value, int maxLength) {
    if (value.length > maxLength) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    store.putOrDelete(PgpStore.dataObject(tag), value);
  }

  private void putExact(int tag, byte[] value, int length) {
    if (value.length != length) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    store.putOrDelete(PgpStore.dataObject(tag), value);
  }

  /** Sex (ISO 5218): 30 unknown, 31 male, 32 female, 39 not applicable. */
  private void putSex(byte[] value) {
    if (value.length != 1) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    int sex = value[0];
    if (sex != 0x30 && sex != 0x31 && sex != 0x32 && sex != 0x39) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    store.putOrDelete(PgpStore.dataObject(TAG_SEX), value);
  }

  /** C4: only its first byte can be written, 00 (one signature per VERIFY) or 01 (several). */
  private void putPwStatus(byte[] value) {
    if (value.length != 1) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    if (value[0] != 0x00 && value[0] != 0x01) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    store.update(tx -> tx.put(PgpStore.PW1_VALID_MULTIPLE, value));
  }

  /**
   * C1 to C3: only attributes of {@link AlgorithmAttributes} are taken (6A80 otherwise). A change
   * deletes the slot's key, fingerprint and generation date (spec 3.4, 4.4.3.10); writing the
   * current value again changes nothing.
   */
  private void putAttributes(KeySlot slot, byte[] value) {
    if (AlgorithmAttributes.typeOf(slot, value).isEmpty()) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    if (Arrays.equals(value, objects.attributes(slot))) {
      return;
    }
    store.update(
        tx ->
            tx.put(PgpStore.attributes(slot), value)
                .delete(PgpStore.key(slot))
                .delete(PgpStore.dataObject(slot.fingerprintTag))
                .delete(PgpStore.dataObject(slot.dateTag)));
    log.info("OpenPGP: {} key attributes changed; the key is deleted", slot.purpose);
  }

  /** D3: empty clears the resetting code; otherwise 8 to 64 bytes with a full counter. */
  private void putResettingCode(byte[] value) {
    if (value.length == 0) {
      store.update(tx -> tx.delete(Password.RC.record).delete(Password.RC.retriesRecord));
      return;
    }
    if (!Password.RC.validLength(value)) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    Password.RC.set(store, value);
    log.info("OpenPGP: resetting code set");
  }

  /** D5: an AES-128 or AES-256 key for PSO ENCIPHER and DECIPHER; empty deletes it. */
  private void putAesKey(byte[] value) {
    if (value.length != 0 && value.length != 16 && value.length != 32) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    store.putOrDelete(PgpStore.dataObject(TAG_AES_KEY), value);
  }

  /**
   * D6 to D8 (spec 3.4, 4.1.3.6): {@code mode || 20}, mode 00 off, 01 on, 02 permanent, 03 cached,
   * 04 permanently cached. A permanent setting cannot be changed (6985).
   */
  private void putUif(KeySlot slot, byte[] value) {
    if (value.length != 2) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    int current = objects.uif(slot);
    if (current == UIF_PERMANENT || current == UIF_PERMANENT_CACHED) {
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    int mode = value[0] & 0xFF;
    if (mode > UIF_PERMANENT_CACHED || (value[1] & 0xFF) != UIF_BUTTON) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    store.update(tx -> tx.put(PgpStore.dataObject(slot.uifTag), new byte[] {(byte) mode}));
    touched[slot.ordinal()] = false;
  }

  /**
   * F9, the KDF-DO (spec 3.4, 4.3.2). With algorithm 03 (iterated-salted S2K) it must carry the
   * hash algorithm 82 (08 SHA-256 or 0A SHA-512), the count 83 (4 bytes), the PW1 salt 84 (8 bytes,
   * 85 and 86 optional) and the initial hashes 87 and 88 of the default PW1 and PW3. The card then
   * sets PW1 and PW3 to those hashes and clears the resetting code: GnuPG 2.2's kdf-setup writes
   * only this DO and sends hashed PINs from then on. Empty or algorithm 00 puts the plain default
   * PINs back.
   */
  private void putKdf(byte[] value) {
    byte[] pw1;
    byte[] pw3Value;
    if (value.length == 0) {
      pw1 = Password.PW1.factoryValue();
      pw3Value = Password.PW3.factoryValue();
    } else {
      if (value.length > MAX_SPECIAL_DO_LENGTH) {
        throw new StatusException(StatusWords.SW_WRONG_LENGTH);
      }
      List<BerTlv.Element> items = BerTlv.decodeAll(value);
      byte[] algorithm = exactly(items, 0x81, 1);
      if (algorithm[0] == 0x00) {
        pw1 = Password.PW1.factoryValue();
        pw3Value = Password.PW3.factoryValue();
      } else if (algorithm[0] == 0x03) {
        byte[] hash = exactly(items, 0x82, 1);
        int hashLength =
            switch (hash[0]) {
              case 0x08 -> 32;
              case 0x0A -> 64;
              default -> throw new StatusException(StatusWords.SW_WRONG_DATA);
            };
        exactly(items, 0x83, 4);
        exactly(items, 0x84, 8);
        for (int optionalSalt : new int[] {0x85, 0x86}) {
          BerTlv.find(items, optionalSalt)
              .filter(e -> e.length() != 8)
              .ifPresent(
                  e -> {
                    throw new StatusException(StatusWords.SW_WRONG_DATA);
                  });
        }
        pw1 = exactly(items, 0x87, hashLength);
        pw3Value = exactly(items, 0x88, hashLength);
      } else {
        throw new StatusException(StatusWords.SW_WRONG_DATA);
      }
    }

    store.update(
        tx -> {
          if (value.length == 0) {
            tx.delete(PgpStore.dataObject(TAG_KDF));
          } else {
            tx.put(PgpStore.dataObject(TAG_KDF), value);
          }
          tx.put(Password.PW1.record, pw1)
              .put(Password.PW1.retriesRecord, new byte[] {Password.MAX_RETRIES})
              .put(Password.PW3.record, pw3Value)
              .put(Password.PW3.retriesRecord, new byte[] {Password.MAX_RETRIES})
              .delete(Password.RC.record)
              .delete(Password.RC.retriesRecord);
        });
    pw1Sign = false;
    pw1Other = false;
    pw3 = false;
    log.info("OpenPGP: KDF-DO written; PW1 and PW3 set to its initial values");
  }

  private static byte[] exactly(List<BerTlv.Element> items, int tag, int length) {
    BerTlv.Element element =
        BerTlv.find(items, tag).orElseThrow(() -> new StatusException(StatusWords.SW_WRONG_DATA));
    if (element.length() != length) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    return element.value();
  }

  /** 7F21 at the occurrence SELECT DATA chose; empty deletes it. */
  private void putCertificate(byte[] value) {
    if (value.length > MAX_CERTIFICATE_LENGTH) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    store.putOrDelete(PgpStore.certificate(certificateOccurrence), value);
  }

  // ---- Passwords ----------------------------------------------------------------------------

  /**
   * VERIFY (spec 3.4, 7.2.2). P2 81 (PW1 for one PSO CDS, or several when C4 says so), 82 (PW1 for
   * everything else), 83 (PW3). Empty data asks the status: 9000 when verified, else 63CX. P1 FF
   * drops the status. A wrong password answers 6982, a blocked one 6983.
   */
  private ResponseApdu verify(CommandApdu command) {
    int p2 = command.p2();
    if (p2 != P2_PW1_SIGN && p2 != P2_PW1_OTHER && p2 != P2_PW3) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    Password password = p2 == P2_PW3 ? Password.PW3 : Password.PW1;

    if (command.p1() == P1_VERIFY_RESET) {
      if (command.nc() != 0) {
        throw new StatusException(StatusWords.SW_WRONG_LENGTH);
      }
      setVerified(p2, false);
      return ResponseApdu.success();
    }
    if (command.p1() != 0x00) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }

    byte[] candidate = command.data();
    if (candidate.length == 0) {
      if (isVerified(p2)) {
        return ResponseApdu.success();
      }
      return ResponseApdu.of(StatusWords.counter(password.retries(store)));
    }
    if (password.retries(store) == 0) {
      throw new StatusException(StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
    }
    if (!password.validLength(candidate)) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    boolean match = password.check(store, candidate);
    Arrays.fill(candidate, (byte) 0);
    setVerified(p2, match);
    if (!match) {
      log.debug("OpenPGP VERIFY {}: wrong password", String.format("%02X", p2));
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    return ResponseApdu.success();
  }

  private boolean isVerified(int p2) {
    return switch (p2) {
      case P2_PW1_SIGN -> pw1Sign;
      case P2_PW1_OTHER -> pw1Other;
      default -> pw3;
    };
  }

  private void setVerified(int p2, boolean verified) {
    switch (p2) {
      case P2_PW1_SIGN -> pw1Sign = verified;
      case P2_PW1_OTHER -> pw1Other = verified;
      default -> pw3 = verified;
    }
  }

  /**
   * CHANGE REFERENCE DATA (spec 3.4, 7.2.3): P2 81 (PW1) or 83 (PW3), data = old || new, split at
   * the length of the stored password. The new one takes effect with a full counter; this session's
   * status for that password is dropped.
   */
  private ResponseApdu changeReferenceData(CommandApdu command) {
    if (command.p1() != 0x00 || (command.p2() != P2_PW1_SIGN && command.p2() != P2_PW3)) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    Password password = command.p2() == P2_PW3 ? Password.PW3 : Password.PW1;
    if (password.retries(store) == 0) {
      throw new StatusException(StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
    }
    byte[] data = command.data();
    int oldLength = password.value(store).length;
    byte[] newValue = Arrays.copyOfRange(data, Math.min(oldLength, data.length), data.length);
    if (data.length <= oldLength || !password.validLength(newValue)) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }

    boolean match = password.check(store, Arrays.copyOf(data, oldLength));
    if (!match) {
      dropStatus(password);
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    password.set(store, newValue);
    dropStatus(password);
    log.info("OpenPGP: {} changed", password);
    return ResponseApdu.success();
  }

  private void dropStatus(Password password) {
    if (password == Password.PW3) {
      pw3 = false;
    } else {
      pw1Sign = false;
      pw1Other = false;
    }
  }

  /**
   * RESET RETRY COUNTER (spec 3.4, 7.2.4), P2 81 only: P1 00 with data = resetting code || new PW1;
   * P1 02 after PW3 with data = new PW1.
   */
  private ResponseApdu resetRetryCounter(CommandApdu command) {
    if (command.p2() != P2_PW1_SIGN) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    byte[] data = command.data();
    byte[] newPw1;
    if (command.p1() == P1_RESET_WITH_CODE) {
      if (Password.RC.retries(store) == 0) {
        throw new StatusException(StatusWords.SW_AUTHENTICATION_METHOD_BLOCKED);
      }
      int codeLength = Password.RC.value(store).length;
      newPw1 = Arrays.copyOfRange(data, Math.min(codeLength, data.length), data.length);
      if (data.length <= codeLength || !Password.PW1.validLength(newPw1)) {
        throw new StatusException(StatusWords.SW_WRONG_LENGTH);
      }
      if (!Password.RC.check(store, Arrays.copyOf(data, codeLength))) {
        throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
      }
    } else if (command.p1() == P1_RESET_AFTER_PW3) {
      require(pw3);
      newPw1 = data;
      if (!Password.PW1.validLength(newPw1)) {
        throw new StatusException(StatusWords.SW_WRONG_LENGTH);
      }
    } else {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    Password.PW1.set(store, newPw1);
    dropStatus(Password.PW1);
    log.info("OpenPGP: PW1 reset");
    return ResponseApdu.success();
  }

  private static void require(boolean verified) {
    if (!verified) {
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
  }

  // ---- Keys ---------------------------------------------------------------------------------

  /** The slot named by a control reference template: {@code XX 00} or {@code XX 03 84 01 YY}. */
  private static KeySlot slotFromCrt(byte[] data) {
    if (data.length != 2 && data.length != 5) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    return slotFromCrtElement(BerTlv.decodeSingle(data));
  }

  private static KeySlot slotFromCrtElement(BerTlv.Element crt) {
    KeySlot slot =
        KeySlot.fromCrt(crt.tag())
            .orElseThrow(() -> new StatusException(StatusWords.SW_WRONG_DATA));
    byte[] value = crt.value();
    if (value.length != 0
        && !(value.length == 3 && (value[0] & 0xFF) == TAG_KEY_REFERENCE && value[1] == 1)) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    return slot;
  }

  private KeyType slotType(KeySlot slot) {
    return AlgorithmAttributes.typeOf(slot, objects.attributes(slot))
        .orElseThrow(() -> new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND));
  }

  /** The stored key of {@code slot}; 6A88 when there is none. */
  private CardKey key(KeySlot slot) {
    byte[] stored =
        store
            .get(PgpStore.key(slot))
            .filter(v -> v.length > 1)
            .orElseThrow(() -> new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND));
    return CardKey.decode(Arrays.copyOfRange(stored, 1, stored.length));
  }

  private void storeKey(KeySlot slot, CardKey key, int origin) {
    byte[] encoded = key.encode();
    byte[] record = new byte[encoded.length + 1];
    record[0] = (byte) origin;
    System.arraycopy(encoded, 0, record, 1, encoded.length);
    Arrays.fill(encoded, (byte) 0);
    store.update(
        tx -> {
          tx.put(PgpStore.key(slot), record);
          if (slot == KeySlot.SIG) {
            tx.put(PgpStore.SIGNATURE_COUNTER, new byte[3]); // spec 3.4, 4.4.3.4
          }
        });
    Arrays.fill(record, (byte) 0);
  }

  /**
   * GENERATE ASYMMETRIC KEY PAIR (spec 3.4, 7.2.14): P1 80 makes a new key (after PW3) and P1 81
   * reads the public key, both answering 7F49.
   */
  private ResponseApdu generate(CommandApdu command) {
    if (command.p2() != 0x00
        || (command.p1() != P1_GENERATE && command.p1() != P1_READ_PUBLIC_KEY)) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    KeySlot slot = slotFromCrt(command.data());
    CardKey key;
    if (command.p1() == P1_GENERATE) {
      require(pw3);
      KeyType type = slotType(slot);
      key = CardKey.generate(type, context.random());
      storeKey(slot, key, ORIGIN_GENERATED);
      log.info("OpenPGP: {} key generated ({})", slot.purpose, type);
    } else {
      key = key(slot);
    }
    return ResponseApdu.success(BerTlv.encode(TAG_PUBLIC_KEY, publicKeyTemplate(key)));
  }

  static byte[] publicKeyTemplate(CardKey key) {
    if (key.type().isRsa()) {
      return new BerTlv.Writer()
          .put(TAG_RSA_MODULUS, unsigned(key.modulus(), key.type().coordinateLength()))
          .put(TAG_RSA_EXPONENT, unsigned(key.publicExponent(), 0))
          .toByteArray();
    }
    return BerTlv.encode(TAG_EC_PUBLIC_KEY, key.publicKey());
  }

  /** Big-endian magnitude, left-padded to {@code length} bytes (minimal when 0). */
  static byte[] unsigned(java.math.BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    int size = bytes.length - start;
    int outLength = Math.max(length, size);
    byte[] out = new byte[outLength];
    System.arraycopy(bytes, start, out, outLength - size, size);
    return out;
  }

  /**
   * Key import with PUT DATA odd, P1-P2 3F FF (spec 3.4, 4.4.3.12): 4D { CRT, 7F48 {tags and
   * lengths}, 5F48 {values} }. RSA needs 91 e, 92 p, 93 q (CRT parts 94 to 96 and modulus 97 may
   * follow and are recomputed); elliptic curves need 92, the private key (99, the public key, may
   * follow and is recomputed). Needs PW3.
   */
  private ResponseApdu importKey(CommandApdu command) {
    if ((command.p1() << 8 | command.p2()) != P1P2_KEY_IMPORT) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    require(pw3);
    byte[] data = command.data();
    BerTlv.Element list = BerTlv.decodeSingle(data);
    Arrays.fill(data, (byte) 0);
    if (list.tag() != TAG_EXTENDED_HEADER_LIST) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    List<BerTlv.Element> parts = BerTlv.decodeAll(list.value());
    if (parts.size() != 3
        || parts.get(1).tag() != TAG_PRIVATE_KEY_TEMPLATE
        || parts.get(2).tag() != TAG_PRIVATE_KEY_DATA) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    KeySlot slot = slotFromCrtElement(parts.get(0));
    List<BerTlv.Header> template = BerTlv.decodeHeaders(parts.get(1).value());
    byte[] values = parts.get(2).value();
    int total = template.stream().mapToInt(BerTlv.Header::length).sum();
    if (total != values.length) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    java.util.Map<Integer, byte[]> fields = new java.util.HashMap<>();
    int at = 0;
    for (BerTlv.Header header : template) {
      fields.put(header.tag(), Arrays.copyOfRange(values, at, at + header.length()));
      at += header.length();
    }
    Arrays.fill(values, (byte) 0);

    KeyType type = slotType(slot);
    CardKey key;
    try {
      key = type.isRsa() ? importRsa(slot, type, fields) : importEc(type, fields);
    } catch (CryptoException | IllegalArgumentException e) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    } finally {
      fields.values().forEach(v -> Arrays.fill(v, (byte) 0));
    }
    storeKey(slot, key, ORIGIN_IMPORTED);
    log.info("OpenPGP: {} key imported ({})", slot.purpose, type);
    return ResponseApdu.success();
  }

  private CardKey importRsa(KeySlot slot, KeyType type, java.util.Map<Integer, byte[]> fields) {
    byte[] e = fields.get(0x91);
    byte[] p = fields.get(0x92);
    byte[] q = fields.get(0x93);
    int half = type.coordinateLength() / 2;
    if (e == null || p == null || q == null) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    if (e.length == 0
        || e.length > AlgorithmAttributes.rsaExponentLength(objects.attributes(slot))
        || p.length > half
        || q.length > half) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    return CardKey.rsaFromPrimes(
        type,
        new java.math.BigInteger(1, e),
        new java.math.BigInteger(1, p),
        new java.math.BigInteger(1, q));
  }

  private static CardKey importEc(KeyType type, java.util.Map<Integer, byte[]> fields) {
    byte[] scalar = fields.get(0x92);
    if (scalar == null || scalar.length == 0 || scalar.length > type.coordinateLength()) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    byte[] padded = new byte[type.coordinateLength()];
    System.arraycopy(scalar, 0, padded, padded.length - scalar.length, scalar.length);
    if (type == KeyType.X25519) {
      // OpenPGP carries the Curve25519 secret big-endian (rfc4880bis, 5.6.6); RFC 7748 wants it
      // little-endian.
      reverse(padded);
    }
    try {
      return CardKey.fromScalar(type, padded);
    } finally {
      Arrays.fill(padded, (byte) 0);
    }
  }

  static void reverse(byte[] bytes) {
    for (int i = 0, j = bytes.length - 1; i < j; i++, j--) {
      byte t = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = t;
    }
  }

  // ---- Security operations ------------------------------------------------------------------

  private ResponseApdu performSecurityOperation(CommandApdu command) {
    int p1p2 = command.p1() << 8 | command.p2();
    return switch (p1p2) {
      case PSO_COMPUTE_DIGITAL_SIGNATURE -> computeDigitalSignature(command.data());
      case PSO_DECIPHER -> decipher(command.data());
      case PSO_ENCIPHER -> encipher(command.data());
      default -> throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    };
  }

  /**
   * PSO COMPUTE DIGITAL SIGNATURE (spec 3.4, 7.2.10) with the signature key after VERIFY 81. The
   * signature counter is written before signing; with C4 byte 1 = 00 the PW1 status for signing is
   * then dropped.
   */
  private ResponseApdu computeDigitalSignature(byte[] input) {
    require(pw1Sign);
    CardKey key = key(KeySlot.SIG);
    checkSignInput(key, input);
    requireTouch(KeySlot.SIG);

    int counter = objects.signatureCounter();
    if (counter < SIGNATURE_COUNTER_MAX) {
      int next = counter + 1;
      store.update(
          tx ->
              tx.put(
                  PgpStore.SIGNATURE_COUNTER,
                  new byte[] {(byte) (next >> 16), (byte) (next >> 8), (byte) next}));
    }
    if (!objects.pw1ValidForMultipleSignatures()) {
      pw1Sign = false;
    }
    return ResponseApdu.success(sign(key, input));
  }

  /** INTERNAL AUTHENTICATE (spec 3.4, 7.2.13) with the authentication key after VERIFY 82. */
  private ResponseApdu internalAuthenticate(CommandApdu command) {
    if (command.p1() != 0x00 || command.p2() != 0x00) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    require(pw1Other);
    CardKey key = key(KeySlot.AUT);
    byte[] input = command.data();
    checkSignInput(key, input);
    requireTouch(KeySlot.AUT);
    return ResponseApdu.success(sign(key, input));
  }

  /**
   * RSA takes a DigestInfo of at most 40 % of the modulus (PKCS #1 v1.5 padding is added here);
   * ECDSA a hash of 1 to 64 bytes; Ed25519 the message itself.
   */
  private static void checkSignInput(CardKey key, byte[] input) {
    KeyType type = key.type();
    int max;
    if (type.isRsa()) {
      max = type.coordinateLength() * RSA_DIGEST_INFO_PERCENT / 100;
    } else if (type.isWeierstrass()) {
      max = 64;
    } else {
      max = CommandApdu.EXTENDED_MAX_NC;
    }
    if (input.length == 0 || input.length > max) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    if (type.isMontgomery()) {
      throw new StatusException(StatusWords.SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    }
  }

  private static byte[] sign(CardKey key, byte[] input) {
    KeyType type = key.type();
    try {
      if (type.isRsa()) {
        return key.signPkcs1(input);
      }
      if (type.isWeierstrass()) {
        return key.signEcdsa(input);
      }
      return key.signEd25519(input);
    } catch (CryptoException e) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
  }

  /**
   * PSO DECIPHER (spec 3.4, 7.2.11) after VERIFY 82: 00 || RSA cryptogram of the modulus length; A6
   * { 7F49 { 86 point } } for ECDH (uncompressed point, or 32 bytes for X25519); 02 || AES-CBC
   * cryptogram (zero IV, no padding) when the AES key D5 is set.
   */
  private ResponseApdu decipher(byte[] data) {
    require(pw1Other);
    if (data.length == 0) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    int indicator = data[0] & 0xFF;
    if (indicator == PADDING_AES) {
      byte[] aesKey = aesKey();
      byte[] cryptogram = Arrays.copyOfRange(data, 1, data.length);
      checkAesLength(cryptogram);
      requireTouch(KeySlot.DEC);
      return ResponseApdu.success(aes(Cipher.DECRYPT_MODE, aesKey, cryptogram));
    }

    CardKey key = key(KeySlot.DEC);
    KeyType type = key.type();
    byte[] result;
    if (indicator == PADDING_RSA && type.isRsa()) {
      byte[] cryptogram = Arrays.copyOfRange(data, 1, data.length);
      if (cryptogram.length != type.coordinateLength()) {
        throw new StatusException(StatusWords.SW_WRONG_LENGTH);
      }
      requireTouch(KeySlot.DEC);
      try {
        result = key.decryptPkcs1(cryptogram);
      } catch (CryptoException e) {
        throw new StatusException(StatusWords.SW_WRONG_DATA);
      }
    } else if (indicator == TAG_CIPHER && !type.isRsa()) {
      byte[] point = ecdhPoint(data);
      requireTouch(KeySlot.DEC);
      try {
        result = key.agree(point);
      } catch (CryptoException e) {
        throw new StatusException(StatusWords.SW_WRONG_DATA);
      }
    } else {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    return ResponseApdu.success(result);
  }

  /** The point inside A6 { 7F49 { 86 point } }, each length exact. */
  private static byte[] ecdhPoint(byte[] data) {
    BerTlv.Element cipher = BerTlv.decodeSingle(data);
    if (cipher.tag() != TAG_CIPHER) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    BerTlv.Element publicKey = BerTlv.decodeSingle(cipher.value());
    if (publicKey.tag() != TAG_PUBLIC_KEY) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    BerTlv.Element point = BerTlv.decodeSingle(publicKey.value());
    if (point.tag() != TAG_EC_PUBLIC_KEY || point.length() == 0) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    return point.value();
  }

  /** PSO ENCIPHER (spec 3.4, 7.2.12) after VERIFY 82: 02 || AES-CBC cryptogram of the data. */
  private ResponseApdu encipher(byte[] plain) {
    require(pw1Other);
    byte[] aesKey = aesKey();
    checkAesLength(plain);
    requireTouch(KeySlot.DEC);
    byte[] cryptogram = aes(Cipher.ENCRYPT_MODE, aesKey, plain);
    byte[] out = new byte[cryptogram.length + 1];
    out[0] = PADDING_AES;
    System.arraycopy(cryptogram, 0, out, 1, cryptogram.length);
    return ResponseApdu.success(out);
  }

  private byte[] aesKey() {
    return store
        .get(PgpStore.dataObject(TAG_AES_KEY))
        .orElseThrow(() -> new StatusException(StatusWords.SW_REFERENCED_DATA_NOT_FOUND));
  }

  private static void checkAesLength(byte[] data) {
    if (data.length == 0 || data.length % AES_BLOCK != 0) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
  }

  private static byte[] aes(int mode, byte[] key, byte[] data) {
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[AES_BLOCK]));
      return cipher.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CBC/NoPadding is required by every Java platform", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * Asks for a touch when the slot's UIF says so (spec 3.4, 4.1.3.6); a cached UIF is satisfied by
   * a touch in this session within {@link #UIF_CACHE_NANOS}. A refusal answers 6600.
   */
  private void requireTouch(KeySlot slot) {
    int uif = objects.uif(slot);
    if (uif == UIF_OFF) {
      return;
    }
    int i = slot.ordinal();
    long now = nanoClock.getAsLong();
    boolean cached = uif == UIF_CACHED || uif == UIF_PERMANENT_CACHED;
    if (cached && touched[i] && now - lastTouch[i] < UIF_CACHE_NANOS) {
      return;
    }
    if (!presence.confirm("OpenPGP " + slot.purpose)) {
      log.debug("OpenPGP: touch for {} refused", slot.purpose);
      // A required touch refused or timed out (spec 3.4, 4.1.3.6; inventory 4.5).
      throw new StatusException(StatusWords.SW_SECURITY_ISSUE);
    }
    touched[i] = true;
    lastTouch[i] = nanoClock.getAsLong();
  }

  // ---- Other commands -----------------------------------------------------------------------

  /**
   * GET CHALLENGE (spec 3.4, 7.2.15): Le random bytes, at most {@value
   * DataObjects#MAX_CHALLENGE_LENGTH}.
   */
  private ResponseApdu getChallenge(CommandApdu command) {
    if (command.p1() != 0x00 || command.p2() != 0x00) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    if (command.nc() != 0 || command.ne() == 0 || command.ne() > MAX_CHALLENGE_LENGTH) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH);
    }
    byte[] challenge = new byte[command.ne()];
    context.random().nextBytes(challenge);
    return ResponseApdu.success(challenge);
  }

  /**
   * TERMINATE DF (spec 3.4, 7.2.16): allowed after PW3 or when PW3 is blocked. Every OpenPGP record
   * is deleted and the application answers 6285 until ACTIVATE FILE.
   */
  private ResponseApdu terminate(CommandApdu command) {
    if (command.p1() != 0x00 || command.p2() != 0x00) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    if (command.nc() != 0) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH); // case 1: no command data
    }
    if (!pw3 && Password.PW3.retries(store) != 0) {
      throw new StatusException(StatusWords.SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    store.update(
        tx -> {
          store.deleteAll(tx);
          tx.put(PgpStore.TERMINATED, new byte[] {0x01});
        });
    deselect();
    log.info("OpenPGP: application terminated");
    return ResponseApdu.success();
  }

  /**
   * ACTIVATE FILE (spec 3.4, 7.2.17): in the terminated state, back to the factory state. In the
   * operational state it changes nothing.
   */
  private ResponseApdu activate(CommandApdu command) {
    if (command.p1() != 0x00 || command.p2() != 0x00) {
      throw new StatusException(StatusWords.SW_INCORRECT_P1P2);
    }
    if (command.nc() != 0) {
      throw new StatusException(StatusWords.SW_WRONG_LENGTH); // case 1: no command data
    }
    if (store.terminated()) {
      store.update(store::deleteAll);
      deselect();
      log.info("OpenPGP: application activated with factory defaults");
    }
    return ResponseApdu.success();
  }
}
