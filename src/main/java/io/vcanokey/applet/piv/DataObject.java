package io.vcanokey.applet.piv;

import io.vcanokey.core.apdu.CardOs;
import java.util.Arrays;
import java.util.Optional;

/**
 * The data objects (containers) of the PIV Card Application: every container of NIST SP 800-73-4
 * part 1, table 3 (BER-TLV tags, maximum sizes and read access rules from its appendix A), plus
 * Yubico's objects that ykman and the YubiKey minidriver use (5FFF00 ykman's "pivman" data, 5FFF01
 * the attestation certificate, 5FFF10 to 5FFF15 the minidriver's root certificates).
 *
 * <p>Sizes are of the value inside tag 53. Certificates may be as large as the card's command
 * buffer allows ({@link #BUFFER_LIMIT} bytes; written {@code CardOs.BUFFER_SIZE} in the table and
 * cut down by the constructor) instead of SP 800-73-4's 1905, so that RSA 4096 certificates with
 * extensions fit, as on a YubiKey (about 3 KB); so may the large biometric containers, which SP
 * 800-73-4 sizes beyond any single command.
 */
enum DataObject {
  CARD_CAPABILITY_CONTAINER(0x5FC107, 287, false),
  CHUID(0x5FC102, 2916, false),
  CERT_PIV_AUTHENTICATION(0x5FC105, CardOs.BUFFER_SIZE, false),
  CARDHOLDER_FINGERPRINTS(0x5FC103, 4006, true),
  SECURITY_OBJECT(0x5FC106, 1336, false),
  CARDHOLDER_FACIAL_IMAGE(0x5FC108, 12710, true),
  PRINTED_INFORMATION(0x5FC109, 245, true),
  CERT_DIGITAL_SIGNATURE(0x5FC10A, CardOs.BUFFER_SIZE, false),
  CERT_KEY_MANAGEMENT(0x5FC10B, CardOs.BUFFER_SIZE, false),
  CERT_CARD_AUTHENTICATION(0x5FC101, CardOs.BUFFER_SIZE, false),
  DISCOVERY_OBJECT(0x7E, 19, false),
  KEY_HISTORY(0x5FC10C, 128, false),
  RETIRED_CERTIFICATES(0x5FC10D, CardOs.BUFFER_SIZE, false, 20),
  CARDHOLDER_IRIS_IMAGES(0x5FC121, 7106, true),
  BIOMETRIC_INFORMATION_TEMPLATES_GROUP_TEMPLATE(0x7F61, 61, false),
  SECURE_MESSAGING_CERTIFICATE_SIGNER(0x5FC122, 2471, false),
  PAIRING_CODE_REFERENCE_DATA(0x5FC123, 12, true),
  YUBICO_PIVMAN_DATA(0x5FFF00, CardOs.BUFFER_SIZE, false),
  YUBICO_ATTESTATION_CERTIFICATE(0x5FFF01, CardOs.BUFFER_SIZE, false),
  YUBICO_MSROOTS(0x5FFF10, CardOs.BUFFER_SIZE, false, 6);

  /**
   * The largest value a PUT DATA can carry: the command buffer less the tag list 5C 03 xx xx xx and
   * the header 53 82 xx xx.
   */
  static final int BUFFER_LIMIT = CardOs.BUFFER_SIZE - 5 - 4;

  /** The fixed discovery object 7E (SP 800-73-4 part 1, 3.3.2): the PIV AID and PIN policy. */
  static final byte[] DISCOVERY_VALUE = {
    0x4F,
    0x0B, // PIV card application AID (part 1, 2.2)
    (byte) 0xA0,
    0x00,
    0x00,
    0x03,
    0x08,
    0x00,
    0x00,
    0x10,
    0x00,
    0x01,
    0x00,
    0x5F,
    0x2F,
    0x02, // PIN usage policy
    0x40, // the PIV Card Application PIN satisfies the access control rules; no global PIN
    0x00 // no global PIN, so no preference: RFU 00
  };

  final int tag;
  final int maxLength;
  final boolean pinProtected;
  final int count;

  DataObject(int tag, int maxLength, boolean pinProtected) {
    this(tag, maxLength, pinProtected, 1);
  }

  DataObject(int tag, int maxLength, boolean pinProtected, int count) {
    this.tag = tag;
    this.maxLength = Math.min(maxLength, BUFFER_LIMIT);
    this.pinProtected = pinProtected;
    this.count = count;
  }

  /** The container a tag names: one of {@code count} consecutive tags from {@link #tag}. */
  static Optional<DataObject> fromTag(int tag) {
    return Arrays.stream(values()).filter(o -> tag >= o.tag && tag < o.tag + o.count).findFirst();
  }

  /** The outer tag of GET DATA's answer: 7E and 7F61 are their own; everything else is in 53. */
  int responseTag() {
    return this == DISCOVERY_OBJECT || this == BIOMETRIC_INFORMATION_TEMPLATES_GROUP_TEMPLATE
        ? tag
        : 0x53;
  }
}
