package io.vcanokey.core.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.DataLengthException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * One private key held by the card, with its public part: RSA (RFC 8017), ECDSA and ECDH on short
 * Weierstrass curves (FIPS 186-4 section 6, SEC 1 v2 section 3.3.1), Ed25519 (RFC 8032) or X25519
 * (RFC 7748). Immutable; safe to share.
 *
 * <p>An operation that does not fit the key's type (ECDSA with an RSA key, say) is a caller bug and
 * throws {@link IllegalStateException}. Bad input data (wrong length, bad padding, a point off the
 * curve) throws {@link io.vcanokey.core.crypto.CryptoException}.
 */
public final class CardKey {

  /** First byte of {@link #encode()}: the storage format version. */
  static final int FORMAT_VERSION = 0x01;

  /** Public exponent of generated RSA keys: F4 = 65537, as OpenPGP cards and gpg use. */
  static final BigInteger RSA_F4 = BigInteger.valueOf(65537);

  /** Bytes of an Ed25519 seed (RFC 8032, 5.1.5) and of an X25519 private key (RFC 7748, 5). */
  static final int CURVE25519_KEY_LENGTH = 32;

  /** EMSA-PKCS1-v1_5 needs at least eight bytes of padding string (RFC 8017, 9.2 step 3). */
  private static final int PKCS1_MIN_PADDING = 8;

  /** PKCS #1 v1.5 overhead: 00, block type, at least 8 padding bytes, 00 (RFC 8017, 7.2.1, 9.2). */
  private static final int PKCS1_OVERHEAD = 3 + PKCS1_MIN_PADDING;

  /** Randomness for RSA blinding only; never for key material. */
  private static final SecureRandom BLINDING = new SecureRandom();

  private final KeyType type;
  private final RSAPrivateCrtKeyParameters rsa; // RSA only
  private final BigInteger scalar; // Weierstrass only
  private final byte[] secret; // Ed25519 seed or X25519 private key
  private final byte[] publicKey; // curves only

  private CardKey(
      KeyType type,
      RSAPrivateCrtKeyParameters rsa,
      BigInteger scalar,
      byte[] secret,
      byte[] publicKey) {
    this.type = type;
    this.rsa = rsa;
    this.scalar = scalar;
    this.secret = secret;
    this.publicKey = publicKey;
  }

  // ---------------------------------------------------------------- creation

