package io.vcanokey.applet.piv;

import static io.vcanokey.applet.piv.PivApplet.RSA_EXPONENT;
import static io.vcanokey.applet.piv.PivApplet.TAG_EC_PRIVATE;
import static io.vcanokey.applet.piv.PivApplet.TAG_ED25519_PRIVATE;
import static io.vcanokey.applet.piv.PivApplet.TAG_RSA_DP;
import static io.vcanokey.applet.piv.PivApplet.TAG_RSA_DQ;
import static io.vcanokey.applet.piv.PivApplet.TAG_RSA_P;
import static io.vcanokey.applet.piv.PivApplet.TAG_RSA_Q;
import static io.vcanokey.applet.piv.PivApplet.TAG_RSA_QINV;
import static io.vcanokey.applet.piv.PivApplet.TAG_X25519_PRIVATE;

import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.CryptoException;
import java.math.BigInteger;

/**
 * The private key of a Yubico IMPORT ASYMMETRIC KEY command, from its parts indexed by tag: RSA 01
 * p, 02 q, 03 dp, 04 dq, 05 qInv (e is 65537); ECC 06 the private scalar; Ed25519 07 and X25519 08
 * the 32-byte private key (06 is taken for them too).
 */
final class KeyImport {

  private KeyImport() {}

  /**
   * The key the parts give.
   *
   * @throws CryptoException when a part is missing, belongs to another algorithm, or the values do
   *     not make a valid key (CRT values that do not match p and q included)
   */
  static CardKey key(PivAlgorithm algorithm, byte[][] parts) {
    if (algorithm.type.isRsa()) {
      for (int tag = TAG_RSA_P; tag <= TAG_RSA_QINV; tag++) {
        if (parts[tag] == null) {
          throw new CryptoException("RSA import needs 01 to 05");
        }
      }
      requireNone(parts, TAG_EC_PRIVATE, TAG_ED25519_PRIVATE, TAG_X25519_PRIVATE);
      BigInteger p = new BigInteger(1, parts[TAG_RSA_P]);
      BigInteger q = new BigInteger(1, parts[TAG_RSA_Q]);
      CardKey key = CardKey.rsaFromPrimes(algorithm.type, RSA_EXPONENT, p, q);
      // The host sends the CRT values too; they must be the ones p, q and e give.
      BigInteger dp = RSA_EXPONENT.modInverse(p.subtract(BigInteger.ONE));
      BigInteger dq = RSA_EXPONENT.modInverse(q.subtract(BigInteger.ONE));
      if (!dp.equals(new BigInteger(1, parts[TAG_RSA_DP]))
          || !dq.equals(new BigInteger(1, parts[TAG_RSA_DQ]))
          || !q.modInverse(p).equals(new BigInteger(1, parts[TAG_RSA_QINV]))) {
        throw new CryptoException("RSA CRT values do not match p and q");
      }
      return key;
    }
    requireNone(parts, TAG_RSA_P, TAG_RSA_Q, TAG_RSA_DP, TAG_RSA_DQ, TAG_RSA_QINV);
    int own =
        switch (algorithm) {
          case ED25519 -> TAG_ED25519_PRIVATE;
          case X25519 -> TAG_X25519_PRIVATE;
          default -> TAG_EC_PRIVATE;
        };
    byte[] value = null;
    for (int tag = TAG_EC_PRIVATE; tag <= TAG_X25519_PRIVATE; tag++) {
      if (parts[tag] == null) {
        continue;
      }
      if (value != null || (tag != own && tag != TAG_EC_PRIVATE)) {
        throw new CryptoException("one private key value of the algorithm's own tag");
      }
      value = parts[tag];
    }
    if (value == null) {
      throw new CryptoException("no private key value");
    }
    return CardKey.fromScalar(algorithm.type, value);
  }

  private static void requireNone(byte[][] parts, int... tags) {
    for (int tag : tags) {
      if (parts[tag] != null) {
        throw new CryptoException("tag " + tag + " does not belong to this algorithm");
      }
    }
  }
}
