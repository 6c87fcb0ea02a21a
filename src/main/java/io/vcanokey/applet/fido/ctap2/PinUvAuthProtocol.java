package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;
import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.CryptoException;
import io.vcanokey.core.crypto.Digests;
import io.vcanokey.core.crypto.KeyType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * PIN/UV auth protocols one and two (CTAP 2.1, sections 6.5.6 and 6.5.7): the authenticator side of
 * the ECDH P-256 key agreement, the KDF turning its secret into keys, and the encrypt, decrypt,
 * authenticate and verify operations built on AES-256-CBC and HMAC-SHA-256.
 *
 * <p>The key agreement key pair is shared by both protocols and lives in {@link KeyAgreement}; the
 * two protocols differ only in the KDF, the IV and the length of the authentication tag.
 */
public enum PinUvAuthProtocol {
  /** PIN/UV auth protocol one (6.5.6): SHA-256 KDF, zero IV, 16-byte tags. */
  ONE(1),
  /** PIN/UV auth protocol two (6.5.7): HKDF-SHA-256 KDF, random IV, 32-byte tags. */
  TWO(2);

  // COSE_Key members and values of the key agreement key (CTAP 2.1, 6.5.6 getPublicKey; RFC 8152).
  public static final int COSE_KTY = 1;
  public static final int COSE_ALG = 3;
  public static final int COSE_CRV = -1;
  public static final int COSE_X = -2;
  public static final int COSE_Y = -3;
  public static final int COSE_KTY_EC2 = 2;
  public static final int COSE_CRV_P256 = 1;

  /** COSE algorithm ECDH-ES + HKDF-256, the alg every PIN protocol key carries (6.5.6). */
  public static final int COSE_ALG_ECDH_ES_HKDF_256 = -25;

  /** AES block and IV size. */
  public static final int AES_BLOCK = 16;

