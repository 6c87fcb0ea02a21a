package io.vcanokey.applet.fido;

import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.CryptoException;
import io.vcanokey.core.crypto.KeyType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A credential ID (CTAP2) or key handle (U2F) that wraps its own private key, so non-discoverable
 * credentials need no storage (canokey-core inventory 3.9). The layout is fixed at {@link #LENGTH}
 * bytes:
 *
 * <pre>
 * offset len
 *   0    16  tag: first 16 bytes of HMAC-SHA256(credential private key, bytes 34..69)
 *  16    16  random nonce
 *  32     1  discoverable flag (1 = resident)
 *  33     1  credProtect level (U2F uses 1)
 *  34    32  rpIdHash (U2F: application parameter)
 *  66     4  COSE algorithm, signed 32-bit little-endian
 * </pre>
 *
 * <p>The private key is HMAC-SHA256(KH_KEY, bytes 16..33): a P-256 scalar for ES256 or an Ed25519
 * seed for EdDSA. KH_KEY is the provisioned record {@code fido/kh-key}. The tag binds the handle to
 * its relying party, its algorithm and this key's KH_KEY; {@link #unwrap} refuses any handle whose
 * tag does not match.
 *
 * <p>Deviation from the reference: its tag covers the rpIdHash only, so flipping the algorithm
 * bytes of a valid handle turns it into another valid handle using the same secret as a key of the
 * other algorithm. Our tag covers rpIdHash and algorithm (bytes 34..69); the layout is unchanged.
 * The discoverable flag and credProtect level need no tag coverage: they feed the key derivation.
 *
 * @param nonce 16 random bytes
 * @param discoverable whether the credential is stored as a discoverable credential
 * @param credProtect credProtect level 1..3 (CTAP 2.1, 12.1)
 * @param rpIdHash SHA-256 of the RP ID (U2F: the application parameter)
 * @param alg COSE algorithm identifier, {@link #COSE_ES256} or {@link #COSE_EDDSA}
 * @param tag 16-byte authentication tag
 */
public record CredentialId(
    byte[] nonce, boolean discoverable, int credProtect, byte[] rpIdHash, int alg, byte[] tag) {

  /** Length of every credential ID and key handle (inventory 3.9). */
  public static final int LENGTH = 70;

  /** COSE algorithm ES256: ECDSA with P-256 and SHA-256 (RFC 8152, 8.1). */
  public static final int COSE_ES256 = -7;

  /** COSE algorithm EdDSA, here Ed25519 (RFC 8152, 8.2). */
  public static final int COSE_EDDSA = -8;

  static final int TAG_LENGTH = 16;
  static final int NONCE_LENGTH = 16;
  static final int RP_ID_HASH_LENGTH = 32;

  private static final int OFFSET_NONCE = 16;
  private static final int OFFSET_DISCOVERABLE = 32;
  private static final int OFFSET_CRED_PROTECT = 33;
  private static final int OFFSET_RP_ID_HASH = 34;
  private static final int OFFSET_ALG = 66;

  /** The derivation input: nonce, discoverable flag and credProtect level (bytes 16..33). */
  private static final int DERIVATION_INPUT_LENGTH = NONCE_LENGTH + 2;

  /** A fresh credential: its ID and the private key the ID wraps. */
  public record Wrapped(CredentialId id, CardKey privateKey) {}

  /** Checks the field lengths; the arrays are kept as given. */
  public CredentialId {
    requireLength(nonce, NONCE_LENGTH, "nonce");
    requireLength(rpIdHash, RP_ID_HASH_LENGTH, "rpIdHash");
    requireLength(tag, TAG_LENGTH, "tag");
    if (credProtect < 0 || credProtect > 0xFF) {
      throw new IllegalArgumentException("credProtect must fit one byte: " + credProtect);
    }
  }

  /**
   * Creates a new credential for {@code rpIdHash}: draws a nonce, derives the private key and tags
   * the ID. A nonce giving an invalid P-256 scalar (probability about 2^-32) is drawn again.
   *
   * @param khKey the 32-byte key-handle key ({@code fido/kh-key})
   * @throws IllegalArgumentException for an unsupported algorithm or a wrong field length
   */
  public static Wrapped wrap(
      byte[] khKey,
      byte[] rpIdHash,
      int alg,
      boolean discoverable,
      int credProtect,
      SecureRandom random) {
    KeyType type =
        keyType(alg)
            .orElseThrow(() -> new IllegalArgumentException("unsupported COSE algorithm " + alg));
    requireLength(rpIdHash, RP_ID_HASH_LENGTH, "rpIdHash");
    while (true) {
      byte[] nonce = new byte[NONCE_LENGTH];
      random.nextBytes(nonce);
      byte[] secret = derive(khKey, nonce, discoverable, credProtect);
      CardKey key;
      try {
        key = CardKey.fromScalar(type, secret);
      } catch (CryptoException e) {
        continue; // scalar 0 or >= order: draw another nonce (inventory 3.9)
      }
      byte[] tag = tag(secret, rpIdHash, alg);
      Arrays.fill(secret, (byte) 0);
      CredentialId id =
          new CredentialId(nonce, discoverable, credProtect, rpIdHash.clone(), alg, tag);
      return new Wrapped(id, key);
    }
  }

  /**
   * Parses the fixed layout without checking the tag.
   *
   * @return empty when {@code encoded} is not {@link #LENGTH} bytes or its discoverable flag is
   *     neither 0 nor 1
   */
  public static Optional<CredentialId> decode(byte[] encoded) {
    if (encoded == null || encoded.length != LENGTH || (encoded[OFFSET_DISCOVERABLE] & 0xFE) != 0) {
      return Optional.empty();
    }
    int alg = ByteBuffer.wrap(encoded, OFFSET_ALG, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return Optional.of(
        new CredentialId(
            Arrays.copyOfRange(encoded, OFFSET_NONCE, OFFSET_DISCOVERABLE),
            encoded[OFFSET_DISCOVERABLE] == 1,
            encoded[OFFSET_CRED_PROTECT] & 0xFF,
            Arrays.copyOfRange(encoded, OFFSET_RP_ID_HASH, OFFSET_ALG),
            alg,
            Arrays.copyOfRange(encoded, 0, TAG_LENGTH)));
  }

  /** The 70-byte wire form. */
  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(LENGTH);
    out.put(tag).put(nonce);
    out.put((byte) (discoverable ? 1 : 0)).put((byte) credProtect).put(rpIdHash);
    out.order(ByteOrder.LITTLE_ENDIAN).putInt(alg);
    return out.array();
  }

  /**
   * Recovers the private key wrapped in {@code encoded}, if it is one of this key's IDs for {@code
   * rpIdHash}.
   *
   * @param khKey the 32-byte key-handle key ({@code fido/kh-key})
   * @return the ID and its key; empty when the length, the RP, the algorithm or the tag is wrong
   */
  public static Optional<Wrapped> unwrap(byte[] khKey, byte[] encoded, byte[] rpIdHash) {
    Optional<CredentialId> decoded = decode(encoded);
    if (decoded.isEmpty()) {
      return Optional.empty();
    }
    CredentialId id = decoded.get();
    Optional<KeyType> type = keyType(id.alg);
    if (type.isEmpty() || !MessageDigest.isEqual(id.rpIdHash, rpIdHash)) {
      return Optional.empty();
    }
    byte[] secret = derive(khKey, id.nonce, id.discoverable, id.credProtect);
    try {
      if (!MessageDigest.isEqual(tag(secret, id.rpIdHash, id.alg), id.tag)) {
        return Optional.empty();
      }
      return Optional.of(new Wrapped(id, CardKey.fromScalar(type.get(), secret)));
    } catch (CryptoException e) {
      return Optional.empty(); // we never issue an invalid scalar, so the ID is not ours
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** The key type for a COSE algorithm this wrapping supports. */
  public static Optional<KeyType> keyType(int alg) {
    return switch (alg) {
      case COSE_ES256 -> Optional.of(KeyType.NIST_P256);
      case COSE_EDDSA -> Optional.of(KeyType.ED25519);
      default -> Optional.empty();
    };
  }

  private static byte[] derive(byte[] khKey, byte[] nonce, boolean discoverable, int credProtect) {
    Objects.requireNonNull(khKey, "khKey");
    byte[] input = new byte[DERIVATION_INPUT_LENGTH];
    System.arraycopy(nonce, 0, input, 0, NONCE_LENGTH);
    input[NONCE_LENGTH] = (byte) (discoverable ? 1 : 0);
    input[NONCE_LENGTH + 1] = (byte) credProtect;
    return hmacSha256(khKey, input);
  }

  private static byte[] tag(byte[] secret, byte[] rpIdHash, int alg) {
    byte[] covered =
        ByteBuffer.allocate(RP_ID_HASH_LENGTH + 4)
            .put(rpIdHash)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(alg)
            .array();
    return Arrays.copyOf(hmacSha256(secret, covered), TAG_LENGTH);
  }

  private static byte[] hmacSha256(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is missing from the JDK", e);
    }
  }

  private static void requireLength(byte[] value, int length, String name) {
    Objects.requireNonNull(value, name);
    if (value.length != length) {
      throw new IllegalArgumentException(
          name + " must be " + length + " bytes, got " + value.length);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CredentialId other && Arrays.equals(encode(), other.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "CredentialId[alg="
        + alg
        + ", discoverable="
        + discoverable
        + ", credProtect="
        + credProtect
        + "]";
  }
}
