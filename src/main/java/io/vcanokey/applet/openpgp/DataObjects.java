package io.vcanokey.applet.openpgp;

import io.vcanokey.core.apdu.BerTlv;
import io.vcanokey.core.apdu.CardOs;
import java.util.Optional;

/**
 * The data objects the card reports about itself and the constructed DOs built from the stored
 * simple ones (OpenPGP card spec 3.4, section 4.4): AID (4.2.1), historical bytes (6), extended
 * capabilities C0 (4.4.3.7), extended length information 7F66 (4.1.3.1), general feature management
 * 7F74 (4.1.3.2), PW status bytes C4 (4.4.1), application related data 6E, cardholder related data
 * 65 and the security support template 7A.
 */
final class DataObjects {

  // Tags of spec 3.4, section 4.4.1.
  static final int TAG_AID = 0x004F;
  static final int TAG_NAME = 0x005B;
  static final int TAG_LOGIN_DATA = 0x005E;
  static final int TAG_LANGUAGE = 0x5F2D;
  static final int TAG_SEX = 0x5F35;
  static final int TAG_URL = 0x5F50;
  static final int TAG_HISTORICAL_BYTES = 0x5F52;
  static final int TAG_CARDHOLDER_RELATED_DATA = 0x0065;
  static final int TAG_APPLICATION_RELATED_DATA = 0x006E;
  static final int TAG_DISCRETIONARY_DATA = 0x0073;
  static final int TAG_SECURITY_SUPPORT_TEMPLATE = 0x007A;
  static final int TAG_SIGNATURE_COUNTER = 0x0093;
  static final int TAG_EXTENDED_CAPABILITIES = 0x00C0;
  static final int TAG_PW_STATUS = 0x00C4;
  static final int TAG_FINGERPRINTS = 0x00C5;
  static final int TAG_CA_FINGERPRINTS = 0x00C6;
  static final int TAG_GENERATION_DATES = 0x00CD;
  static final int TAG_RESETTING_CODE = 0x00D3;
  static final int TAG_AES_KEY = 0x00D5;
  static final int TAG_KEY_INFORMATION = 0x00DE;
  static final int TAG_KDF = 0x00F9;
  static final int TAG_ALGORITHM_INFORMATION = 0x00FA;
  static final int TAG_CARDHOLDER_CERTIFICATE = 0x7F21;
  static final int TAG_EXTENDED_LENGTH_INFORMATION = 0x7F66;
  static final int TAG_GENERAL_FEATURE_MANAGEMENT = 0x7F74;
  static final int TAG_PRIVATE_DO_1 = 0x0101;
  static final int TAG_PRIVATE_DO_2 = 0x0102;
  static final int TAG_PRIVATE_DO_3 = 0x0103;
  static final int TAG_PRIVATE_DO_4 = 0x0104;

  /** Registered application identifier of the OpenPGP card (spec 3.4, 4.2.1): RID and PIX 01. */
  static final byte[] AID_PREFIX = {(byte) 0xD2, 0x76, 0x00, 0x01, 0x24, 0x01};

  /** Version 3.4 and manufacturer F1D0 (the CanoKey manufacturer id, inventory 4.1). */
  static final byte[] VERSION = {0x03, 0x04};

  static final byte[] MANUFACTURER = {(byte) 0xF1, (byte) 0xD0};

  /** The key's serial number record, as {@code io.vcanokey.key.Provisioning} writes it. */
  static final String SERIAL_RECORD = "admin/sn";

  static final int SERIAL_LENGTH = 4;

  /** Historical bytes (spec 3.4, 6; ISO/IEC 7816-4:2005, 8.1.1). */
  static final byte[] HISTORICAL_BYTES = {
    0x00, // category indicator: status indicator in the last three bytes
    0x31, // card service data, one byte follows
    (byte) 0xC5, // card service data byte of the reference key (inventory 4.1)
    0x73, // card capabilities, three bytes follow
    (byte) 0xC0, // DF selection by full and by partial DF name
    0x01, // data coding byte
    (byte) 0xC0, // command chaining and extended Lc and Le fields
    0x05, // life cycle status: operational
    (byte) 0x90, // SW1
    0x00 // SW2
  };

  /** Most bytes GET CHALLENGE returns. */
  static final int MAX_CHALLENGE_LENGTH = 2048;

