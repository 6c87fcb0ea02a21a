/**
 * Key material and the private-key primitives a card needs: RSA PKCS #1 v1.5 signing and decryption
 * and the raw RSA operation (RFC 8017), ECDSA and ECDH on the NIST, secp256k1 and brainpool curves
 * (FIPS 186-4, SEC 1 v2, RFC 5639), Ed25519 (RFC 8032) and X25519 (RFC 7748). Applets (OpenPGP now,
 * PIV later) hold one {@link io.vcanokey.core.crypto.CardKey} per key slot and never touch a crypto
 * library themselves.
 *
 * <p>Depends on the JDK and BouncyCastle's lightweight API (bcprov) only. The choice of provider
 * lives here: the JDK generates RSA keys; BouncyCastle does everything else, because the JDK 17
 * provider lacks secp256k1 and brainpool and has no raw encodings for the 25519 keys.
 *
 * <p>Storage form ({@link io.vcanokey.core.crypto.CardKey#encode()}), version 1, all big-endian:
 *
 * <pre>
 *   01                      format version
 *   TT                      key type code (KeyType, stable: RSA 2048/3072/4096 01..03,
 *                           RSA 1024 04, Weierstrass 10..16, Ed25519 20, X25519 21)
 *   RSA:         LLLL e  LLLL p  LLLL q     each value unsigned, with a 2-byte length
 *   Weierstrass: d                          private scalar, coordinateLength bytes
 *   Ed25519:     seed                       32 bytes (RFC 8032, 5.1.5)
 *   X25519:      k                          32 bytes as given (RFC 7748, 5; clamped on use)
 * </pre>
 *
 * Everything else (n, d and CRT values for RSA, public points) is derived when a key is decoded, so
 * a stored key cannot hold a public part that disagrees with its private part.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>{@code CardKey} is immutable and holds no lock; the key thread may share it freely.
 *   <li>Wrong input data throws the unchecked {@link io.vcanokey.core.crypto.CryptoException};
 *       asking a key for an operation of another type throws {@link IllegalStateException}, a bug
 *       in the caller. No exception message, log line or {@code toString} carries a secret.
 *   <li>RSA private operations use CRT with blinding, and BouncyCastle verifies each result with
 *       the public exponent, so a corrupted stored key fails instead of leaking a faulty CRT
 *       signature.
 *   <li>ECDSA nonces are deterministic (RFC 6979): the result does not depend on a random source,
 *       and the published RFC 6979 vectors test it exactly.
 *   <li>Key generation takes the caller's {@code SecureRandom}, so tests can make it reproducible.
 * </ul>
 */
package io.vcanokey.core.crypto;
