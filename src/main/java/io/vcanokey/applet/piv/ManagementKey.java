package io.vcanokey.applet.piv;

import io.vcanokey.core.bytes.Hex;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The PIV Card Application Administration Key (key reference 9B, NIST SP 800-73-4 part 1, table 4;
 * algorithms of SP 800-78-4 table 5-1: 03 three-key TDES, 08 AES-128, 0A AES-192, 0C AES-256) with
 * its touch policy (Yubico SET MANAGEMENT KEY, P2 FF never or FE always). The factory key is the
 * TDES key 0102030405060708 three times, as YubiKeys and the reference key ship it.
 *
 * <p>Stored as {@code algorithm || touch policy || key bytes}; a missing or malformed record means
 * the factory key.
 */
record ManagementKey(Algorithm algorithm, int touchPolicy, byte[] key) {

  /** Algorithm references of SP 800-78-4 table 5-1 and their block sizes. */
  enum Algorithm {
    TDES(0x03, 24, 8, "DESede"),
    AES_128(0x08, 16, 16, "AES"),
    AES_192(0x0A, 24, 16, "AES"),
    AES_256(0x0C, 32, 16, "AES");

    final int id;
    final int keyLength;
    final int blockSize;
    final String jcaName;

    Algorithm(int id, int keyLength, int blockSize, String jcaName) {
      this.id = id;
      this.keyLength = keyLength;
      this.blockSize = blockSize;
      this.jcaName = jcaName;
    }

    static Optional<Algorithm> fromId(int id) {
      return Arrays.stream(values()).filter(a -> a.id == id).findFirst();
    }
  }

  static final byte[] FACTORY_KEY = Hex.decode("010203040506070801020304050607080102030405060708");

  static final ManagementKey FACTORY =
      new ManagementKey(Algorithm.TDES, KeyPolicy.TOUCH_NEVER, FACTORY_KEY);

  ManagementKey {
    key = key.clone();
    if (key.length != algorithm.keyLength) {
      throw new IllegalArgumentException(algorithm + " key must be " + algorithm.keyLength);
    }
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  static ManagementKey load(PivStore store) {
    return store.get(PivStore.MANAGEMENT_KEY).flatMap(ManagementKey::decode).orElse(FACTORY);
  }

  static Optional<ManagementKey> decode(byte[] stored) {
    if (stored.length < 2) {
      return Optional.empty();
    }
    Optional<Algorithm> algorithm = Algorithm.fromId(stored[0] & 0xFF);
    int touch = stored[1] & 0xFF;
    if (algorithm.isEmpty()
        || stored.length != 2 + algorithm.get().keyLength
        || (touch != KeyPolicy.TOUCH_NEVER && touch != KeyPolicy.TOUCH_ALWAYS)) {
      return Optional.empty();
    }
    return Optional.of(
        new ManagementKey(algorithm.get(), touch, Arrays.copyOfRange(stored, 2, stored.length)));
  }

  byte[] encode() {
    byte[] out = new byte[2 + key.length];
    out[0] = (byte) algorithm.id;
    out[1] = (byte) touchPolicy;
    System.arraycopy(key, 0, out, 2, key.length);
    return out;
  }

  boolean isFactory() {
    return algorithm == Algorithm.TDES && Arrays.equals(key, FACTORY_KEY);
  }

  /** One block (or several) encrypted in ECB mode, as SP 800-73-4 part 2 appendix A uses it. */
  byte[] encrypt(byte[] blocks) {
    return crypt(Cipher.ENCRYPT_MODE, blocks);
  }

  byte[] decrypt(byte[] blocks) {
    return crypt(Cipher.DECRYPT_MODE, blocks);
  }

  private byte[] crypt(int mode, byte[] blocks) {
    try {
      Cipher cipher = Cipher.getInstance(algorithm.jcaName + "/ECB/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, algorithm.jcaName));
      return cipher.doFinal(blocks);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm.jcaName + "/ECB", e);
    }
  }

  @Override
  public String toString() {
    return "ManagementKey[" + algorithm + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManagementKey other
        && algorithm == other.algorithm
        && touchPolicy == other.touchPolicy
        && Arrays.equals(key, other.key);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * algorithm.hashCode() + touchPolicy) + Arrays.hashCode(key);
  }
}
