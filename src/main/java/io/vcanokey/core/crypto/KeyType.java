package io.vcanokey.core.crypto;

import io.vcanokey.core.bytes.Hex;
import java.util.Arrays;
import java.util.Optional;

/**
 * The key algorithms a card key may use: RSA moduli of OpenPGP card 3.4 (section 4.4.3.9, algorithm
 * attributes) and the elliptic curves of its section 4.4.3.10 / RFC 6637 and RFC 4880bis, each with
 * its curve OID, plus RSA 1024, which only PIV takes (by import, for old tools; NIST SP 800-78-4
 * table 3-1 no longer allows it for new keys). OpenPGP's algorithm attributes never offer it.
 */
public enum KeyType {
  /** RSA with a 1024-bit modulus: PIV key import only (YubiKey algorithm 06). */
  RSA_1024(0x04, 1024, 128, ""),
  RSA_2048(0x01, 2048, 256, ""),
  RSA_3072(0x02, 3072, 384, ""),
  RSA_4096(0x03, 4096, 512, ""),
  /** NIST P-256, OID 1.2.840.10045.3.1.7 (RFC 5480, 2.1.1.1). */
  NIST_P256(0x10, 256, 32, "2A8648CE3D030107"),
  /** NIST P-384, OID 1.3.132.0.34 (RFC 5480, 2.1.1.1). */
  NIST_P384(0x11, 384, 48, "2B81040022"),
  /** NIST P-521, OID 1.3.132.0.35 (RFC 5480, 2.1.1.1). */
  NIST_P521(0x12, 521, 66, "2B81040023"),
  /** secp256k1, OID 1.3.132.0.10 (SEC 2 v2, 2.4.1). */
  SECP256K1(0x13, 256, 32, "2B8104000A"),
  /** brainpoolP256r1, OID 1.3.36.3.3.2.8.1.1.7 (RFC 5639, 4.1). */
  BRAINPOOL_P256R1(0x14, 256, 32, "2B2403030208010107"),
  /** brainpoolP384r1, OID 1.3.36.3.3.2.8.1.1.11 (RFC 5639, 4.1). */
  BRAINPOOL_P384R1(0x15, 384, 48, "2B240303020801010B"),
  /** brainpoolP512r1, OID 1.3.36.3.3.2.8.1.1.13 (RFC 5639, 4.1). */
  BRAINPOOL_P512R1(0x16, 512, 64, "2B240303020801010D"),
  /**
   * Ed25519 with the OpenPGP OID 1.3.6.1.4.1.11591.15.1 (RFC 4880bis, 9.2), the one gpg puts in the
   * card's algorithm attributes.
   */
  ED25519(0x20, 255, 32, "2B06010401DA470F01"),
  /** X25519 with the OpenPGP OID 1.3.6.1.4.1.3029.1.5.1 (RFC 4880bis, 9.2, "Curve25519"). */
  X25519(0x21, 255, 32, "2B060104019755010501");

  /** Ed25519 OID 1.3.101.112 of RFC 8410, section 3; {@link #byCurveOid} accepts it too. */
  private static final byte[] OID_ED25519_RFC8410 = Hex.decode("2B6570");

  /** X25519 OID 1.3.101.110 of RFC 8410, section 3; {@link #byCurveOid} accepts it too. */
  private static final byte[] OID_X25519_RFC8410 = Hex.decode("2B656E");

  private final int storageCode;
  private final int bits;
  private final int coordinateLength;
  private final byte[] curveOid;

  KeyType(int storageCode, int bits, int coordinateLength, String curveOidHex) {
    this.storageCode = storageCode;
    this.bits = bits;
    this.coordinateLength = coordinateLength;
    this.curveOid = Hex.decode(curveOidHex);
  }

  public boolean isRsa() {
    return this == RSA_1024 || this == RSA_2048 || this == RSA_3072 || this == RSA_4096;
  }

  /** True for the short Weierstrass curves (NIST, secp256k1, brainpool): ECDSA and ECDH. */
  public boolean isWeierstrass() {
    return !isRsa() && !isEdwards() && !isMontgomery();
  }

  /** True for Ed25519 (RFC 8032). */
  public boolean isEdwards() {
    return this == ED25519;
  }

  /** True for X25519 (RFC 7748). */
  public boolean isMontgomery() {
    return this == X25519;
  }

  /** Modulus bits for RSA, field size in bits for curves (255 for the 25519 curves). */
  public int bits() {
    return bits;
  }

  /** Bytes of one coordinate or scalar (32, 48, 66, 32, 32, 48, 64, 32, 32); RSA: modulus bytes. */
  public int coordinateLength() {
    return coordinateLength;
  }

  /** The curve OID's DER content bytes, without tag and length; empty for RSA. A copy. */
  public byte[] curveOid() {
    return curveOid.clone();
  }

  /**
   * The curve named by a DER OID's content bytes. Besides each type's own OID, the RFC 8410 OIDs
   * for Ed25519 and X25519 are recognised.
   */
  public static Optional<KeyType> byCurveOid(byte[] oidContent) {
    if (oidContent == null || oidContent.length == 0) {
      return Optional.empty();
    }
    if (Arrays.equals(oidContent, OID_ED25519_RFC8410)) {
      return Optional.of(ED25519);
    }
    if (Arrays.equals(oidContent, OID_X25519_RFC8410)) {
      return Optional.of(X25519);
    }
    for (KeyType type : values()) {
      if (Arrays.equals(type.curveOid, oidContent)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The byte naming this type in {@link CardKey#encode()}; stable across releases. */
  int storageCode() {
    return storageCode;
  }

  static Optional<KeyType> byStorageCode(int code) {
    for (KeyType type : values()) {
      if (type.storageCode == code) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
