package io.vcanokey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAKeyGenParameterSpec;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rejection of malformed key material: imported primes, scalars and stored keys. */
class CardKeyValidationTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final BigInteger F4 = BigInteger.valueOf(65537);

  private static BigInteger p;
  private static BigInteger q;

  @BeforeAll
  static void primes() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(new RSAKeyGenParameterSpec(2048, F4), RANDOM);
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
    p = key.getPrimeP();
    q = key.getPrimeQ();
  }

  // ---------------------------------------------------------------- rsaFromPrimes

  @Test
  void rsaFromPrimes_modulusSizeNotTypeBits_throws() {
    assertThat(CardKey.rsaFromPrimes(KeyType.RSA_2048, F4, p, q).modulus().bitLength())
        .isEqualTo(2048);
    assertThatThrownBy(() -> CardKey.rsaFromPrimes(KeyType.RSA_3072, F4, p, q))
        .isInstanceOf(CryptoException.class)
        .hasMessageContaining("3072");
    assertThatThrownBy(() -> CardKey.rsaFromPrimes(KeyType.RSA_4096, F4, p, q))
        .isInstanceOf(CryptoException.class);
    BigInteger small = BigInteger.probablePrime(1000, RANDOM);
    assertThatThrownBy(() -> CardKey.rsaFromPrimes(KeyType.RSA_2048, F4, p, small))
        .isInstanceOf(CryptoException.class);
  }

  @Test
  void rsaFromPrimes_equalOrTinyPrimes_throws() {
    assertThatThrownBy(() -> CardKey.rsaFromPrimes(KeyType.RSA_2048, F4, p, p))
        .isInstanceOf(CryptoException.class);
    assertThatThrownBy(() -> CardKey.rsaFromPrimes(KeyType.RSA_2048, F4, p, BigInteger.ONE))
        .isInstanceOf(CryptoException.class);
    assertThatThrownBy(() -> CardKey.rsaFromPrimes(KeyType.RSA_2048, F4, BigInteger.ZERO, q))
        .isInstanceOf(CryptoException.class);
  }

  @Test
  void rsaFromPrimes_compositeFactor_throws() {
    BigInteger composite = q.add(BigInteger.TWO);
    while (composite.isProbablePrime(50)) {
      composite = composite.add(BigInteger.TWO);
    }
    BigInteger factor = composite;
    assertThat(p.multiply(factor).bitLength()).isEqualTo(2048); // so only primality is wrong
    assertThatThrownBy(() -> CardKey.rsaFromPrimes(KeyType.RSA_2048, F4, p, factor))
        .isInstanceOf(CryptoException.class);
  }

  @Test
  void rsaFromPrimes_badExponent_throws() {
    for (BigInteger e :
        new BigInteger[] {
          BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(65536)
        }) {
      assertThatThrownBy(() -> CardKey.rsaFromPrimes(KeyType.RSA_2048, e, p, q))
          .isInstanceOf(CryptoException.class);
    }
    // e sharing a factor with p-1 has no inverse: take e = an odd prime factor of p-1 if small,
    // otherwise p-1's odd part is itself such an e (it divides p-1).
    BigInteger pMinus1 = p.subtract(BigInteger.ONE);
    BigInteger oddPart = pMinus1.shiftRight(pMinus1.getLowestSetBit());
    assertThatThrownBy(() -> CardKey.rsaFromPrimes(KeyType.RSA_2048, oddPart, p, q))
        .isInstanceOf(CryptoException.class);
  }

  @Test
  void rsaFromPrimes_curveType_throwsIllegalArgument() {
    assertThatThrownBy(() -> CardKey.rsaFromPrimes(KeyType.NIST_P256, F4, p, q))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- fromScalar

  @ParameterizedTest
  @CsvSource({
    // SEC 2 v2 and RFC 5639 group orders n
    "NIST_P256, FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
    "SECP256K1, FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
    "BRAINPOOL_P256R1, A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"
  })
  @DisplayName("SEC 1 v2 3.2.1: a private scalar must lie in [1, n-1]")
  void fromScalar_zeroOrOrderOrAbove_throws(KeyType type, String orderHex) {
    BigInteger n = new BigInteger(orderHex, 16);
    int length = type.coordinateLength();

    assertThatThrownBy(() -> CardKey.fromScalar(type, new byte[length]))
        .isInstanceOf(CryptoException.class);
    assertThatThrownBy(() -> CardKey.fromScalar(type, BigIntegers.asUnsignedByteArray(length, n)))
        .isInstanceOf(CryptoException.class);
    byte[] nPlus1 = BigIntegers.asUnsignedByteArray(length, n.add(BigInteger.ONE));
    assertThatThrownBy(() -> CardKey.fromScalar(type, nPlus1)).isInstanceOf(CryptoException.class);
    byte[] nMinus1 = BigIntegers.asUnsignedByteArray(length, n.subtract(BigInteger.ONE));
    assertThat(CardKey.fromScalar(type, nMinus1).publicKey()).hasSize(1 + 2 * length);
  }

  @Test
  @DisplayName("A short scalar is a left-padded one; 1 gives the generator G (SEC 2 v2 2.4.2)")
  void fromScalar_shortScalarOne_givesGenerator() {
    CardKey one = CardKey.fromScalar(KeyType.NIST_P256, new byte[] {1});
    CardKey padded =
        CardKey.fromScalar(KeyType.NIST_P256, BigIntegers.asUnsignedByteArray(32, BigInteger.ONE));

    assertThat(Hex.encode(one.publicKey()))
        .isEqualTo(
            "04"
                + "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
                + "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5");
    assertThat(padded.encode()).isEqualTo(one.encode());
  }

  @Test
  void fromScalar_wrongLengths_throw() {
    assertThatThrownBy(() -> CardKey.fromScalar(KeyType.NIST_P256, new byte[0]))
        .isInstanceOf(CryptoException.class);
    byte[] tooLong = new byte[33];
    tooLong[0] = 1;
    assertThatThrownBy(() -> CardKey.fromScalar(KeyType.NIST_P256, tooLong))
        .isInstanceOf(CryptoException.class);
    byte[] twoExtraZeros = new byte[34];
    twoExtraZeros[33] = 1;
    assertThatThrownBy(() -> CardKey.fromScalar(KeyType.NIST_P256, twoExtraZeros))
        .isInstanceOf(CryptoException.class);
    byte[] oneExtraZero = new byte[33];
    oneExtraZero[32] = 1;
    assertThat(CardKey.fromScalar(KeyType.NIST_P256, oneExtraZero).encode())
        .isEqualTo(CardKey.fromScalar(KeyType.NIST_P256, new byte[] {1}).encode());
    // P-521 scalars are 66 bytes.
    byte[] p521 = new byte[66];
    p521[65] = 7;
    assertThat(CardKey.fromScalar(KeyType.NIST_P521, p521).publicKey()).hasSize(133);
  }

  @Test
  void fromScalar_rsaType_throwsIllegalArgument() {
    assertThatThrownBy(() -> CardKey.fromScalar(KeyType.RSA_2048, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromScalar_inputMutatedAfterwards_keyUnchanged() {
    byte[] seed = new byte[32];
    seed[0] = 5;
    CardKey key = CardKey.fromScalar(KeyType.ED25519, seed);
    byte[] before = key.publicKey();
    seed[0] = 6;
    assertThat(key.publicKey()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- decode

  @Test
  void decode_malformed_throwsCryptoException() {
    byte[] p256 = CardKey.generate(KeyType.NIST_P256, RANDOM).encode();
    byte[] rsa = CardKey.rsaFromPrimes(KeyType.RSA_2048, F4, p, q).encode();
    byte[] wrongVersion = p256.clone();
    wrongVersion[0] = 0x02;
    byte[] unknownType = p256.clone();
    unknownType[1] = 0x7F;
    byte[] zeroScalar = new byte[34];
    zeroScalar[0] = 0x01;
    zeroScalar[1] = 0x10;

    byte[][] malformed = {
      new byte[0],
      new byte[] {0x01},
      wrongVersion,
      unknownType,
      java.util.Arrays.copyOf(p256, p256.length - 1),
      java.util.Arrays.copyOf(p256, p256.length + 1),
      zeroScalar,
      java.util.Arrays.copyOf(rsa, rsa.length - 1),
      java.util.Arrays.copyOf(rsa, rsa.length + 1),
      java.util.Arrays.copyOf(rsa, 5),
      {0x01, 0x20, 0x00},
      {0x01, 0x01, 0x00, 0x00}
    };
    for (byte[] stored : malformed) {
      assertThatThrownBy(() -> CardKey.decode(stored)).isInstanceOf(CryptoException.class);
    }
  }

  @Test
  void encode_startsWithVersionAndTypeCode() {
    byte[] stored = CardKey.generate(KeyType.X25519, RANDOM).encode();
    assertThat(stored[0]).isEqualTo((byte) 0x01);
    assertThat(stored[1]).isEqualTo((byte) 0x21);
  }
}
