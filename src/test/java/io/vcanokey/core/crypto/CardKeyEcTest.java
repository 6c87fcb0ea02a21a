package io.vcanokey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ECDSA and ECDH of {@link CardKey} on the Weierstrass curves: published vectors (RFC 6979, RFC
 * 5903, RFC 7027) and independent verifiers (the JDK's SunEC for the NIST curves, BouncyCastle's
 * JCA provider for all).
 */
class CardKeyEcTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {
        "NIST_P256",
        "NIST_P384",
        "NIST_P521",
        "SECP256K1",
        "BRAINPOOL_P256R1",
        "BRAINPOOL_P384R1",
        "BRAINPOOL_P512R1"
      })
  @DisplayName("FIPS 186-4 6.4: signEcdsa over 32/48/64-byte hashes verifies with NONEwithECDSA")
  void signEcdsa_everyCurveAndHashLength_verifiesIndependently(KeyType type) throws Exception {
    CardKey key = CardKey.generate(type, RANDOM);
    int length = type.coordinateLength();
    assertThat(key.publicKey()).hasSize(1 + 2 * length).startsWith(0x04);

    for (String digest : new String[] {"SHA-256", "SHA-384", "SHA-512"}) {
      byte[] hash = MessageDigest.getInstance(digest).digest(new byte[] {1, 2, 3});

      byte[] signature = key.signEcdsa(hash);

      assertThat(signature).hasSize(2 * length);
      assertThat(verifyBc(type, key.publicKey(), hash, signature)).isTrue();
      if (jdkCurve(type) != null) {
        assertThat(verifyJdk(type, key.publicKey(), hash, signature)).isTrue();
      }
      byte[] other = hash.clone();
      other[0] ^= 1;
      assertThat(verifyBc(type, key.publicKey(), other, signature)).isFalse();
    }
  }

  @Test
  @DisplayName("RFC 6979 A.2.5: P-256, SHA-256, message \"sample\" gives the published r and s")
  void signEcdsa_rfc6979P256Sample_matchesVector() throws Exception {
    CardKey key =
        CardKey.fromScalar(
            KeyType.NIST_P256,
            Hex.decode("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"));
    byte[] hash = MessageDigest.getInstance("SHA-256").digest("sample".getBytes("US-ASCII"));

    assertThat(Hex.encode(key.publicKey()))
        .isEqualTo(
            "04"
                + "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
                + "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
    assertThat(Hex.encode(key.signEcdsa(hash)))
        .isEqualTo(
            "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
                + "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
  }

  @Test
  void signEcdsa_emptyHash_throws() {
    CardKey key = CardKey.generate(KeyType.NIST_P256, RANDOM);
    assertThatThrownBy(() -> key.signEcdsa(new byte[0])).isInstanceOf(CryptoException.class);
  }

  @Test
  @DisplayName("RFC 5903 8.1: 256-bit random ECP group, public values and shared x-coordinate")
  void agree_rfc5903P256_matchesVector() {
    checkEcdhVector(
        KeyType.NIST_P256,
        "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
        "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
            + "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
        "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
        "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
            + "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
        "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
  }

  @Test
  @DisplayName("RFC 5903 8.2: 384-bit random ECP group, public values and shared x-coordinate")
  void agree_rfc5903P384_matchesVector() {
    checkEcdhVector(
        KeyType.NIST_P384,
        "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655E35B538041E649EE3FAEF896783AB194",
        "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6DE3AC808ACB4BDB4C88732AEE95F41AA"
            + "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38EEB9FCFF3C2C947DAE69B4C634573A81C",
        "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942E0308312916B8ED2960E4BD55A7448FC",
        "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D0D1AC43A0336DEF96FDA41D0774A3571"
            + "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C",
        "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4D603135569B9E9D09CF5D4A270F59746");
  }

  @Test
  @DisplayName("RFC 5903 8.3: 521-bit random ECP group, public values and shared x-coordinate")
  void agree_rfc5903P521_matchesVector() {
    checkEcdhVector(
        KeyType.NIST_P521,
        "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A095AA85A30FE1C2952C6771D937BA9777F5957B2639BAB072462F68C27A57382D4A52",
        "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBEE1E3BF42E00B8E380AEAE57C2D107564941885942AF5A7F4601723C4195D176CED3E"
            + "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10AD8A788015AC405D7799DC75E7B7D5B6CF2261A6A7F1507438BF01BEB6CA3926F9582",
        "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E9C677D600B343757A3BDBF2A3163E4C2F869CCA7458AA4A4EFFC311F5CB151685EB9",
        "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A219B97C356436ADC6E95BB0352F6BE64A6C2912D4EF2D0433CED2B6171640012D9460F"
            + "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87220B6536C5C408A1D2AEBB8E86D678AE49CB57091F4732296579AB44FCD17F0FC56A",
        "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04D1427E73CA4BAA240A34786859810C06B3C715A3A8CC3151F2BEE417996D19F3DDEA");
  }

  @Test
  @DisplayName("RFC 7027 A.1: brainpoolP256r1 key pairs and shared secret x_Z")
  void agree_rfc7027BrainpoolP256_matchesVector() {
    checkEcdhVector(
        KeyType.BRAINPOOL_P256R1,
        "81DB1EE100150FF2EA338D708271BE38300CB54241D79950F77B063039804F1D",
        "44106E913F92BC02A1705D9953A8414DB95E1AAA49E81D9E85F929A8E3100BE5"
            + "8AB4846F11CACCB73CE49CBDD120F5A900A69FD32C272223F789EF10EB089BDC",
        "55E40BC41E37E3E2AD25C3C6654511FFA8474A91A0032087593852D3E7D76BD3",
        "8D2D688C6CF93E1160AD04CC4429117DC2C41825E1E9FCA0ADDD34E6F1B39F7B"
            + "990C57520812BE512641E47034832106BC7D3E8DD0E4C7F1136D7006547CEC6A",
        "89AFC39D41D3B327814B80940B042590F96556EC91E6AE7939BCE31F3A18BF2B");
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {
        "NIST_P256",
        "NIST_P384",
        "NIST_P521",
        "SECP256K1",
        "BRAINPOOL_P256R1",
        "BRAINPOOL_P384R1",
        "BRAINPOOL_P512R1"
      })
  @DisplayName("SEC 1 v2 3.3.1: agree equals BouncyCastle JCA ECDH and is symmetric")
  void agree_everyCurve_matchesBcKeyAgreement(KeyType type) throws Exception {
    CardKey a = CardKey.generate(type, RANDOM);
    CardKey b = CardKey.generate(type, RANDOM);

    byte[] ab = a.agree(b.publicKey());

    assertThat(ab).hasSize(type.coordinateLength()).isEqualTo(b.agree(a.publicKey()));
    KeyAgreement reference = KeyAgreement.getInstance("ECDH", BC);
    reference.init(bcPrivate(type, a));
    reference.doPhase(bcPublic(type, b.publicKey()), true);
    assertThat(reference.generateSecret()).isEqualTo(ab);
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"NIST_P256", "NIST_P521", "SECP256K1", "BRAINPOOL_P512R1"})
  @DisplayName("SEC 1 v2 3.2.2.1: a peer point off the curve is refused")
  void agree_pointOffCurve_throws(KeyType type) {
    CardKey key = CardKey.generate(type, RANDOM);
    byte[] peer = CardKey.generate(type, RANDOM).publicKey();
    peer[peer.length - 1] ^= 0x01;

    assertThatThrownBy(() -> key.agree(peer)).isInstanceOf(CryptoException.class);
  }

  @Test
  void agree_wrongLengthCompressedOrInfinity_throws() {
    CardKey key = CardKey.generate(KeyType.NIST_P256, RANDOM);
    byte[] good = CardKey.generate(KeyType.NIST_P256, RANDOM).publicKey();
    byte[] compressed = Arrays.copyOf(good, 33);
    compressed[0] = 0x02;
    byte[] wrongPrefix = good.clone();
    wrongPrefix[0] = 0x05;
    byte[] zeros = new byte[65];
    zeros[0] = 0x04;

    for (byte[] peer :
        new byte[][] {new byte[0], Arrays.copyOf(good, 64), compressed, wrongPrefix, zeros}) {
      assertThatThrownBy(() -> key.agree(peer)).isInstanceOf(CryptoException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {
        "NIST_P256",
        "NIST_P384",
        "NIST_P521",
        "SECP256K1",
        "BRAINPOOL_P256R1",
        "BRAINPOOL_P384R1",
        "BRAINPOOL_P512R1"
      })
  void encodeDecode_weierstrass_roundTrips(KeyType type) {
    CardKey key = CardKey.generate(type, RANDOM);

    CardKey decoded = CardKey.decode(key.encode());

    assertThat(decoded.type()).isEqualTo(type);
    assertThat(decoded.publicKey()).isEqualTo(key.publicKey());
    assertThat(decoded.encode()).isEqualTo(key.encode()).hasSize(2 + type.coordinateLength());
    byte[] hash = new byte[32];
    assertThat(decoded.signEcdsa(hash)).isEqualTo(key.signEcdsa(hash));
  }

  @Test
  void otherOperations_onEcKey_throwIllegalState() {
    CardKey key = CardKey.generate(KeyType.NIST_P256, RANDOM);
    assertThatThrownBy(() -> key.signPkcs1(new byte[51])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> key.decryptPkcs1(new byte[1]))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> key.rsaRaw(new byte[1])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(key::modulus).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(key::publicExponent).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> key.signEd25519(new byte[1]))
        .isInstanceOf(IllegalStateException.class);
  }

  // ---------------------------------------------------------------- helpers

  private static void checkEcdhVector(
      KeyType type, String dA, String qA, String dB, String qB, String z) {
    CardKey a = CardKey.fromScalar(type, Hex.decode(dA));
    CardKey b = CardKey.fromScalar(type, Hex.decode(dB));

    assertThat(Hex.encode(a.publicKey())).isEqualTo("04" + qA);
    assertThat(Hex.encode(b.publicKey())).isEqualTo("04" + qB);
    assertThat(Hex.encode(a.agree(Hex.decode("04" + qB)))).isEqualTo(z);
    assertThat(Hex.encode(b.agree(Hex.decode("04" + qA)))).isEqualTo(z);
  }

  private static String bcCurve(KeyType type) {
    switch (type) {
      case NIST_P256:
        return "secp256r1";
      case NIST_P384:
        return "secp384r1";
      case NIST_P521:
        return "secp521r1";
      case SECP256K1:
        return "secp256k1";
      case BRAINPOOL_P256R1:
        return "brainpoolP256r1";
      case BRAINPOOL_P384R1:
        return "brainpoolP384r1";
      case BRAINPOOL_P512R1:
        return "brainpoolP512r1";
      default:
        throw new IllegalArgumentException(type.toString());
    }
  }

  /** The JDK 17 SunEC name of a curve, or null where SunEC lacks it. */
  private static String jdkCurve(KeyType type) {
    switch (type) {
      case NIST_P256:
      case NIST_P384:
      case NIST_P521:
        return bcCurve(type);
      default:
        return null;
    }
  }

  private static byte[] der(byte[] rawSignature) throws Exception {
    int half = rawSignature.length / 2;
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(rawSignature, 0, half));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(rawSignature, half, rawSignature.length));
    return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)}).getEncoded();
  }

  private static PublicKey bcPublic(KeyType type, byte[] point) throws Exception {
    ECNamedCurveParameterSpec spec = ECNamedCurveTable.getParameterSpec(bcCurve(type));
    return KeyFactory.getInstance("EC", BC)
        .generatePublic(
            new org.bouncycastle.jce.spec.ECPublicKeySpec(
                spec.getCurve().decodePoint(point), spec));
  }

  private static java.security.PrivateKey bcPrivate(KeyType type, CardKey key) throws Exception {
    ECNamedCurveParameterSpec spec = ECNamedCurveTable.getParameterSpec(bcCurve(type));
    // The scalar is the storage body after version and type code.
    byte[] stored = key.encode();
    BigInteger d = new BigInteger(1, Arrays.copyOfRange(stored, 2, stored.length));
    return KeyFactory.getInstance("EC", BC)
        .generatePrivate(new org.bouncycastle.jce.spec.ECPrivateKeySpec(d, spec));
  }

  private static boolean verifyBc(KeyType type, byte[] point, byte[] hash, byte[] signature)
      throws Exception {
    Signature verifier = Signature.getInstance("NONEwithECDSA", BC);
    verifier.initVerify(bcPublic(type, point));
    verifier.update(hash);
    return verifier.verify(der(signature));
  }

  private static boolean verifyJdk(KeyType type, byte[] point, byte[] hash, byte[] signature)
      throws Exception {
    int length = type.coordinateLength();
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec(jdkCurve(type)));
    ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
    ECPoint w =
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + length)),
            new BigInteger(1, Arrays.copyOfRange(point, 1 + length, point.length)));
    PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    Signature verifier = Signature.getInstance("NONEwithECDSA", "SunEC");
    verifier.initVerify(publicKey);
    verifier.update(hash);
    return verifier.verify(der(signature));
  }
}
