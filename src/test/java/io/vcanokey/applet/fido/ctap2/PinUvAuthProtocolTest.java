package io.vcanokey.applet.fido.ctap2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.core.crypto.CryptoException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PinUvAuthProtocolTest {

  private final PinUvAuthProtocol.KeyAgreement keyAgreement =
      new PinUvAuthProtocol.KeyAgreement(new SecureRandom());

  @Test
  @DisplayName("6.5.6 getPublicKey: COSE_Key kty EC2, alg -25 (ECDH-ES+HKDF-256), crv P-256")
  void publicKey_always_isEc2P256CoseKey() throws Exception {
    CBORObject cose = keyAgreement.publicKey();
    assertThat(cose.get(CBORObject.FromObject(1)).AsInt32Value()).isEqualTo(2);
    assertThat(cose.get(CBORObject.FromObject(3)).AsInt32Value()).isEqualTo(-25);
    assertThat(cose.get(CBORObject.FromObject(-1)).AsInt32Value()).isEqualTo(1);
    assertThat(cose.get(CBORObject.FromObject(-2)).GetByteString()).hasSize(32);
    assertThat(cose.get(CBORObject.FromObject(-3)).GetByteString()).hasSize(32);
    assertThat(cose.size()).isEqualTo(5);
    // The JDK accepts it as a P-256 point.
    assertThat(PinPlatform.publicKeyOf(cose)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  @DisplayName("6.5.6/6.5.7 decapsulate: the same shared secret as the platform's encapsulate")
  void decapsulate_jdkPlatform_sameSharedSecret(int version) throws Exception {
    PinPlatform platform = new PinPlatform(version, keyAgreement.publicKey());
    PinUvAuthProtocol protocol = PinUvAuthProtocol.fromVersion(version);
    byte[] secret = protocol.decapsulate(keyAgreement, platform.coseKey());
    assertThat(secret).isEqualTo(platform.sharedSecret).hasSize(version == 1 ? 32 : 64);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  @DisplayName("6.5.6/6.5.7 encrypt and decrypt interoperate with the platform's AES-256-CBC")
  void encryptDecrypt_jdkPlatform_roundTrips(int version) throws Exception {
    PinPlatform platform = new PinPlatform(version, keyAgreement.publicKey());
    PinUvAuthProtocol protocol = PinUvAuthProtocol.fromVersion(version);
    byte[] secret = protocol.decapsulate(keyAgreement, platform.coseKey());
    byte[] plaintext = new byte[64];
    Arrays.fill(plaintext, (byte) 0x31);
    byte[] fromPlatform = platform.encrypt(plaintext);
    assertThat(protocol.decrypt(secret, fromPlatform)).isEqualTo(plaintext);
    byte[] fromKey = protocol.encrypt(secret, plaintext, new SecureRandom());
    assertThat(fromKey).hasSize(version == 1 ? 64 : 80);
    assertThat(platform.decrypt(fromKey)).isEqualTo(plaintext);
  }

  @Test
  @DisplayName("6.5.7 encrypt: protocol two draws a fresh IV each time")
  void encrypt_protocolTwo_randomIv() throws Exception {
    byte[] key = new byte[64];
    byte[] a = PinUvAuthProtocol.TWO.encrypt(key, new byte[32], new SecureRandom());
    byte[] b = PinUvAuthProtocol.TWO.encrypt(key, new byte[32], new SecureRandom());
    assertThat(a).isNotEqualTo(b);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  @DisplayName("6.5.6/6.5.7 authenticate/verify: tags of 16 (one) or 32 (two) bytes")
  void verify_platformTag_acceptedAndAlteredRefused(int version) throws Exception {
    PinPlatform platform = new PinPlatform(version, keyAgreement.publicKey());
    PinUvAuthProtocol protocol = PinUvAuthProtocol.fromVersion(version);
    byte[] secret = protocol.decapsulate(keyAgreement, platform.coseKey());
    byte[] message = "message".getBytes();
    byte[] tag = platform.authenticate(message);
    assertThat(tag).hasSize(version == 1 ? 16 : 32);
    assertThat(protocol.authenticate(secret, message)).isEqualTo(tag);
    assertThat(protocol.verify(secret, message, tag)).isTrue();
    byte[] altered = tag.clone();
    altered[0] ^= 1;
    assertThat(protocol.verify(secret, message, altered)).isFalse();
    assertThat(protocol.verify(secret, message, Arrays.copyOf(tag, tag.length - 1))).isFalse();
    assertThat(protocol.verify(secret, message, new byte[0])).isFalse();
  }

  @Test
  @DisplayName("6.5.6 decrypt: ciphertext not a multiple of the block size is an error")
  void decrypt_badLength_null() {
    assertThat(PinUvAuthProtocol.ONE.decrypt(new byte[32], new byte[15])).isNull();
    assertThat(PinUvAuthProtocol.TWO.decrypt(new byte[64], new byte[15])).isNull();
    assertThat(PinUvAuthProtocol.TWO.decrypt(new byte[64], new byte[33])).isNull();
    assertThat(PinUvAuthProtocol.TWO.decrypt(new byte[64], new byte[0])).isNull();
  }

  @Test
  @DisplayName("6.5.6 ecdh: a point off the curve is refused")
  void ecdh_pointOffCurve_refused() throws Exception {
    CBORObject cose = new PinPlatform(2, keyAgreement.publicKey()).coseKey();
    byte[] y = cose.get(CBORObject.FromObject(-3)).GetByteString();
    y[31] ^= 1;
    cose.set(CBORObject.FromObject(-3), CBORObject.FromObject(y));
    assertThatThrownBy(() -> keyAgreement.ecdh(cose)).isInstanceOf(CryptoException.class);
  }

  @Test
  @DisplayName("6.5.6 ecdh: wrong kty, curve, coordinate length or types are refused")
  void ecdh_malformedKey_refused() throws Exception {
    CBORObject good = new PinPlatform(2, keyAgreement.publicKey()).coseKey();
    CBORObject wrongKty = CBORObject.DecodeFromBytes(good.EncodeToBytes());
    wrongKty.set(CBORObject.FromObject(1), CBORObject.FromObject(1));
    CBORObject wrongCurve = CBORObject.DecodeFromBytes(good.EncodeToBytes());
    wrongCurve.set(CBORObject.FromObject(-1), CBORObject.FromObject(2));
    CBORObject shortX = CBORObject.DecodeFromBytes(good.EncodeToBytes());
    shortX.set(CBORObject.FromObject(-2), CBORObject.FromObject(new byte[31]));
    CBORObject textY = CBORObject.DecodeFromBytes(good.EncodeToBytes());
    textY.set(CBORObject.FromObject(-3), CBORObject.FromObject("y"));
    CBORObject noX = CBORObject.DecodeFromBytes(good.EncodeToBytes());
    noX.Remove(CBORObject.FromObject(-2));
    for (CBORObject bad : new CBORObject[] {wrongKty, wrongCurve, shortX, textY, noX}) {
      assertThatThrownBy(() -> keyAgreement.ecdh(bad)).isInstanceOf(CryptoException.class);
    }
    assertThatThrownBy(() -> keyAgreement.ecdh(CBORObject.FromObject(3)))
        .isInstanceOf(CryptoException.class);
  }

  @Test
  @DisplayName("6.5.6 regenerate: a new key pair, so the old shared secret no longer matches")
  void regenerate_newKey_differentPublicKey() {
    byte[] before = keyAgreement.publicKey().EncodeToBytes();
    keyAgreement.regenerate();
    assertThat(keyAgreement.publicKey().EncodeToBytes()).isNotEqualTo(before);
  }

  @Test
  void fromVersion_unknown_null() {
    assertThat(PinUvAuthProtocol.fromVersion(0)).isNull();
    assertThat(PinUvAuthProtocol.fromVersion(3)).isNull();
    assertThat(PinUvAuthProtocol.fromVersion(1)).isEqualTo(PinUvAuthProtocol.ONE);
  }
}
