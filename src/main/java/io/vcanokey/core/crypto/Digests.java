package io.vcanokey.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The message digests the applets compute (FIPS 180-4). */
public final class Digests {

  private Digests() {}

  /** SHA-256 of {@code data}. */
  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
