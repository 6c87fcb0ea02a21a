package io.vcanokey.applet.piv;

import io.vcanokey.core.crypto.KeyType;
import java.util.Arrays;
import java.util.Optional;

/**
 * Asymmetric key algorithms with their PIV algorithm identifiers: SP 800-78-4 table 6-2 (RSA 1024
 * 06, RSA 2048 07, ECC P-256 11, ECC P-384 14) and the identifiers YubiKey firmware 5.7 added (RSA
 * 3072 05, RSA 4096 16, Ed25519 E0, X25519 E1; Yubico, "PIV: supported algorithms").
 */
enum PivAlgorithm {
  RSA_1024(0x06, KeyType.RSA_1024, false),
  RSA_2048(0x07, KeyType.RSA_2048, true),
  RSA_3072(0x05, KeyType.RSA_3072, true),
  RSA_4096(0x16, KeyType.RSA_4096, true),
  ECC_P256(0x11, KeyType.NIST_P256, true),
  ECC_P384(0x14, KeyType.NIST_P384, true),
  ED25519(0xE0, KeyType.ED25519, true),
  X25519(0xE1, KeyType.X25519, true);

  final int id;
  final KeyType type;

  /** False for RSA 1024: SP 800-78-4 allows no new 1024-bit keys, so it is import-only here. */
  final boolean generatable;

  PivAlgorithm(int id, KeyType type, boolean generatable) {
    this.id = id;
    this.type = type;
    this.generatable = generatable;
  }

  static Optional<PivAlgorithm> fromId(int id) {
    return Arrays.stream(values()).filter(a -> a.id == id).findFirst();
  }

  static Optional<PivAlgorithm> fromType(KeyType type) {
    return Arrays.stream(values()).filter(a -> a.type == type).findFirst();
  }
}
