package io.vcanokey.core.crypto;

import java.util.EnumMap;
import java.util.Map;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/**
 * Domain parameters of the short Weierstrass curves in {@link KeyType}: SEC 2 v2 (NIST curves,
 * secp256k1) and RFC 5639 (brainpool), as BouncyCastle tabulates them.
 */
final class Curves {

  private static final Map<KeyType, ECDomainParameters> DOMAINS = new EnumMap<>(KeyType.class);

  static {
    DOMAINS.put(KeyType.NIST_P256, load("secp256r1"));
    DOMAINS.put(KeyType.NIST_P384, load("secp384r1"));
    DOMAINS.put(KeyType.NIST_P521, load("secp521r1"));
    DOMAINS.put(KeyType.SECP256K1, load("secp256k1"));
    DOMAINS.put(KeyType.BRAINPOOL_P256R1, load("brainpoolP256r1"));
    DOMAINS.put(KeyType.BRAINPOOL_P384R1, load("brainpoolP384r1"));
    DOMAINS.put(KeyType.BRAINPOOL_P512R1, load("brainpoolP512r1"));
  }

  private Curves() {}

  /** The domain of a Weierstrass key type. */
  static ECDomainParameters domain(KeyType type) {
    ECDomainParameters domain = DOMAINS.get(type);
    if (domain == null) {
      throw new IllegalArgumentException(type + " is not a Weierstrass curve");
    }
    return domain;
  }

  private static ECDomainParameters load(String name) {
    // The custom (specialised field arithmetic) implementation when BouncyCastle has one.
    X9ECParameters x9 = CustomNamedCurves.getByName(name);
    if (x9 == null) {
      x9 = ECNamedCurveTable.getByName(name);
    }
    if (x9 == null) {
      throw new IllegalStateException("BouncyCastle lacks curve " + name);
    }
    return new ECDomainParameters(x9);
  }
}
