package io.vcanokey.applet.admin;

import io.vcanokey.applet.ndef.NdefApplet;
import io.vcanokey.storage.StateFile;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The admin applet's per-applet resets (canokey-core inventory, section 8: INS 03, 04, 05, 07, 09
 * and 13): each deletes one applet's records, which puts the applet back to its defaults because a
 * missing record means the default. The FIDO reset also keeps the attestation material and puts
 * fresh key-wrapping secrets in the same transaction, as the key's first-use provisioning writes
 * them.
 */
enum AppletReset {
  OPENPGP(0x03, "pgp/", "OpenPGP"),
  PIV(0x04, "piv/", "PIV"),
  OATH(0x05, "oath/", "OATH"),
  NDEF(0x07, NdefApplet.RECORD_PREFIX, "NDEF"),
  CTAP(0x09, "fido/", "FIDO"),
  PASS(0x13, "pass/", "Pass");

  /**
   * FIDO records, in the format {@code io.vcanokey.key.Provisioning} writes: 32 random bytes for
   * each key-wrapping secret, a 4-byte big-endian signature counter.
   */
  static final String FIDO_ATTESTATION_PREFIX = "fido/attestation-";

  static final String FIDO_KEY_HANDLE_KEY = "fido/kh-key";
  static final String FIDO_HMAC_SECRET_KEY = "fido/he-key";
  static final String FIDO_SIGNATURE_COUNTER = "fido/sign-counter";
  static final int FIDO_SECRET_LENGTH = 32;
  static final int FIDO_COUNTER_LENGTH = 4;

  private final int ins;
  private final String prefix;
  private final String displayName;

  AppletReset(int ins, String prefix, String displayName) {
    this.ins = ins;
    this.prefix = prefix;
    this.displayName = displayName;
  }

  static Optional<AppletReset> fromIns(int ins) {
    for (AppletReset reset : values()) {
      if (reset.ins == ins) {
        return Optional.of(reset);
      }
    }
    return Optional.empty();
  }

  /** What the touch request and the log call this reset. */
  String purpose() {
    return "reset " + displayName;
  }

  /** Adds this reset's changes to {@code tx}. */
  void apply(StateFile state, StateFile.Transaction tx, SecureRandom random) {
    for (String name : state.names()) {
      if (name.startsWith(prefix) && !name.startsWith(FIDO_ATTESTATION_PREFIX)) {
        tx.delete(name);
      }
    }
    if (this == CTAP) {
      freshFidoSecrets(tx, random);
    }
  }

  /** New key-wrapping secrets (old credentials die with them) and a zero signature counter. */
  static void freshFidoSecrets(StateFile.Transaction tx, SecureRandom random) {
    byte[] keyHandleKey = new byte[FIDO_SECRET_LENGTH];
    byte[] hmacSecretKey = new byte[FIDO_SECRET_LENGTH];
    random.nextBytes(keyHandleKey);
    random.nextBytes(hmacSecretKey);
    tx.put(FIDO_KEY_HANDLE_KEY, keyHandleKey)
        .put(FIDO_HMAC_SECRET_KEY, hmacSecretKey)
        .put(FIDO_SIGNATURE_COUNTER, new byte[FIDO_COUNTER_LENGTH]);
  }
}