  /**
   * Most bytes of one cardholder certificate: the card OS's whole command buffer, so a PUT DATA of
   * the largest certificate still fits one extended APDU or one chain.
   */
  static final int MAX_CERTIFICATE_LENGTH = CardOs.BUFFER_SIZE;

  /** Most bytes of login data, URL, private DOs and KDF-DO ("special DOs", spec 4.4.3.7). */
  static final int MAX_SPECIAL_DO_LENGTH = 255;

  /** Extended capabilities (spec 3.4, 4.4.3.7). */
  static final byte[] EXTENDED_CAPABILITIES = {
    0x7F, // no secure messaging; GET CHALLENGE, key import, PW1 status changeable, private DOs,
    // algorithm attributes changeable, PSO DEC/ENC with AES, KDF-DO
    0x00, // secure messaging algorithm: none
    (byte) (MAX_CHALLENGE_LENGTH >> 8),
    (byte) MAX_CHALLENGE_LENGTH,
    (byte) (MAX_CERTIFICATE_LENGTH >> 8),
    (byte) MAX_CERTIFICATE_LENGTH,
    (byte) (MAX_SPECIAL_DO_LENGTH >> 8),
    (byte) MAX_SPECIAL_DO_LENGTH,
    0x00, // PIN block 2 format not supported
    0x00 // MSE for DEC and AUT keys not supported
  };

  /**
   * Extended length information (spec 3.4, 4.1.3.1; ISO/IEC 7816-4:2005, 12.7.1): the largest
   * command data the card OS joins ({@link CardOs#BUFFER_SIZE}) and the largest response data it
   * sends in one response APDU ({@link CardOs#MAX_RESPONSE_CHUNK}; the rest follows with 61XX).
   */
  static final byte[] EXTENDED_LENGTH_INFORMATION = {
    0x02,
    0x02,
    (byte) (CardOs.BUFFER_SIZE >> 8),
    (byte) CardOs.BUFFER_SIZE,
    0x02,
    0x02,
    (byte) (CardOs.MAX_RESPONSE_CHUNK >> 8),
    (byte) CardOs.MAX_RESPONSE_CHUNK
  };

  /** General feature management (spec 3.4, 4.1.3.2): 81 01 20, a button for user interaction. */
  static final byte[] GENERAL_FEATURE_MANAGEMENT = {(byte) 0x81, 0x01, 0x20};

  /** KDF-DO when none is set (spec 3.4, 4.3.2): 81 01 00, no KDF. */
  static final byte[] KDF_NONE = {(byte) 0x81, 0x01, 0x00};

  /** Sex (ISO 5218) when none is set: "9", not applicable (inventory 4.3). */
  static final byte[] SEX_DEFAULT = {0x39};

  static final int FINGERPRINT_LENGTH = 20;
  static final int DATE_LENGTH = 4;

  /** Key origin in DO DE (spec 3.4, 4.4.3.8). */
  static final int ORIGIN_NONE = 0x00;

  static final int ORIGIN_GENERATED = 0x01;
  static final int ORIGIN_IMPORTED = 0x02;

  /** UIF values (spec 3.4, 4.1.3.6). */
  static final int UIF_OFF = 0x00;

  static final int UIF_ON = 0x01;
  static final int UIF_PERMANENT = 0x02;
  static final int UIF_CACHED = 0x03;
  static final int UIF_PERMANENT_CACHED = 0x04;
  static final int UIF_BUTTON = 0x20;

  private final PgpStore store;

  DataObjects(PgpStore store) {
    this.store = store;
  }

  /** The full AID: prefix, version, manufacturer, serial number, RFU 00 00. */
  byte[] aid() {
    byte[] serial =
        store
            .get(SERIAL_RECORD)
            .filter(s -> s.length == SERIAL_LENGTH)
            .orElseGet(() -> new byte[SERIAL_LENGTH]);
    byte[] aid = new byte[16];
    System.arraycopy(AID_PREFIX, 0, aid, 0, 6);
    System.arraycopy(VERSION, 0, aid, 6, 2);
    System.arraycopy(MANUFACTURER, 0, aid, 8, 2);
    System.arraycopy(serial, 0, aid, 10, SERIAL_LENGTH);
    return aid;
  }

