package io.vcanokey.applet.oath;

import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One OATH credential as PUT stores it (YKOATH protocol, PUT instruction): its name, type,
 * algorithm, number of digits, HMAC secret, properties, HOTP moving factor and, for increasing-only
 * credentials, the last challenge accepted. Immutable; the arrays are copied in and out.
 *
 * @param name the credential's name as the host sent it (1 to {@link #MAX_NAME_LENGTH} bytes)
 * @param type HOTP or TOTP
 * @param algorithm the HMAC hash
 * @param digits number of code digits, 6 to 8
 * @param secret the HMAC key as the host sent it
 * @param properties {@link #PROPERTY_INCREASING_ONLY} and {@link #PROPERTY_REQUIRE_TOUCH} bits
 * @param counter for HOTP, the moving factor the next code uses (an unsigned 64-bit value)
 * @param lastChallenge for increasing-only TOTP, the last challenge accepted; otherwise empty
 */
record Credential(
    byte[] name,
    OathType type,
    OathAlgorithm algorithm,
    int digits,
    byte[] secret,
    int properties,
    long counter,
    byte[] lastChallenge) {

  /** YKOATH: names are at most 64 bytes. */
  static final int MAX_NAME_LENGTH = 64;

  /**
   * RFC 4226, section 5.3: "Implementations MUST extract a 6-digit code at a minimum and possibly 7
   * and 8-digit code"; ykman offers 6, 7 and 8.
   */
  static final int MIN_DIGITS = 6;

  static final int MAX_DIGITS = 8;

  /** YKOATH property 01: a TOTP challenge must never go back ("only increasing"). */
  static final int PROPERTY_INCREASING_ONLY = 0x01;

  /** YKOATH property 02: each code needs a touch. */
  static final int PROPERTY_REQUIRE_TOUCH = 0x02;

  static final int PROPERTIES_KNOWN = PROPERTY_INCREASING_ONLY | PROPERTY_REQUIRE_TOUCH;

  // YKOATH PUT tags.
  static final int TAG_NAME = 0x71;
  static final int TAG_KEY = 0x73;
  static final int TAG_PROPERTY = 0x78;
  static final int TAG_IMF = 0x7A;

  /** YKOATH: the initial moving factor (7A) is a 4-byte big-endian number. */
  static final int IMF_LENGTH = 4;

  private static final int STORED_FORMAT = 1;
  private static final int STORED_HEADER = 13;

  Credential {
    name = name.clone();
    secret = secret.clone();
    lastChallenge = lastChallenge.clone();
  }

  /**
   * Decodes the data field of PUT: 71 name, 73 key (type and algorithm byte, digits byte, secret),
   * then optionally 78 property byte (no length) and 7A initial moving factor (HOTP only).
   *
   * @throws StatusException 6A80 for a syntax error or a value out of range
   */
  static Credential decodePut(byte[] data) {
    OathTlv.Reader reader = new OathTlv.Reader(data);
    byte[] name = reader.read(TAG_NAME);
    checkName(name);

    byte[] key = reader.read(TAG_KEY);
    if (key.length < 2) {
      throw OathTlv.wrongSyntax();
    }
    OathType type = OathType.fromValue(key[0]).orElseThrow(OathTlv::wrongSyntax);
    OathAlgorithm algorithm = OathAlgorithm.fromValue(key[0]).orElseThrow(OathTlv::wrongSyntax);
    int digits = key[1] & 0xFF;
    if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
      throw OathTlv.wrongSyntax();
    }
    byte[] secret = Arrays.copyOfRange(key, 2, key.length);
    // Hosts hash a secret longer than the block size down to a digest (RFC 2104, section 2; ykman
    // _hmac_shorten_key), so the block size bounds what may arrive.
    if (secret.length > algorithm.blockSize()) {
      throw OathTlv.wrongSyntax();
    }

    int properties = 0;
    if (reader.nextIs(TAG_PROPERTY)) {
      properties = reader.readBareByte(TAG_PROPERTY);
      if ((properties & ~PROPERTIES_KNOWN) != 0) {
        throw OathTlv.wrongSyntax();
      }
    }

    long counter = 0;
    byte[] imf = reader.readOptional(TAG_IMF);
    if (imf != null) {
      if (imf.length != IMF_LENGTH || type != OathType.HOTP) {
        throw OathTlv.wrongSyntax();
      }
      counter = Integer.toUnsignedLong(ByteBuffer.wrap(imf).getInt());
    }
    reader.expectEnd();

    return new Credential(name, type, algorithm, digits, secret, properties, counter, new byte[0]);
  }

  /** Checks a credential name from any command: 1 to 64 bytes, else 6A80. */
  static void checkName(byte[] name) {
    if (name.length == 0 || name.length > MAX_NAME_LENGTH) {
      throw OathTlv.wrongSyntax();
    }
  }

  /** The type-and-algorithm byte of LIST and PUT. */
  int typeAndAlgorithm() {
    return type.value() | algorithm.value();
  }

  boolean requiresTouch() {
    return (properties & PROPERTY_REQUIRE_TOUCH) != 0;
  }

  boolean increasingOnly() {
    return (properties & PROPERTY_INCREASING_ONLY) != 0;
  }

  Credential withName(byte[] newName) {
    return new Credential(
        newName, type, algorithm, digits, secret, properties, counter, lastChallenge);
  }

  Credential withCounter(long newCounter) {
    return new Credential(
        name, type, algorithm, digits, secret, properties, newCounter, lastChallenge);
  }

  Credential withLastChallenge(byte[] challenge) {
    return new Credential(name, type, algorithm, digits, secret, properties, counter, challenge);
  }

  /** The stored form (see the package documentation); the name is in the record's name. */
  byte[] encodeStored() {
    ByteBuffer out = ByteBuffer.allocate(STORED_HEADER + secret.length + lastChallenge.length);
    out.put((byte) STORED_FORMAT)
        .put((byte) typeAndAlgorithm())
        .put((byte) digits)
        .put((byte) properties)
        .putLong(counter)
        .put((byte) secret.length)
        .put(secret)
        .put(lastChallenge);
    return out.array();
  }

  /**
   * Decodes a stored credential.
   *
   * @throws StatusException 6581 (memory failure) when the record is damaged
   */
  static Credential decodeStored(byte[] name, byte[] stored) {
    try {
      ByteBuffer in = ByteBuffer.wrap(stored);
      if (in.get() != STORED_FORMAT) {
        throw damaged();
      }
      int typeAndAlgorithm = in.get();
      OathType type = OathType.fromValue(typeAndAlgorithm).orElseThrow(Credential::damaged);
      OathAlgorithm algorithm =
          OathAlgorithm.fromValue(typeAndAlgorithm).orElseThrow(Credential::damaged);
      int digits = in.get();
      int properties = in.get() & 0xFF;
      long counter = in.getLong();
      byte[] secret = new byte[in.get() & 0xFF];
      in.get(secret);
      byte[] lastChallenge = new byte[in.remaining()];
      in.get(lastChallenge);
      return new Credential(
          name, type, algorithm, digits, secret, properties, counter, lastChallenge);
    } catch (java.nio.BufferUnderflowException e) {
      throw damaged();
    }
  }

  private static StatusException damaged() {
    return new StatusException(StatusWords.SW_MEMORY_FAILURE);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credential other
        && Arrays.equals(name, other.name)
        && type == other.type
        && algorithm == other.algorithm
        && digits == other.digits
        && Arrays.equals(secret, other.secret)
        && properties == other.properties
        && counter == other.counter
        && Arrays.equals(lastChallenge, other.lastChallenge);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(name) * 31 + type.hashCode();
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "Credential["
        + type
        + " "
        + algorithm
        + " "
        + digits
        + " digits, props "
        + properties
        + ", secret withheld]";
  }

  @Override
  public byte[] name() {
    return name.clone();
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  @Override
  public byte[] lastChallenge() {
    return lastChallenge.clone();
  }
}
