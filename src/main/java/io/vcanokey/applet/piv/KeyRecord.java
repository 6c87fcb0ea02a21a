package io.vcanokey.applet.piv;

import io.vcanokey.core.apdu.BerTlv;
import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.CryptoException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The private key in one slot with its policies and origin (GET METADATA tags 01 to 03, Yubico PIV
 * extensions), stored as {@code 01 || algorithm id || PIN policy || touch policy || origin ||
 * CardKey.encode()}. Policies are stored resolved (1 to 3), never as "default".
 */
record KeyRecord(PivAlgorithm algorithm, int pinPolicy, int touchPolicy, int origin, CardKey key) {

  static final int FORMAT_VERSION = 0x01;
  static final int ORIGIN_GENERATED = 0x01;
  static final int ORIGIN_IMPORTED = 0x02;

  private static final int HEADER = 5;

  byte[] encode() {
    byte[] body = key.encode();
    byte[] out = new byte[HEADER + body.length];
    out[0] = FORMAT_VERSION;
    out[1] = (byte) algorithm.id;
    out[2] = (byte) pinPolicy;
    out[3] = (byte) touchPolicy;
    out[4] = (byte) origin;
    System.arraycopy(body, 0, out, HEADER, body.length);
    Arrays.fill(body, (byte) 0);
    return out;
  }

  /** Reads a stored record; empty when it is malformed (the slot then counts as empty). */
  static Optional<KeyRecord> decode(byte[] stored) {
    if (stored.length <= HEADER || stored[0] != FORMAT_VERSION) {
      return Optional.empty();
    }
    Optional<PivAlgorithm> algorithm = PivAlgorithm.fromId(stored[1] & 0xFF);
    int pin = stored[2];
    int touch = stored[3];
    int origin = stored[4];
    if (algorithm.isEmpty()
        || pin < KeyPolicy.PIN_NEVER
        || pin > KeyPolicy.PIN_ALWAYS
        || touch < KeyPolicy.TOUCH_NEVER
        || touch > KeyPolicy.TOUCH_CACHED
        || (origin != ORIGIN_GENERATED && origin != ORIGIN_IMPORTED)) {
      return Optional.empty();
    }
    byte[] body = Arrays.copyOfRange(stored, HEADER, stored.length);
    try {
      CardKey key = CardKey.decode(body);
      if (key.type() != algorithm.get().type) {
        return Optional.empty();
      }
      return Optional.of(new KeyRecord(algorithm.get(), pin, touch, origin, key));
    } catch (CryptoException e) {
      return Optional.empty();
    } finally {
      Arrays.fill(body, (byte) 0);
    }
  }

  /**
   * The public key as GENERATE ASYMMETRIC KEY PAIR returns it inside 7F49 (SP 800-73-4 part 2,
   * 3.3.2, table 7): RSA as 81 modulus and 82 public exponent; ECC as 86 uncompressed point; the
   * 25519 keys as 86 with the 32 raw bytes, as YubiKey firmware 5.7 answers.
   */
  byte[] publicKeyObjects() {
    BerTlv.Writer out = new BerTlv.Writer();
    if (key.type().isRsa()) {
      out.put(0x81, unsigned(key.modulus().toByteArray()));
      out.put(0x82, unsigned(key.publicExponent().toByteArray()));
    } else {
      out.put(0x86, key.publicKey());
    }
    return out.toByteArray();
  }

  private static byte[] unsigned(byte[] twosComplement) {
    if (twosComplement.length > 1 && twosComplement[0] == 0) {
      return Arrays.copyOfRange(twosComplement, 1, twosComplement.length);
    }
    return twosComplement;
  }

  @Override
  public String toString() {
    return "KeyRecord[" + algorithm + ", pin " + pinPolicy + ", touch " + touchPolicy + "]";
  }
}