  /** PW status bytes C4 (spec 3.4, 4.4.3.9). */
  byte[] pwStatus() {
    return new byte[] {
      (byte) (pw1ValidForMultipleSignatures() ? 0x01 : 0x00),
      Password.MAX_LENGTH, // PW1: UTF-8 or KDF-derived, at most 64 bytes
      Password.MAX_LENGTH, // resetting code
      Password.MAX_LENGTH, // PW3
      (byte) Password.PW1.retries(store),
      (byte) Password.RC.retries(store),
      (byte) Password.PW3.retries(store)
    };
  }

  boolean pw1ValidForMultipleSignatures() {
    return store
        .get(PgpStore.PW1_VALID_MULTIPLE)
        .map(v -> v.length == 1 && v[0] == 1)
        .orElse(false);
  }

  byte[] attributes(KeySlot slot) {
    return store.get(PgpStore.attributes(slot)).orElseGet(AlgorithmAttributes.DEFAULT::clone);
  }

  int uif(KeySlot slot) {
    return store
        .get(PgpStore.dataObject(slot.uifTag))
        .filter(v -> v.length == 1)
        .map(v -> v[0] & 0xFF)
        .orElse(UIF_OFF);
  }

  byte[] uifDo(KeySlot slot) {
    return new byte[] {(byte) uif(slot), (byte) UIF_BUTTON};
  }

  int keyOrigin(KeySlot slot) {
    return store
        .get(PgpStore.key(slot))
        .filter(v -> v.length > 0)
        .map(v -> v[0] & 0xFF)
        .orElse(ORIGIN_NONE);
  }

  /** C5, C6 or CD: the three slots' 20-byte fingerprints or 4-byte dates side by side. */
  byte[] concatenated(java.util.function.ToIntFunction<KeySlot> tag, int length) {
    byte[] out = new byte[3 * length];
    for (KeySlot slot : KeySlot.values()) {
      byte[] value = store.getOrEmpty(PgpStore.dataObject(tag.applyAsInt(slot)));
      if (value.length == length) {
        System.arraycopy(value, 0, out, (slot.number - 1) * length, length);
      }
    }
    return out;
  }

  byte[] keyInformation() {
    byte[] out = new byte[6];
    for (KeySlot slot : KeySlot.values()) {
      out[2 * (slot.number - 1)] = (byte) slot.number;
      out[2 * (slot.number - 1) + 1] = (byte) keyOrigin(slot);
    }
    return out;
  }

  int signatureCounter() {
    byte[] v = store.getOrEmpty(PgpStore.SIGNATURE_COUNTER);
    if (v.length != 3) {
      return 0;
    }
    return (v[0] & 0xFF) << 16 | (v[1] & 0xFF) << 8 | (v[2] & 0xFF);
  }

  byte[] signatureCounterBytes() {
    int c = signatureCounter();
    return new byte[] {(byte) (c >> 16), (byte) (c >> 8), (byte) c};
  }

  byte[] kdf() {
    return store.get(PgpStore.dataObject(TAG_KDF)).orElseGet(KDF_NONE::clone);
  }

  /** 65: name, language and sex. */
  byte[] cardholderRelatedData() {
    byte[] sex = store.get(PgpStore.dataObject(TAG_SEX)).orElseGet(SEX_DEFAULT::clone);
    return new BerTlv.Writer()
        .put(TAG_NAME, store.getOrEmpty(PgpStore.dataObject(TAG_NAME)))
        .put(TAG_LANGUAGE, store.getOrEmpty(PgpStore.dataObject(TAG_LANGUAGE)))
        .put(TAG_SEX, sex)
        .toByteArray();
  }