  /**
   * Generates a fresh key. RSA keys get public exponent 65537 and a modulus of exactly {@link
   * KeyType#bits()} bits; curve keys a uniform private scalar or seed from {@code random}.
   */
  public static CardKey generate(KeyType type, SecureRandom random) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(random, "random");
    if (type.isRsa()) {
      return generateRsa(type, random);
    }
    if (type.isWeierstrass()) {
      BigInteger n = Curves.domain(type).getN();
      BigInteger d;
      do {
        d = new BigInteger(n.bitLength(), random);
      } while (d.signum() == 0 || d.compareTo(n) >= 0);
      return weierstrass(type, d);
    }
    byte[] key = new byte[CURVE25519_KEY_LENGTH];
    random.nextBytes(key);
    return curve25519(type, key);
  }

  /**
   * An RSA key from its public exponent and primes (the form OpenPGP card 3.4, 4.4.3.12, imports);
   * derives n, d and the CRT values (RFC 8017, 3.2).
   *
   * @throws CryptoException if n = p*q does not have exactly {@link KeyType#bits()} bits, a prime
   *     is not prime, p equals q, or e is even, below 3 or not invertible modulo p-1 and q-1
   */
  public static CardKey rsaFromPrimes(KeyType type, BigInteger e, BigInteger p, BigInteger q) {
    requireArgument(type, type != null && type.isRsa(), "an RSA type");
    Objects.requireNonNull(e, "e");
    Objects.requireNonNull(p, "p");
    Objects.requireNonNull(q, "q");
    return rsa(type, e, p, q, true);
  }

  /**
   * A curve key from its private part.
   *
   * <ul>
   *   <li>Weierstrass: the big-endian scalar s with 0 &lt; s &lt; order, at most {@link
   *       KeyType#coordinateLength()} bytes (shorter is fine; one extra leading zero byte is
   *       tolerated).
   *   <li>ED25519: the 32-byte seed of RFC 8032, 5.1.5.
   *   <li>X25519: the 32-byte private key of RFC 7748, 5 (little-endian; clamped when used).
   * </ul>
   *
   * @throws CryptoException on a wrong length or a scalar out of range
   */
  public static CardKey fromScalar(KeyType type, byte[] privateKey) {
    requireArgument(type, type != null && !type.isRsa(), "a curve type");
    Objects.requireNonNull(privateKey, "privateKey");
    if (type.isWeierstrass()) {
      int length = type.coordinateLength();
      boolean extraZero = privateKey.length == length + 1 && privateKey[0] == 0;
      if (privateKey.length == 0 || (privateKey.length > length && !extraZero)) {
        throw new CryptoException(
            type + " private scalar must be 1.." + length + " bytes, got " + privateKey.length);
      }
      BigInteger d = new BigInteger(1, privateKey);
      if (d.signum() == 0 || d.compareTo(Curves.domain(type).getN()) >= 0) {
        throw new CryptoException(type + " private scalar must be in 1..order-1");
      }
      return weierstrass(type, d);
    }
    if (privateKey.length != CURVE25519_KEY_LENGTH) {
      throw new CryptoException(type + " private key must be 32 bytes, got " + privateKey.length);
    }
    return curve25519(type, privateKey.clone());
  }

  // ---------------------------------------------------------------- storage

  /**
   * The compact storage form (see the package documentation): version, type code, then the private
   * values from which everything else is derived. Contains the secret key.
   */
  public byte[] encode() {
    byte[] body;
    if (type.isRsa()) {
      body = concat(lengthPrefixed(rsa.getPublicExponent()), lengthPrefixed(rsa.getP()));
      body = concat(body, lengthPrefixed(rsa.getQ()));
    } else if (type.isWeierstrass()) {
      body = BigIntegers.asUnsignedByteArray(type.coordinateLength(), scalar);
    } else {
      body = secret.clone();
    }
    byte[] out = new byte[2 + body.length];
    out[0] = (byte) FORMAT_VERSION;
    out[1] = (byte) type.storageCode();
    System.arraycopy(body, 0, out, 2, body.length);
    Arrays.fill(body, (byte) 0);
    return out;
  }

  /**
   * Reads a key written by {@link #encode()}.
   *
   * @throws CryptoException if the bytes are not a well-formed stored key
   */
  public static CardKey decode(byte[] stored) {
    Objects.requireNonNull(stored, "stored");
    if (stored.length < 2) {
      throw new CryptoException("stored key too short: " + stored.length + " bytes");
    }
    if ((stored[0] & 0xFF) != FORMAT_VERSION) {
      throw new CryptoException("stored key format version " + (stored[0] & 0xFF) + " unknown");
    }
    KeyType type =
        KeyType.byStorageCode(stored[1] & 0xFF)
            .orElseThrow(
                () ->
                    new CryptoException("stored key type code " + (stored[1] & 0xFF) + " unknown"));
    byte[] body = Arrays.copyOfRange(stored, 2, stored.length);
    try {
      if (type.isRsa()) {
        int[] offset = {0};
        BigInteger e = readLengthPrefixed(body, offset);
        BigInteger p = readLengthPrefixed(body, offset);
        BigInteger q = readLengthPrefixed(body, offset);
        if (offset[0] != body.length) {
          throw new CryptoException("stored RSA key has trailing bytes");
        }
        // The primes were checked when the key was made; storage corruption that slips past the
        // size checks is caught by the fault check of every private operation.
        return rsa(type, e, p, q, false);
      }
      if (type.isWeierstrass() && body.length != type.coordinateLength()) {
        throw new CryptoException("stored " + type + " key has " + body.length + " bytes");
      }
      return fromScalar(type, body);
    } finally {
      Arrays.fill(body, (byte) 0);
    }
  }

  // ---------------------------------------------------------------- public part

  public KeyType type() {
    return type;
  }

  /** The RSA modulus n. */
  public BigInteger modulus() {
    requireRsa();
    return rsa.getModulus();
  }

  /** The RSA public exponent e. */
  public BigInteger publicExponent() {
    requireRsa();
    return rsa.getPublicExponent();
  }

  /**
   * The public key of a curve key: Weierstrass as the uncompressed point 04 || X || Y (SEC 1 v2,
   * 2.3.3), each coordinate {@link KeyType#coordinateLength()} bytes; ED25519 and X25519 as their
   * 32 raw bytes (RFC 8032, 5.1.5; RFC 7748, 6.1). RSA keys have {@link #modulus()} and {@link
   * #publicExponent()} instead.
   */
  public byte[] publicKey() {
    if (type.isRsa()) {
      throw new IllegalStateException("RSA keys have modulus() and publicExponent()");
    }
    return publicKey.clone();
  }

  // ---------------------------------------------------------------- RSA

  /**
   * RSASSA-PKCS1-v1_5 signature over a caller-built DigestInfo (RFC 8017, 8.2.1 and 9.2 steps 3-5):
   * pads 00 01 FF..FF 00 || digestInfo to the modulus length, then applies the private key. OpenPGP
   * card 3.4, 7.2.10 hands the DigestInfo over as is.
   *
   * @throws CryptoException if digestInfo is longer than the modulus length minus 11
   */
  public byte[] signPkcs1(byte[] digestInfo) {
    requireRsa();
    Objects.requireNonNull(digestInfo, "digestInfo");
    int k = type.coordinateLength();
    if (digestInfo.length > k - PKCS1_OVERHEAD) {
      throw new CryptoException(
          "DigestInfo of " + digestInfo.length + " bytes too long for a " + k + "-byte modulus");
    }
    byte[] em = new byte[k];
    em[1] = 0x01;
    Arrays.fill(em, 2, k - digestInfo.length - 1, (byte) 0xFF);
    System.arraycopy(digestInfo, 0, em, k - digestInfo.length, digestInfo.length);
    return privateOperation(em);
  }

  /**
   * The bare RSA private-key operation (RSADP / RSASP1, RFC 8017, 5.1.2 and 5.2.1) on a block of
   * exactly the modulus length, as PIV's GENERAL AUTHENTICATE uses it.
   *
   * @throws CryptoException if the block is not modulus-sized or its value is not below n
   */
  public byte[] rsaRaw(byte[] input) {
    requireRsa();
    Objects.requireNonNull(input, "input");
    if (input.length != type.coordinateLength()) {
      throw new CryptoException(
          "RSA block must be " + type.coordinateLength() + " bytes, got " + input.length);
    }
    return privateOperation(input);
  }

  /**
   * RSAES-PKCS1-v1_5 decryption (RFC 8017, 7.2.2): private operation, then removal of the type 02
   * padding. A cryptogram shorter than the modulus is read as a big-endian number.
   *
   * @throws CryptoException if the cryptogram is empty, too long or not below n, or the padding
   *     does not check; the message does not say which padding check failed
   */
  public byte[] decryptPkcs1(byte[] cryptogram) {
    requireRsa();
    Objects.requireNonNull(cryptogram, "cryptogram");
    int k = type.coordinateLength();
    if (cryptogram.length == 0 || cryptogram.length > k) {
      throw new CryptoException(
          "RSA cryptogram must be 1.." + k + " bytes, got " + cryptogram.length);
    }
    byte[] block = new byte[k];
    System.arraycopy(cryptogram, 0, block, k - cryptogram.length, cryptogram.length);
    byte[] em = privateOperation(block);

    // Scan the whole block whatever it holds, so the time taken says little about where it failed.
    int separator = -1;
    for (int i = 2; i < k; i++) {
      if (em[i] == 0 && separator < 0) {
        separator = i;
      }
    }
    boolean good = em[0] == 0 && em[1] == 0x02 && separator >= 2 + PKCS1_MIN_PADDING;
    if (!good) {
      Arrays.fill(em, (byte) 0);
      throw new CryptoException("RSA cryptogram has bad PKCS #1 v1.5 padding");
    }
    byte[] message = Arrays.copyOfRange(em, separator + 1, k);
    Arrays.fill(em, (byte) 0);
    return message;
  }

  // ---------------------------------------------------------------- elliptic curves

  /**
   * {@link #signEcdsa} in the DER form of RFC 5480, 2.2.3 (SEQUENCE of the INTEGERs r and s), the
   * form PIV, U2F and WebAuthn (ES256) carry.
   *
   * @throws CryptoException if the hash is empty
   */
  public byte[] signEcdsaDer(byte[] hash) {
    byte[] rs = signEcdsa(hash);
    int half = rs.length / 2;
    ASN1EncodableVector sequence = new ASN1EncodableVector();
    sequence.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rs, 0, half))));
    sequence.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rs, half, rs.length))));
    try {
      return new DERSequence(sequence).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding in memory cannot fail", e);
    }
  }

  /**
   * ECDSA signature (FIPS 186-4, 6.4) over a hash the caller computed, returned as r || s with each
   * half {@link KeyType#coordinateLength()} bytes, the form OpenPGP card 3.4, 7.2.10 answers with.
   * A hash longer than the group order is truncated to its leftmost bits (FIPS 186-4, 6.4 step 2).
   * The nonce is deterministic per RFC 6979, 3.2, with HMAC over SHA-256, SHA-384 or SHA-512 chosen
   * by the hash length (32, 48, 64 bytes; SHA-256 for other lengths).
   *
   * @throws CryptoException if the hash is empty
   */
  public byte[] signEcdsa(byte[] hash) {
    requireType(type, type.isWeierstrass(), "a Weierstrass curve key");
    Objects.requireNonNull(hash, "hash");
    if (hash.length == 0) {
      throw new CryptoException("ECDSA needs a hash of at least one byte");
    }
    ECDomainParameters domain = Curves.domain(type);
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(nonceDigest(hash.length)));
    signer.init(true, new ECPrivateKeyParameters(scalar, domain));
    BigInteger[] rs = signer.generateSignature(hash);
    int length = type.coordinateLength();
    return concat(
        BigIntegers.asUnsignedByteArray(length, rs[0]),
        BigIntegers.asUnsignedByteArray(length, rs[1]));
  }

  /** PureEdDSA Ed25519 signature of the whole message (RFC 8032, 5.1.6): 64 bytes R || S. */
  public byte[] signEd25519(byte[] message) {
    requireType(type, type.isEdwards(), "an Ed25519 key");
    Objects.requireNonNull(message, "message");
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, new Ed25519PrivateKeyParameters(secret, 0));
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  /**
   * Key agreement with a peer's public key.
   *
   * <ul>
   *   <li>Weierstrass: ECDH primitive of SEC 1 v2, 3.3.1: the x-coordinate of d*Q, {@link
   *       KeyType#coordinateLength()} bytes. The peer is an uncompressed point 04 || X || Y, which
   *       must lie on the curve.
   *   <li>X25519: the function X25519 of RFC 7748, 5 on the 32-byte peer u-coordinate; an all-zero
   *       result (a small-order peer point, RFC 7748, 6.1) is refused.
   * </ul>
   *
   * @throws CryptoException if the peer key has the wrong form, is off the curve or yields no
   *     secret
   */
  public byte[] agree(byte[] peerPublic) {
    ECPoint q = decodePeer(peerPublic);
    if (type.isMontgomery()) {
      return agreeX25519(peerPublic);
    }
    int length = type.coordinateLength();
    ECDomainParameters domain = Curves.domain(type);
    BigInteger z;
    try {
      ECDHBasicAgreement agreement = new ECDHBasicAgreement();
      agreement.init(new ECPrivateKeyParameters(scalar, domain));
      z = agreement.calculateAgreement(new ECPublicKeyParameters(q, domain));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CryptoException(type + " peer key is not a valid point on the curve");
    }
    return BigIntegers.asUnsignedByteArray(length, z);
  }

  /**
   * Checks the form of a peer's public key for {@link #agree} without using the private key, so
   * that a caller can refuse a malformed request before asking for a PIN or a touch: an
   * uncompressed point on the curve for Weierstrass keys (SEC 1 v2, 2.3.4 and 3.2.2.1), 32 bytes
   * for X25519.
   *
   * @throws CryptoException if the peer key has the wrong form or is off the curve
   */
  public void checkPeer(byte[] peerPublic) {
    decodePeer(peerPublic);
  }

  /** The peer's point for a Weierstrass key, null for X25519; see {@link #checkPeer}. */
  private ECPoint decodePeer(byte[] peerPublic) {
    requireType(type, type.isWeierstrass() || type.isMontgomery(), "an ECDH or X25519 key");
    Objects.requireNonNull(peerPublic, "peerPublic");
    if (type.isMontgomery()) {
      if (peerPublic.length != CURVE25519_KEY_LENGTH) {
        throw new CryptoException("X25519 peer key must be 32 bytes, got " + peerPublic.length);
      }
      return null;
    }
    int length = type.coordinateLength();
    if (peerPublic.length != 1 + 2 * length || peerPublic[0] != 0x04) {
      throw new CryptoException(
          type + " peer key must be an uncompressed point of " + (1 + 2 * length) + " bytes");
    }
    try {
      return Curves.domain(type).getCurve().decodePoint(peerPublic);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CryptoException(type + " peer key is not a valid point on the curve");
    }
  }

  @Override
  public String toString() {
    return "CardKey[" + type + "]";
  }

  // ---------------------------------------------------------------- internals

  private byte[] agreeX25519(byte[] peerPublic) {
    if (peerPublic.length != CURVE25519_KEY_LENGTH) {
      throw new CryptoException("X25519 peer key must be 32 bytes, got " + peerPublic.length);
    }
    X25519Agreement agreement = new X25519Agreement();
    agreement.init(new X25519PrivateKeyParameters(secret, 0));
    byte[] shared = new byte[agreement.getAgreementSize()];
    try {
      agreement.calculateAgreement(new X25519PublicKeyParameters(peerPublic, 0), shared, 0);
    } catch (IllegalStateException e) {
      throw new CryptoException("X25519 peer key gives an all-zero shared secret");
    }
    return shared;
  }

  /** RSA private operation with CRT and blinding; BouncyCastle re-checks the result with e. */
  private byte[] privateOperation(byte[] block) {
    RSABlindedEngine engine = new RSABlindedEngine();
    engine.init(false, new ParametersWithRandom(rsa, BLINDING));
    byte[] out;
    try {
      out = engine.processBlock(block, 0, block.length);
    } catch (DataLengthException e) {
      throw new CryptoException("RSA input is not below the modulus");
    }
    BigInteger value = new BigInteger(1, out);
    Arrays.fill(out, (byte) 0);
    return BigIntegers.asUnsignedByteArray(type.coordinateLength(), value);
  }

  private static CardKey generateRsa(KeyType type, SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(new RSAKeyGenParameterSpec(type.bits(), RSA_F4), random);
      RSAPrivateCrtKey k = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
      return rsa(type, k.getPublicExponent(), k.getPrimeP(), k.getPrimeQ(), false);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate " + type, e);
    }
  }

  private static CardKey rsa(
      KeyType type, BigInteger e, BigInteger p, BigInteger q, boolean checkPrimes) {
    BigInteger two = BigInteger.TWO;
    if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0)) {
      throw new CryptoException("RSA public exponent must be odd and at least 3");
    }
    if (p.compareTo(two) < 0 || q.compareTo(two) < 0 || p.equals(q)) {
      throw new CryptoException("RSA primes must be distinct and greater than 1");
    }
    BigInteger n = p.multiply(q);
    if (n.bitLength() != type.bits()) {
      throw new CryptoException(
          type + " needs a " + type.bits() + "-bit modulus, p*q has " + n.bitLength() + " bits");
    }
    if (e.compareTo(n) >= 0) {
      throw new CryptoException("RSA public exponent must be below the modulus");
    }
    if (checkPrimes && (!p.isProbablePrime(100) || !q.isProbablePrime(100))) {
      throw new CryptoException("RSA prime factor is not prime");
    }
    BigInteger pMinus1 = p.subtract(BigInteger.ONE);
    BigInteger qMinus1 = q.subtract(BigInteger.ONE);
    if (!e.gcd(pMinus1).equals(BigInteger.ONE) || !e.gcd(qMinus1).equals(BigInteger.ONE)) {
      throw new CryptoException("RSA public exponent is not invertible modulo p-1 and q-1");
    }
    // d = e^-1 mod lcm(p-1, q-1) (RFC 8017, 3.2); the CRT values follow from it.
    BigInteger lambda = pMinus1.divide(pMinus1.gcd(qMinus1)).multiply(qMinus1);
    BigInteger d = e.modInverse(lambda);
    BigInteger dp = d.mod(pMinus1);
    BigInteger dq = d.mod(qMinus1);
    BigInteger qInv = q.modInverse(p);
    return new CardKey(
        type, new RSAPrivateCrtKeyParameters(n, e, d, p, q, dp, dq, qInv), null, null, null);
  }

  private static CardKey weierstrass(KeyType type, BigInteger d) {
    ECDomainParameters domain = Curves.domain(type);
    ECPoint q = new FixedPointCombMultiplier().multiply(domain.getG(), d).normalize();
    return new CardKey(type, null, d, null, q.getEncoded(false));
  }

  private static CardKey curve25519(KeyType type, byte[] key) {
    byte[] pub =
        type.isEdwards()
            ? new Ed25519PrivateKeyParameters(key, 0).generatePublicKey().getEncoded()
            : new X25519PrivateKeyParameters(key, 0).generatePublicKey().getEncoded();
    return new CardKey(type, null, null, key, pub);
  }

  private static Digest nonceDigest(int hashLength) {
    switch (hashLength) {
      case 48:
        return new SHA384Digest();
      case 64:
        return new SHA512Digest();
      default:
        return new SHA256Digest();
    }
  }

  private void requireRsa() {
    requireType(type, type.isRsa(), "an RSA key");
  }

  private static void requireType(KeyType type, boolean ok, String expected) {
    Objects.requireNonNull(type, "type");
    if (!ok) {
      throw new IllegalStateException("operation needs " + expected + ", not " + type);
    }
  }

  private static void requireArgument(KeyType type, boolean ok, String expected) {
    Objects.requireNonNull(type, "type");
    if (!ok) {
      throw new IllegalArgumentException("needs " + expected + ", not " + type);
    }
  }

  private static byte[] lengthPrefixed(BigInteger value) {
    byte[] magnitude = BigIntegers.asUnsignedByteArray(value);
    byte[] out = new byte[2 + magnitude.length];
    out[0] = (byte) (magnitude.length >>> 8);
    out[1] = (byte) magnitude.length;
    System.arraycopy(magnitude, 0, out, 2, magnitude.length);
    Arrays.fill(magnitude, (byte) 0);
    return out;
  }

  private static BigInteger readLengthPrefixed(byte[] body, int[] offset) {
    int at = offset[0];
    if (body.length - at < 2) {
      throw new CryptoException("stored RSA key truncated");
    }
    int length = ((body[at] & 0xFF) << 8) | (body[at + 1] & 0xFF);
    if (length == 0 || body.length - at - 2 < length) {
      throw new CryptoException("stored RSA key truncated");
    }
    offset[0] = at + 2 + length;
    return new BigInteger(1, Arrays.copyOfRange(body, at + 2, at + 2 + length));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
