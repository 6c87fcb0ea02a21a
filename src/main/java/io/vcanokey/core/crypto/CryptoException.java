package io.vcanokey.core.crypto;

/**
 * Bad input to a key operation: a point not on the curve, a cryptogram whose PKCS #1 v1.5 padding
 * (RFC 8017, 7.2.2) does not check, a block or scalar of the wrong length, or a stored key that
 * does not decode. Callers (the applets) map it to their own status word.
 *
 * <p>Messages name what was wrong and never carry key material or plaintext.
 */
public final class CryptoException extends RuntimeException {

  public CryptoException(String message) {
    super(message);
  }

  public CryptoException(String message, Throwable cause) {
    super(message, cause);
  }
}