  /** 6E: everything the host needs at once (spec 3.4, 4.4.1 and 4.4.3). */
  byte[] applicationRelatedData() {
    BerTlv.Writer discretionary =
        new BerTlv.Writer()
            .put(TAG_EXTENDED_CAPABILITIES, EXTENDED_CAPABILITIES)
            .put(KeySlot.SIG.attributesTag, attributes(KeySlot.SIG))
            .put(KeySlot.DEC.attributesTag, attributes(KeySlot.DEC))
            .put(KeySlot.AUT.attributesTag, attributes(KeySlot.AUT))
            .put(TAG_PW_STATUS, pwStatus())
            .put(TAG_FINGERPRINTS, concatenated(s -> s.fingerprintTag, FINGERPRINT_LENGTH))
            .put(TAG_CA_FINGERPRINTS, concatenated(s -> s.caFingerprintTag, FINGERPRINT_LENGTH))
            .put(TAG_GENERATION_DATES, concatenated(s -> s.dateTag, DATE_LENGTH))
            .put(TAG_KEY_INFORMATION, keyInformation())
            .put(KeySlot.SIG.uifTag, uifDo(KeySlot.SIG))
            .put(KeySlot.DEC.uifTag, uifDo(KeySlot.DEC))
            .put(KeySlot.AUT.uifTag, uifDo(KeySlot.AUT));
    return new BerTlv.Writer()
        .put(TAG_AID, aid())
        .put(TAG_HISTORICAL_BYTES, HISTORICAL_BYTES)
        .put(TAG_EXTENDED_LENGTH_INFORMATION, EXTENDED_LENGTH_INFORMATION)
        .put(TAG_GENERAL_FEATURE_MANAGEMENT, GENERAL_FEATURE_MANAGEMENT)
        .put(TAG_DISCRETIONARY_DATA, discretionary.toByteArray())
        .toByteArray();
  }

  /**
   * The value GET DATA answers for {@code tag} when it needs no password and no session state, or
   * empty when the tag is not one of those.
   */
  Optional<byte[]> publicObject(int tag) {
    byte[] value =
        switch (tag) {
          case TAG_AID -> aid();
          case TAG_LOGIN_DATA,
              TAG_URL,
              TAG_NAME,
              TAG_LANGUAGE,
              TAG_PRIVATE_DO_1,
              TAG_PRIVATE_DO_2 ->
              store.getOrEmpty(PgpStore.dataObject(tag));
          case TAG_SEX -> store.get(PgpStore.dataObject(TAG_SEX)).orElseGet(SEX_DEFAULT::clone);
          case TAG_HISTORICAL_BYTES -> HISTORICAL_BYTES.clone();
          case TAG_CARDHOLDER_RELATED_DATA ->
              BerTlv.encode(TAG_CARDHOLDER_RELATED_DATA, cardholderRelatedData());
          case TAG_APPLICATION_RELATED_DATA ->
              BerTlv.encode(TAG_APPLICATION_RELATED_DATA, applicationRelatedData());
          case TAG_SECURITY_SUPPORT_TEMPLATE ->
              BerTlv.encode(
                  TAG_SECURITY_SUPPORT_TEMPLATE,
                  BerTlv.encode(TAG_SIGNATURE_COUNTER, signatureCounterBytes()));
          case TAG_SIGNATURE_COUNTER -> signatureCounterBytes();
          case TAG_EXTENDED_CAPABILITIES -> EXTENDED_CAPABILITIES.clone();
          case 0x00C1 -> attributes(KeySlot.SIG);
          case 0x00C2 -> attributes(KeySlot.DEC);
          case 0x00C3 -> attributes(KeySlot.AUT);
          case TAG_PW_STATUS -> pwStatus();
          case TAG_FINGERPRINTS -> concatenated(s -> s.fingerprintTag, FINGERPRINT_LENGTH);
          case TAG_CA_FINGERPRINTS -> concatenated(s -> s.caFingerprintTag, FINGERPRINT_LENGTH);
          case TAG_GENERATION_DATES -> concatenated(s -> s.dateTag, DATE_LENGTH);
          case TAG_KEY_INFORMATION -> keyInformation();
          case 0x00D6 -> uifDo(KeySlot.SIG);
          case 0x00D7 -> uifDo(KeySlot.DEC);
          case 0x00D8 -> uifDo(KeySlot.AUT);
          case TAG_KDF -> kdf();
          case TAG_ALGORITHM_INFORMATION -> AlgorithmAttributes.information();
          case TAG_EXTENDED_LENGTH_INFORMATION -> EXTENDED_LENGTH_INFORMATION.clone();
          case TAG_GENERAL_FEATURE_MANAGEMENT -> GENERAL_FEATURE_MANAGEMENT.clone();
          default -> null;
        };
    return Optional.ofNullable(value);
  }
}
