package io.vcanokey.core.crypto;

import java.security.MessageDigest;
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
    byte[] da = Digests.sha256(a);
    byte[] db = Digests.sha256(b);
    boolean equal = MessageDigest.isEqual(da, db);
    Arrays.fill(da, (byte) 0);
    Arrays.fill(db, (byte) 0);
    return equal;
  }
}
