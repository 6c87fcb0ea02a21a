package io.vcanokey.applet.oath;

import java.util.Optional;

/**
 * The OATH credential types of the YKOATH protocol: the high nibble of the type-and-algorithm byte
 * in PUT's key tag (73) and in LIST's entries (72).
 */
enum OathType {
  /** Counter-based one-time password, RFC 4226. */
  HOTP(0x10),
  /** Time-based one-time password, RFC 6238 (the host turns the time into the challenge). */
  TOTP(0x20);

  static final int MASK = 0xF0;

  private final int value;

  OathType(int value) {
    this.value = value;
  }

  /** The wire value, already in the high nibble. */
  int value() {
    return value;
  }

  /** The type in the high nibble of {@code typeAndAlgorithm}; empty for an unknown type. */
  static Optional<OathType> fromValue(int typeAndAlgorithm) {
    int nibble = typeAndAlgorithm & MASK;
    for (OathType type : values()) {
      if (type.value == nibble) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
