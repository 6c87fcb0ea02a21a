package io.vcanokey.applet.openpgp;

import java.util.Optional;

/**
 * The three key slots of the OpenPGP card (spec 3.4, section 4.2: signature, decryption,
 * authentication) with the tags that belong to each: the control reference template that names it
 * in GENERATE and key import (7.2.14, 4.4.3.12), its algorithm attributes (4.4.3.10), fingerprint,
 * CA fingerprint and generation date DOs (4.4.2), its UIF DO (4.4.3.6) and the cardholder
 * certificate occurrence that SELECT DATA gives it (7.2.5: AUT first, then DEC, SIG).
 */
enum KeySlot {
  SIG(1, 0xB6, 0xC1, 0xC7, 0xCA, 0xCE, 0xD6, 2, "signature"),
  DEC(2, 0xB8, 0xC2, 0xC8, 0xCB, 0xCF, 0xD7, 1, "decryption"),
  AUT(3, 0xA4, 0xC3, 0xC9, 0xCC, 0xD0, 0xD8, 0, "authentication");

  /** Key number 1 to 3 as in the key information DO DE and the record names. */
  final int number;

  final int crt;
  final int attributesTag;
  final int fingerprintTag;
  final int caFingerprintTag;
  final int dateTag;
  final int uifTag;
  final int certificateOccurrence;
  final String purpose;

  KeySlot(
      int number,
      int crt,
      int attributesTag,
      int fingerprintTag,
      int caFingerprintTag,
      int dateTag,
      int uifTag,
      int certificateOccurrence,
      String purpose) {
    this.number = number;
    this.crt = crt;
    this.attributesTag = attributesTag;
    this.fingerprintTag = fingerprintTag;
    this.caFingerprintTag = caFingerprintTag;
    this.dateTag = dateTag;
    this.uifTag = uifTag;
    this.certificateOccurrence = certificateOccurrence;
    this.purpose = purpose;
  }

  static Optional<KeySlot> fromCrt(int crt) {
    for (KeySlot slot : values()) {
      if (slot.crt == crt) {
        return Optional.of(slot);
      }
    }
    return Optional.empty();
  }

  static Optional<KeySlot> fromTag(int tag, java.util.function.ToIntFunction<KeySlot> field) {
    for (KeySlot slot : values()) {
      if (field.applyAsInt(slot) == tag) {
        return Optional.of(slot);
      }
    }
    return Optional.empty();
  }
}
