package io.vcanokey.applet.fido.ctap2;

import com.upokecenter.cbor.CBORObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The platform side of a PIN/UV auth protocol (CTAP 2.1, 6.5.6 and 6.5.7), written independently of
 * the authenticator's code with the JDK's ECDH, AES and HMAC, so tests check one against the other.
 */
final class PinPlatform {

  final int protocol;
  final KeyPair pair;
  final byte[] sharedSecret;

  /** Runs the platform's encapsulate against the authenticator's COSE key agreement key. */
  PinPlatform(int protocol, CBORObject authenticatorKey) throws Exception {
    this.protocol = protocol;
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    pair = generator.generateKeyPair();
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(pair.getPrivate());
    agreement.doPhase(publicKeyOf(authenticatorKey), true);
    byte[] z = agreement.generateSecret();
    if (protocol == 1) {
      sharedSecret = MessageDigest.getInstance("SHA-256").digest(z);
    } else {
      byte[] prk = hmac(new byte[32], z);
      byte[] hmacKey = hmac(prk, concat("CTAP2 HMAC key".getBytes(StandardCharsets.US_ASCII), 1));
      byte[] aesKey = hmac(prk, concat("CTAP2 AES key".getBytes(StandardCharsets.US_ASCII), 1));
      sharedSecret = new byte[64];
      System.arraycopy(hmacKey, 0, sharedSecret, 0, 32);
      System.arraycopy(aesKey, 0, sharedSecret, 32, 32);
    }
  }

  /** The platform's public key as the COSE_Key clients send in keyAgreement (0x03). */
  CBORObject coseKey() {
    ECPoint w = ((ECPublicKey) pair.getPublic()).getW();
    CBORObject cose = CBORObject.NewMap();
    cose.Add(1, 2);
    cose.Add(3, -25);
    cose.Add(-1, 1);
    cose.Add(-2, unsigned32(w.getAffineX()));
    cose.Add(-3, unsigned32(w.getAffineY()));
    return cose;
  }

  byte[] encrypt(byte[] plaintext) throws Exception {
    if (protocol == 1) {
      return aes(Cipher.ENCRYPT_MODE, sharedSecret, new byte[16], plaintext);
    }
    byte[] iv = new byte[16];
    Arrays.fill(iv, (byte) 0x5A);
    byte[] body = aes(Cipher.ENCRYPT_MODE, Arrays.copyOfRange(sharedSecret, 32, 64), iv, plaintext);
    byte[] out = new byte[16 + body.length];
    System.arraycopy(iv, 0, out, 0, 16);
    System.arraycopy(body, 0, out, 16, body.length);
    return out;
  }

  byte[] decrypt(byte[] ciphertext) throws Exception {
    if (protocol == 1) {
      return aes(Cipher.DECRYPT_MODE, sharedSecret, new byte[16], ciphertext);
    }
    return aes(
        Cipher.DECRYPT_MODE,
        Arrays.copyOfRange(sharedSecret, 32, 64),
        Arrays.copyOf(ciphertext, 16),
        Arrays.copyOfRange(ciphertext, 16, ciphertext.length));
  }

  /** authenticate with the shared secret. */
  byte[] authenticate(byte[] message) throws Exception {
    return authenticate(protocol, sharedSecret, message);
  }

  static byte[] authenticate(int protocol, byte[] key, byte[] message) throws Exception {
    if (protocol == 1) {
      return Arrays.copyOf(hmac(key, message), 16);
    }
    return hmac(Arrays.copyOf(key, 32), message);
  }

  /** The PIN padded with zeros to 64 bytes (6.5.5.5). */
  static byte[] padPin(String pin) {
    return Arrays.copyOf(pin.getBytes(StandardCharsets.UTF_8), 64);
  }

  static byte[] pinHash(String pin) throws Exception {
    return Arrays.copyOf(
        MessageDigest.getInstance("SHA-256").digest(pin.getBytes(StandardCharsets.UTF_8)), 16);
  }

  static ECPublicKey publicKeyOf(CBORObject cose) throws Exception {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    ECPoint w =
        new ECPoint(
            new BigInteger(1, cose.get(CBORObject.FromObject(-2)).GetByteString()),
            new BigInteger(1, cose.get(CBORObject.FromObject(-3)).GetByteString()));
    return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
  }

  static byte[] hmac(byte[] key, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message);
  }

  static byte[] concat(byte[] a, int lastByte) {
    byte[] out = Arrays.copyOf(a, a.length + 1);
    out[a.length] = (byte) lastByte;
    return out;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] aes(int mode, byte[] key, byte[] iv, byte[] data) throws Exception {
    Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    return cipher.doFinal(data);
  }

  private static byte[] unsigned32(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }
}
