package io.vcanokey.applet.fido;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.core.crypto.CardKey;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CredentialIdTest {

  private static final byte[] KH_KEY =
      Hex.decode("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");

  static byte[] sha256(String text) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(text.getBytes("UTF-8"));
  }

  static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  @Test
  @DisplayName("inventory 3.9: 70 bytes; flag at 32, level at 33, rpIdHash at 34, alg LE at 66")
  void wrap_es256_layoutMatchesInventory() throws Exception {
    byte[] rp = sha256("example.com");

    byte[] id =
        CredentialId.wrap(KH_KEY, rp, CredentialId.COSE_ES256, true, 2, new SecureRandom())
            .id()
            .encode();

    assertThat(id).hasSize(70);
    assertThat(id[32]).isEqualTo((byte) 1);
    assertThat(id[33]).isEqualTo((byte) 2);
    assertThat(Arrays.copyOfRange(id, 34, 66)).isEqualTo(rp);
    assertThat(Arrays.copyOfRange(id, 66, 70)).isEqualTo(Hex.decode("F9FFFFFF")); // -7 LE
  }

  @Test
  @DisplayName(
      "inventory 3.9: P-256 scalar = HMAC(KH_KEY, bytes 16..33), tag = HMAC(key, rp || alg)[:16]")
  void wrap_es256_keyAndTagDerivedFromKhKey() throws Exception {
    byte[] rp = sha256("example.com");

    CredentialId.Wrapped wrapped =
        CredentialId.wrap(KH_KEY, rp, CredentialId.COSE_ES256, false, 1, new SecureRandom());
    byte[] id = wrapped.id().encode();

    byte[] scalar = hmac(KH_KEY, Arrays.copyOfRange(id, 16, 34));
    byte[] expectedPublic =
        ECNamedCurveTable.getParameterSpec("secp256r1")
            .getG()
            .multiply(new BigInteger(1, scalar))
            .normalize()
            .getEncoded(false);
    assertThat(wrapped.privateKey().publicKey()).isEqualTo(expectedPublic);
    assertThat(Arrays.copyOfRange(id, 0, 16))
        .isEqualTo(Arrays.copyOf(hmac(scalar, Arrays.copyOfRange(id, 34, 70)), 16));
  }

  @Test
  @DisplayName("inventory 3.9: the Ed25519 seed = HMAC(KH_KEY, bytes 16..33), alg -8 LE")
  void wrap_eddsa_seedDerivedFromKhKey() throws Exception {
    byte[] rp = sha256("ssh:");
    byte[] message = "message".getBytes("UTF-8");

    CredentialId.Wrapped wrapped =
        CredentialId.wrap(KH_KEY, rp, CredentialId.COSE_EDDSA, true, 3, new SecureRandom());
    byte[] id = wrapped.id().encode();

    byte[] seed = hmac(KH_KEY, Arrays.copyOfRange(id, 16, 34));
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(
        KeyFactory.getInstance("Ed25519")
            .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
    jdk.update(message);
    assertThat(wrapped.privateKey().signEd25519(message)).isEqualTo(jdk.sign());
    assertThat(Arrays.copyOfRange(id, 66, 70)).isEqualTo(Hex.decode("F8FFFFFF"));
    assertThat(Arrays.copyOfRange(id, 0, 16))
        .isEqualTo(Arrays.copyOf(hmac(seed, Arrays.copyOfRange(id, 34, 70)), 16));
  }

  @Test
  void unwrap_ownId_returnsSameKeyAndFields() throws Exception {
    byte[] rp = sha256("example.com");
    CredentialId.Wrapped wrapped =
        CredentialId.wrap(KH_KEY, rp, CredentialId.COSE_ES256, true, 3, new SecureRandom());

    CredentialId.Wrapped unwrapped =
        CredentialId.unwrap(KH_KEY, wrapped.id().encode(), rp).orElseThrow();

    assertThat(unwrapped.id()).isEqualTo(wrapped.id());
    assertThat(unwrapped.id().discoverable()).isTrue();
    assertThat(unwrapped.id().credProtect()).isEqualTo(3);
    assertThat(unwrapped.id().alg()).isEqualTo(CredentialId.COSE_ES256);
    CardKey key = unwrapped.privateKey();
    assertThat(key.publicKey()).isEqualTo(wrapped.privateKey().publicKey());
  }

  @Test
  void unwrap_otherRelyingParty_isEmpty() throws Exception {
    byte[] id =
        CredentialId.wrap(
                KH_KEY, sha256("a.example"), CredentialId.COSE_ES256, false, 1, new SecureRandom())
            .id()
            .encode();

    assertThat(CredentialId.unwrap(KH_KEY, id, sha256("b.example"))).isEmpty();
  }

  @Test
  void unwrap_otherKhKey_isEmpty() throws Exception {
    byte[] rp = sha256("example.com");
    byte[] id =
        CredentialId.wrap(KH_KEY, rp, CredentialId.COSE_EDDSA, false, 1, new SecureRandom())
            .id()
            .encode();
    byte[] otherKey = KH_KEY.clone();
    otherKey[0] ^= 1;

    assertThat(CredentialId.unwrap(otherKey, id, rp)).isEmpty();
  }

  @Test
  void unwrap_anyByteFlipped_isEmpty() throws Exception {
    byte[] rp = sha256("example.com");
    byte[] id =
        CredentialId.wrap(KH_KEY, rp, CredentialId.COSE_ES256, false, 1, new SecureRandom())
            .id()
            .encode();

    for (int i = 0; i < id.length; i++) {
      byte[] changed = id.clone();
      changed[i] ^= 0x01;
      assertThat(CredentialId.unwrap(KH_KEY, changed, rp)).as("byte %d", i).isEmpty();
    }
  }

  @Test
  void unwrap_wrongLength_isEmpty() throws Exception {
    byte[] rp = sha256("example.com");
    byte[] id =
        CredentialId.wrap(KH_KEY, rp, CredentialId.COSE_ES256, false, 1, new SecureRandom())
            .id()
            .encode();

    assertThat(CredentialId.unwrap(KH_KEY, Arrays.copyOf(id, 69), rp)).isEmpty();
    assertThat(CredentialId.unwrap(KH_KEY, Arrays.copyOf(id, 71), rp)).isEmpty();
    assertThat(CredentialId.unwrap(KH_KEY, new byte[0], rp)).isEmpty();
  }

  @Test
  void wrap_unsupportedAlgorithm_throws() throws Exception {
    assertThatThrownBy(
            () ->
                CredentialId.wrap(
                    KH_KEY, sha256("example.com"), -257, false, 1, new SecureRandom()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decode_discoverableFlagNotZeroOrOne_isEmpty() {
    byte[] encoded = new byte[70];
    encoded[32] = 2;

    assertThat(CredentialId.decode(encoded)).isEmpty();
  }

  @Test
  @DisplayName("the tag covers the algorithm: -7 flipped to -8 is refused (our deviation)")
  void unwrap_algorithmSwapped_isEmpty() throws Exception {
    byte[] rp = sha256("example.com");
    byte[] id =
        CredentialId.wrap(KH_KEY, rp, CredentialId.COSE_ES256, false, 1, new SecureRandom())
            .id()
            .encode();
    id[66] = (byte) 0xF8;

    assertThat(CredentialId.unwrap(KH_KEY, id, rp)).isEmpty();
  }

  @Test
  void decode_encode_roundTrip() throws Exception {
    byte[] encoded = new byte[70];
    new SecureRandom().nextBytes(encoded);
    encoded[32] = 1;

    assertThat(CredentialId.decode(encoded).orElseThrow().encode()).isEqualTo(encoded);
  }
}
