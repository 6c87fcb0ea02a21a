package io.vcanokey.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** Comparison of secrets (PINs, passwords) that leaks nothing through its timing. */
public final class Secrets {

  private Secrets() {}

  /**
   * Compares two secrets in time that depends on neither their content nor their lengths: both are
   * hashed to 32 bytes first, then compared with {@link MessageDigest#isEqual}, which is constant
   * time for equal lengths.
   */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    byte[] da = sha256(a);
    byte[] db = sha256(b);
    boolean equal = MessageDigest.isEqual(da, db);
    Arrays.fill(da, (byte) 0);
    Arrays.fill(db, (byte) 0);
    return equal;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