  private static final int COORDINATE_LENGTH = 32;
  private static final int HKDF_LENGTH = 32;
  private static final byte[] HKDF_SALT = new byte[32];
  private static final byte[] INFO_HMAC_KEY = "CTAP2 HMAC key".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] INFO_AES_KEY = "CTAP2 AES key".getBytes(StandardCharsets.US_ASCII);

  private final int version;

  PinUvAuthProtocol(int version) {
    this.version = version;
  }

  /** The protocol number clients send as pinUvAuthProtocol. */
  public int version() {
    return version;
  }

  /** The protocol numbered {@code version}, or null if it is not 1 or 2. */
  public static PinUvAuthProtocol fromVersion(long version) {
    for (PinUvAuthProtocol p : values()) {
      if (p.version == version) {
        return p;
      }
    }
    return null;
  }

  /**
   * kdf(Z): protocol one hashes Z with SHA-256 (32 bytes); protocol two derives the HMAC key and
   * the AES key with HKDF-SHA-256 (RFC 5869), salt 32 zero bytes, and returns both (64 bytes).
   */
  public byte[] kdf(byte[] z) {
    if (this == ONE) {
      return Digests.sha256(z);
    }
    byte[] out = new byte[2 * HKDF_LENGTH];
    System.arraycopy(hkdf(z, INFO_HMAC_KEY), 0, out, 0, HKDF_LENGTH);
    System.arraycopy(hkdf(z, INFO_AES_KEY), 0, out, HKDF_LENGTH, HKDF_LENGTH);
    return out;
  }

  /**
   * encrypt(key, demPlaintext): AES-256-CBC without padding; protocol one with a zero IV, protocol
   * two with a random IV prepended to the ciphertext and the AES half of the shared secret.
   *
   * @param plaintext a multiple of 16 bytes
   */
  public byte[] encrypt(byte[] key, byte[] plaintext, SecureRandom random) {
    if (plaintext.length % AES_BLOCK != 0) {
      throw new IllegalArgumentException("plaintext must be a multiple of 16 bytes");
    }
    if (this == ONE) {
      return aesCbc(Cipher.ENCRYPT_MODE, key, new byte[AES_BLOCK], plaintext);
    }
    byte[] iv = new byte[AES_BLOCK];
    random.nextBytes(iv);
    byte[] body = aesCbc(Cipher.ENCRYPT_MODE, aesKey(key), iv, plaintext);
    byte[] out = new byte[AES_BLOCK + body.length];
    System.arraycopy(iv, 0, out, 0, AES_BLOCK);
    System.arraycopy(body, 0, out, AES_BLOCK, body.length);
    return out;
  }

  /**
   * decrypt(key, demCiphertext); null (the spec's "error") when the ciphertext is not a multiple of
   * 16 bytes, or for protocol two shorter than its IV.
   */
  public byte[] decrypt(byte[] key, byte[] ciphertext) {
    if (this == ONE) {
      if (ciphertext.length % AES_BLOCK != 0) {
        return null;
      }
      return aesCbc(Cipher.DECRYPT_MODE, key, new byte[AES_BLOCK], ciphertext);
    }
    if (ciphertext.length < AES_BLOCK || ciphertext.length % AES_BLOCK != 0) {
      return null;
    }
    byte[] iv = Arrays.copyOf(ciphertext, AES_BLOCK);
    byte[] body = Arrays.copyOfRange(ciphertext, AES_BLOCK, ciphertext.length);
    return aesCbc(Cipher.DECRYPT_MODE, aesKey(key), iv, body);
  }

  /**
   * authenticate(key, message): protocol one LEFT(HMAC-SHA-256(key, message), 16); protocol two the
   * full HMAC-SHA-256 keyed with the first 32 bytes of the key (the HMAC key of a shared secret, or
   * the whole of a 32-byte token).
   */
  public byte[] authenticate(byte[] key, byte[] message) {
    if (this == ONE) {
      return Arrays.copyOf(hmac(key, message), AES_BLOCK);
    }
    return hmac(Arrays.copyOf(key, HKDF_LENGTH), message);
  }

  /** verify(key, message, signature): true only if signature is exactly authenticate's output. */
  public boolean verify(byte[] key, byte[] message, byte[] signature) {
    return MessageDigest.isEqual(authenticate(key, message), signature);
  }

  /** The platform key agreement's shared secret kdf(ECDH(authenticator key, peer)). */
  public byte[] decapsulate(KeyAgreement keyAgreement, CBORObject peerCoseKey) {
    return kdf(keyAgreement.ecdh(peerCoseKey));
  }

  private static byte[] aesKey(byte[] sharedSecret) {
    return Arrays.copyOfRange(sharedSecret, HKDF_LENGTH, sharedSecret.length);
  }

  private static byte[] hkdf(byte[] ikm, byte[] info) {
    // RFC 5869, 2.2 and 2.3, one output block (L = 32 = HashLen).
    byte[] prk = hmac(HKDF_SALT, ikm);
    byte[] t1Input = Arrays.copyOf(info, info.length + 1);
    t1Input[info.length] = 0x01;
    return hmac(prk, t1Input);
  }

  static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HMAC-SHA-256", e);
    }
  }

  private static byte[] aesCbc(int mode, byte[] key, byte[] iv, byte[] data) {
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return cipher.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-CBC failed", e);
    }
  }

  /**
   * The authenticator's key agreement key (6.5.6 initialize / regenerate / getPublicKey / ecdh), a
   * P-256 key pair shared by both protocols.
   */
  public static final class KeyAgreement {
    private final SecureRandom random;
    private CardKey key;

    public KeyAgreement(SecureRandom random) {
      this.random = random;
      regenerate();
    }

    /** regenerate(): a fresh key pair, so earlier shared secrets stop working. */
    public void regenerate() {
      key = CardKey.generate(KeyType.NIST_P256, random);
    }

    /** getPublicKey(): the COSE_Key {1: 2, 3: -25, -1: 1, -2: x, -3: y}. */
    public CBORObject publicKey() {
      byte[] point = key.publicKey();
      CBORObject cose = CBORObject.NewMap();
      cose.Add(COSE_KTY, COSE_KTY_EC2);
      cose.Add(COSE_ALG, COSE_ALG_ECDH_ES_HKDF_256);
      cose.Add(COSE_CRV, COSE_CRV_P256);
      cose.Add(COSE_X, Arrays.copyOfRange(point, 1, 1 + COORDINATE_LENGTH));
      cose.Add(COSE_Y, Arrays.copyOfRange(point, 1 + COORDINATE_LENGTH, point.length));
      return cose;
    }

    /**
     * ecdh(peerCoseKey): the x-coordinate of d * Q. The peer must be an EC2 P-256 COSE_Key with
     * 32-byte coordinates on the curve; alg is not checked, as 6.5.6 does not require it.
     *
     * @throws CryptoException if it is not
     */
    public byte[] ecdh(CBORObject peerCoseKey) {
      if (peerCoseKey == null || peerCoseKey.getType() != CBORType.Map) {
        throw new CryptoException("keyAgreement is not a COSE_Key map");
      }
      CBORObject kty = peerCoseKey.GetOrDefault(COSE_KTY, null);
      CBORObject crv = peerCoseKey.GetOrDefault(COSE_CRV, null);
      CBORObject x = peerCoseKey.GetOrDefault(COSE_X, null);
      CBORObject y = peerCoseKey.GetOrDefault(COSE_Y, null);
      if (!isInt(kty, COSE_KTY_EC2) || !isInt(crv, COSE_CRV_P256)) {
        throw new CryptoException("keyAgreement is not an EC2 P-256 key");
      }
      if (!isCoordinate(x) || !isCoordinate(y)) {
        throw new CryptoException("keyAgreement coordinates must be 32-byte strings");
      }
      byte[] point = new byte[1 + 2 * COORDINATE_LENGTH];
      point[0] = 0x04;
      System.arraycopy(x.GetByteString(), 0, point, 1, COORDINATE_LENGTH);
      System.arraycopy(y.GetByteString(), 0, point, 1 + COORDINATE_LENGTH, COORDINATE_LENGTH);
      return key.agree(point);
    }

    private static boolean isInt(CBORObject value, int expected) {
      return value != null
          && value.getType() == CBORType.Integer
          && value.CanValueFitInInt32()
          && value.AsInt32Value() == expected;
    }

    private static boolean isCoordinate(CBORObject value) {
      return value != null
          && value.getType() == CBORType.ByteString
          && value.GetByteString().length == COORDINATE_LENGTH;
    }
  }
}
