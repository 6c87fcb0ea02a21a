package io.vcanokey.applet.piv;

import java.util.Arrays;
import java.util.Optional;

/**
 * The asymmetric key slots of the PIV Card Application (NIST SP 800-73-4 part 1, table 4b, key
 * references and the certificate containers of table 3; part 1, 3.1.1 for the retired key
 * management keys), with the default PIN policy of SP 800-73-4 part 1, table 4b's access control
 * rules: PIV Authentication 9A after the PIN, Digital Signature 9C after the PIN right before each
 * use, Key Management 9D and the retired slots after the PIN, Card Authentication 9E always.
 * Yubico's attestation slot F9 (certificate in 5FFF01) signs attestation certificates only.
 */
enum PivSlot {
  AUTHENTICATION(0x9A, 0x5FC105, KeyPolicy.PIN_ONCE),
  SIGNATURE(0x9C, 0x5FC10A, KeyPolicy.PIN_ALWAYS),
  KEY_MANAGEMENT(0x9D, 0x5FC10B, KeyPolicy.PIN_ONCE),
  CARD_AUTHENTICATION(0x9E, 0x5FC101, KeyPolicy.PIN_NEVER),
  RETIRED_1(0x82, 0x5FC10D, KeyPolicy.PIN_ONCE),
  RETIRED_2(0x83, 0x5FC10E, KeyPolicy.PIN_ONCE),
  RETIRED_3(0x84, 0x5FC10F, KeyPolicy.PIN_ONCE),
  RETIRED_4(0x85, 0x5FC110, KeyPolicy.PIN_ONCE),
  RETIRED_5(0x86, 0x5FC111, KeyPolicy.PIN_ONCE),
  RETIRED_6(0x87, 0x5FC112, KeyPolicy.PIN_ONCE),
  RETIRED_7(0x88, 0x5FC113, KeyPolicy.PIN_ONCE),
  RETIRED_8(0x89, 0x5FC114, KeyPolicy.PIN_ONCE),
  RETIRED_9(0x8A, 0x5FC115, KeyPolicy.PIN_ONCE),
  RETIRED_10(0x8B, 0x5FC116, KeyPolicy.PIN_ONCE),
  RETIRED_11(0x8C, 0x5FC117, KeyPolicy.PIN_ONCE),
  RETIRED_12(0x8D, 0x5FC118, KeyPolicy.PIN_ONCE),
  RETIRED_13(0x8E, 0x5FC119, KeyPolicy.PIN_ONCE),
  RETIRED_14(0x8F, 0x5FC11A, KeyPolicy.PIN_ONCE),
  RETIRED_15(0x90, 0x5FC11B, KeyPolicy.PIN_ONCE),
  RETIRED_16(0x91, 0x5FC11C, KeyPolicy.PIN_ONCE),
  RETIRED_17(0x92, 0x5FC11D, KeyPolicy.PIN_ONCE),
  RETIRED_18(0x93, 0x5FC11E, KeyPolicy.PIN_ONCE),
  RETIRED_19(0x94, 0x5FC11F, KeyPolicy.PIN_ONCE),
  RETIRED_20(0x95, 0x5FC120, KeyPolicy.PIN_ONCE),
  ATTESTATION(0xF9, 0x5FFF01, KeyPolicy.PIN_NEVER);

  final int reference;
  final int certificateTag;
  final int defaultPinPolicy;

  PivSlot(int reference, int certificateTag, int defaultPinPolicy) {
    this.reference = reference;
    this.certificateTag = certificateTag;
    this.defaultPinPolicy = defaultPinPolicy;
  }

  static Optional<PivSlot> fromReference(int reference) {
    return Arrays.stream(values()).filter(s -> s.reference == reference).findFirst();
  }

  /** "9A": how logs and touch prompts name the slot. */
  String label() {
    return String.format("%02X", reference);
  }
}
