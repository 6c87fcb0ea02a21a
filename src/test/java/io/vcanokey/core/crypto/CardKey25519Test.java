package io.vcanokey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ed25519 and X25519 keys of {@link CardKey}: RFC 8032 section 7.1 and RFC 7748 sections 5.2 and
 * 6.1 vectors, plus the JDK's own Ed25519 and XDH as independent checks.
 */
class CardKey25519Test {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** SubjectPublicKeyInfo prefix for an Ed25519 key, OID 1.3.101.112 (RFC 8410, 4). */
  private static final String ED25519_SPKI_PREFIX = "302A300506032B6570032100";

  /** SubjectPublicKeyInfo prefix for an X25519 key, OID 1.3.101.110 (RFC 8410, 4). */
  private static final String X25519_SPKI_PREFIX = "302A300506032B656E032100";

  @ParameterizedTest(name = "RFC 8032 7.1 TEST {0}")
  @CsvSource({
    "1, 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
        + " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
        + " e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    "2, 4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
        + " 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72,"
        + " 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    "3, c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7,"
        + " fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82,"
        + " 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
  })
  @DisplayName("RFC 8032 7.1: Ed25519 public key and signature of TEST 1-3")
  void signEd25519_rfc8032Vectors_match(int test, String seed, String pub, String msg, String sig) {
    CardKey key = CardKey.fromScalar(KeyType.ED25519, Hex.decode(seed));

    assertThat(Hex.encode(key.publicKey())).isEqualToIgnoringCase(pub);
    assertThat(Hex.encode(key.signEd25519(Hex.decode(msg)))).isEqualToIgnoringCase(sig);
  }

  @Test
  @DisplayName("RFC 8032 5.1.6: a generated key's signature verifies with the JDK's Ed25519")
  void signEd25519_generatedKey_verifiesWithJdk() throws Exception {
    CardKey key = CardKey.generate(KeyType.ED25519, RANDOM);
    byte[] message = new byte[1000];
    RANDOM.nextBytes(message);

    byte[] signature = key.signEd25519(message);

    assertThat(signature).hasSize(64);
    PublicKey publicKey =
        KeyFactory.getInstance("Ed25519")
            .generatePublic(
                new X509EncodedKeySpec(
                    Hex.decode(ED25519_SPKI_PREFIX + Hex.encode(key.publicKey()))));
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(publicKey);
    verifier.update(message);
    assertThat(verifier.verify(signature)).isTrue();
  }

  @ParameterizedTest(name = "RFC 7748 5.2 vector {index}")
  @CsvSource({
    "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4,"
        + " e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c,"
        + " c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
    "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d,"
        + " e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493,"
        + " 95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"
  })
  @DisplayName("RFC 7748 5.2: X25519 of an unclamped scalar and a u-coordinate")
  void agree_rfc7748Section52Vectors_match(String scalar, String u, String out) {
    CardKey key = CardKey.fromScalar(KeyType.X25519, Hex.decode(scalar));

    assertThat(Hex.encode(key.agree(Hex.decode(u)))).isEqualToIgnoringCase(out);
  }

  @Test
  @DisplayName("RFC 7748 6.1: Alice and Bob public keys and shared secret K")
  void agree_rfc7748Section61_matches() {
    CardKey alice =
        CardKey.fromScalar(
            KeyType.X25519,
            Hex.decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    CardKey bob =
        CardKey.fromScalar(
            KeyType.X25519,
            Hex.decode("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

    assertThat(Hex.encode(alice.publicKey()))
        .isEqualToIgnoringCase("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    assertThat(Hex.encode(bob.publicKey()))
        .isEqualToIgnoringCase("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    assertThat(Hex.encode(alice.agree(bob.publicKey()))).isEqualToIgnoringCase(shared);
    assertThat(Hex.encode(bob.agree(alice.publicKey()))).isEqualToIgnoringCase(shared);
  }

  @Test
  @DisplayName("RFC 7748 5: a generated key agrees with the JDK's X25519 both ways")
  void agree_generatedKey_matchesJdkXdh() throws Exception {
    CardKey key = CardKey.generate(KeyType.X25519, RANDOM);
    KeyPair jdk = KeyPairGenerator.getInstance("X25519").generateKeyPair();
    byte[] spki = jdk.getPublic().getEncoded();
    byte[] jdkRaw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    PublicKey ours =
        KeyFactory.getInstance("X25519")
            .generatePublic(
                new X509EncodedKeySpec(
                    Hex.decode(X25519_SPKI_PREFIX + Hex.encode(key.publicKey()))));
    KeyAgreement reference = KeyAgreement.getInstance("X25519");
    reference.init(jdk.getPrivate());
    reference.doPhase(ours, true);

    assertThat(key.agree(jdkRaw)).isEqualTo(reference.generateSecret());
  }

  @Test
  @DisplayName("RFC 7748 6.1: an all-zero shared secret (small-order peer) is refused")
  void agree_smallOrderPeer_throws() {
    CardKey key = CardKey.generate(KeyType.X25519, RANDOM);
    byte[] zero = new byte[32];
    byte[] one = new byte[32];
    one[0] = 1;

    assertThatThrownBy(() -> key.agree(zero)).isInstanceOf(CryptoException.class);
    assertThatThrownBy(() -> key.agree(one)).isInstanceOf(CryptoException.class);
  }

  @Test
  void agree_x25519WrongLength_throws() {
    CardKey key = CardKey.generate(KeyType.X25519, RANDOM);
    assertThatThrownBy(() -> key.agree(new byte[31])).isInstanceOf(CryptoException.class);
    assertThatThrownBy(() -> key.agree(new byte[33])).isInstanceOf(CryptoException.class);
  }

  @Test
  void fromScalar_wrongLength_throws() {
    for (KeyType type : new KeyType[] {KeyType.ED25519, KeyType.X25519}) {
      assertThatThrownBy(() -> CardKey.fromScalar(type, new byte[31]))
          .isInstanceOf(CryptoException.class);
      assertThatThrownBy(() -> CardKey.fromScalar(type, new byte[33]))
          .isInstanceOf(CryptoException.class);
    }
  }

  @Test
  void encodeDecode_25519_roundTrips() {
    for (KeyType type : new KeyType[] {KeyType.ED25519, KeyType.X25519}) {
      CardKey key = CardKey.generate(type, RANDOM);

      CardKey decoded = CardKey.decode(key.encode());

      assertThat(decoded.type()).isEqualTo(type);
      assertThat(decoded.publicKey()).isEqualTo(key.publicKey()).hasSize(32);
      assertThat(decoded.encode()).isEqualTo(key.encode()).hasSize(34);
    }
  }

  @Test
  void wrongOperations_on25519Keys_throwIllegalState() {
    CardKey ed = CardKey.generate(KeyType.ED25519, RANDOM);
    CardKey x = CardKey.generate(KeyType.X25519, RANDOM);

    assertThatThrownBy(() -> ed.agree(new byte[32])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ed.signEcdsa(new byte[32])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> x.signEd25519(new byte[1])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> x.signEcdsa(new byte[32])).isInstanceOf(IllegalStateException.class);
  }
}
