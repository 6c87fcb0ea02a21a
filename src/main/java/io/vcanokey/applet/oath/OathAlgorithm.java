package io.vcanokey.applet.oath;

import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC algorithms of the YKOATH protocol: the low nibble of the type-and-algorithm byte (01
 * HMAC-SHA1, 02 HMAC-SHA256, 03 HMAC-SHA512), as RFC 4226 section 5 and RFC 6238 section 1.2 allow.
 */
enum OathAlgorithm {
  SHA1(0x01, "HmacSHA1", 64),
  SHA256(0x02, "HmacSHA256", 64),
  SHA512(0x03, "HmacSHA512", 128);

  static final int MASK = 0x0F;

  private final int value;
  private final String jcaName;
  private final int blockSize;

  OathAlgorithm(int value, String jcaName, int blockSize) {
    this.value = value;
    this.jcaName = jcaName;
    this.blockSize = blockSize;
  }

  /** The wire value, in the low nibble. */
  int value() {
    return value;
  }

  /**
   * The hash's block size B (RFC 2104, section 2). Hosts hash longer secrets down before PUT, so a
   * longer secret is a host error.
   */
  int blockSize() {
    return blockSize;
  }

  /** The algorithm in the low nibble of {@code typeAndAlgorithm}; empty for an unknown value. */
  static Optional<OathAlgorithm> fromValue(int typeAndAlgorithm) {
    int nibble = typeAndAlgorithm & MASK;
    for (OathAlgorithm algorithm : values()) {
      if (algorithm.value == nibble) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }

  /**
   * HMAC of {@code message} under {@code key} (RFC 2104). An empty key is the same HMAC key as one
   * zero byte, since HMAC pads keys with zeros to the block size; the JCA refuses empty keys.
   */
  byte[] mac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance(jcaName);
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, jcaName));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(jcaName + " is part of every Java 17 runtime", e);
    }
  }
}
