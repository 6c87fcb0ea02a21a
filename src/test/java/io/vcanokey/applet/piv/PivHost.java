package io.vcanokey.applet.piv;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.applet.AppletContext;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.CommandApdu;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.TouchPolicy;
import io.vcanokey.platform.UserPresence;
import io.vcanokey.storage.StateFile;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;

/**
 * A PIV host for the tests: a card OS with the PIV applet over a temporary state file, raw APDU
 * helpers that follow 61XX with GET RESPONSE, and the host side of management-key authentication
 * computed with the JDK's own ciphers (an implementation independent of the applet's).
 */
final class PivHost implements AutoCloseable {

  static final String SELECT = "00 A4 04 00 05 A0 00 00 03 08";
  static final String VERIFY_DEFAULT_PIN = "00 20 00 80 08 31 32 33 34 35 36 FF FF";
  static final byte[] SERIAL = {0x12, 0x34, 0x56, 0x78};
  static final byte[] DEFAULT_MANAGEMENT_KEY =
      Hex.decode("010203040506070801020304050607080102030405060708");

  /** A user-presence service that records requests and answers as told. */
  static final class Presence implements UserPresence {
    final List<String> asked = new ArrayList<>();
    boolean grant = true;

    @Override
    public boolean confirm(String purpose) {
      asked.add(purpose);
      return grant;
    }

    @Override
    public TouchPolicy policy() {
      return grant ? TouchPolicy.AUTO : TouchPolicy.DENY;
    }
  }

  private final Path file;
  StateFile state;
  final Presence presence = new Presence();
  final SecureRandom random = new SecureRandom();
  long nanos = 1_000_000_000L;
  CardOs card;
  PivApplet applet;

  PivHost(Path dir) throws Exception {
    this.file = dir.resolve("key");
    this.state = StateFile.open(file);
    state.put("admin/sn", SERIAL);
    newSession();
  }

  /** A fresh card session over the same state (a new reader connection or a power cycle). */
  void newSession() {
    LongSupplier clock = () -> nanos;
    applet = new PivApplet(new AppletContext(state, presence, random), clock);
    card = new CardOs(List.of(applet));
    assertSw(send(SELECT), 0x9000);
  }

  /** Closes and reopens the state file, as a restarted key would. */
  void restart() throws Exception {
    state.close();
    state = StateFile.open(file);
    newSession();
  }

  @Override
  public void close() throws Exception {
    state.close();
  }

  // ---- APDUs -----------------------------------------------------------------------------------

  ResponseApdu send(String hex) {
    return send(Hex.decode(hex.replace(" ", "")));
  }

  /** Sends one APDU and follows 61XX with GET RESPONSE, returning all data and the last SW. */
  ResponseApdu send(byte[] apdu) {
    ResponseApdu response = ResponseApdu.decode(card.transmit(apdu));
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(response.data());
    while (response.sw1() == 0x61) {
      response = ResponseApdu.decode(card.transmit(Hex.decode("00C0000000")));
      data.writeBytes(response.data());
    }
    return new ResponseApdu(data.toByteArray(), response.sw());
  }

  /** A command with Le, extended when the data needs it (ykman sends extended APDUs). */
  ResponseApdu command(int ins, int p1, int p2, byte[] data) {
    int ne = data.length > 255 ? CommandApdu.EXTENDED_MAX_NE : CommandApdu.SHORT_MAX_NE;
    return send(CommandApdu.of(0x00, ins, p1, p2, data, ne).encode());
  }

  ResponseApdu command(int ins, int p1, int p2, String hex) {
    return command(ins, p1, p2, Hex.decode(hex.replace(" ", "")));
  }

  ResponseApdu getData(String tagHex) {
    byte[] tag = Hex.decode(tagHex.replace(" ", ""));
    return command(0xCB, 0x3F, 0xFF, concat(new byte[] {0x5C, (byte) tag.length}, tag));
  }

  /** PUT DATA of 5C tag 53 value, with a long-form length when needed. */
  ResponseApdu putData(String tagHex, byte[] value) {
    byte[] tag = Hex.decode(tagHex.replace(" ", ""));
    return command(
        0xDB, 0x3F, 0xFF, concat(new byte[] {0x5C, (byte) tag.length}, tag, tlv(0x53, value)));
  }

  void verifyPin() {
    assertSw(send(VERIFY_DEFAULT_PIN), 0x9000);
  }

  // ---- management key --------------------------------------------------------------------------

  /** Mutual authentication (SP 800-73-4 part 2, A.2) with the JDK's cipher; returns the SW. */
  int authenticate(int algorithm, byte[] key) {
    ResponseApdu witness = command(0x87, algorithm, 0x9B, Hex.decode("7C028000"));
    if (witness.sw() != 0x9000) {
      return witness.sw();
    }
    byte[] encrypted = inner(inner(witness.data(), 0x7C), 0x80);
    byte[] decrypted = jdkCipher(Cipher.DECRYPT_MODE, algorithm, key, encrypted);
    byte[] challenge = new byte[encrypted.length];
    random.nextBytes(challenge);
    byte[] template = tlv(0x7C, concat(tlv(0x80, decrypted), tlv(0x81, challenge)));
    ResponseApdu response = command(0x87, algorithm, 0x9B, template);
    if (response.sw() == 0x9000) {
      byte[] cardAnswer = inner(inner(response.data(), 0x7C), 0x82);
      assertThat(cardAnswer).isEqualTo(jdkCipher(Cipher.ENCRYPT_MODE, algorithm, key, challenge));
    }
    return response.sw();
  }

  void authenticateDefault() {
    assertThat(StatusWords.format(authenticate(0x03, DEFAULT_MANAGEMENT_KEY))).isEqualTo("9000");
  }

  /** ECB encryption or decryption with the JDK (TDES "DESede" or AES) as the host computes it. */
  static byte[] jdkCipher(int mode, int algorithm, byte[] key, byte[] data) {
    String name = algorithm == 0x03 ? "DESede" : "AES";
    try {
      Cipher cipher = Cipher.getInstance(name + "/ECB/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, name));
      return cipher.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  // ---- keys ------------------------------------------------------------------------------------

  /** GENERATE with template AC {80 alg [AA pin] [AB touch]}; returns the response. */
  ResponseApdu generate(int slot, int algorithm, int pinPolicy, int touchPolicy) {
    ByteArrayOutputStream template = new ByteArrayOutputStream();
    template.writeBytes(tlv(0x80, new byte[] {(byte) algorithm}));
    if (pinPolicy != 0) {
      template.writeBytes(tlv(0xAA, new byte[] {(byte) pinPolicy}));
    }
    if (touchPolicy != 0) {
      template.writeBytes(tlv(0xAB, new byte[] {(byte) touchPolicy}));
    }
    return command(0x47, 0x00, slot, tlv(0xAC, template.toByteArray()));
  }

  /** Generates and returns the public key as a JDK key, parsed from 7F49 independently. */
  PublicKey generateKey(int slot, int algorithm, int pinPolicy, int touchPolicy) {
    ResponseApdu r = generate(slot, algorithm, pinPolicy, touchPolicy);
    assertSw(r, 0x9000);
    return publicKey(algorithm, inner(r.data(), 0x7F49));
  }

  /** A JDK public key from the 7F49 content: 81/82 for RSA, 86 for curves. */
  static PublicKey publicKey(int algorithm, byte[] objects) {
    try {
      switch (algorithm) {
        case 0x06, 0x07, 0x05, 0x16 -> {
          BigInteger n = new BigInteger(1, inner(objects, 0x81));
          BigInteger e = new BigInteger(1, inner(objects, 0x82));
          return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        }
        case 0x11, 0x14 -> {
          String curve = algorithm == 0x11 ? "secp256r1" : "secp384r1";
          byte[] point = inner(objects, 0x86);
          int n = (point.length - 1) / 2;
          assertThat(point[0]).isEqualTo((byte) 0x04);
          ECPoint w =
              new ECPoint(
                  new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + n)),
                  new BigInteger(1, Arrays.copyOfRange(point, 1 + n, point.length)));
          java.security.AlgorithmParameters parameters =
              java.security.AlgorithmParameters.getInstance("EC");
          parameters.init(new java.security.spec.ECGenParameterSpec(curve));
          java.security.spec.ECParameterSpec spec =
              parameters.getParameterSpec(java.security.spec.ECParameterSpec.class);
          return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
        }
        case 0xE0, 0xE1 -> {
          // RFC 8410 SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID }, BIT STRING key }.
          byte[] raw = inner(objects, 0x86);
          String prefix =
              algorithm == 0xE0 ? "302a300506032b6570032100" : "302a300506032b656e032100";
          byte[] spki = concat(Hex.decode(prefix), raw);
          return KeyFactory.getInstance(algorithm == 0xE0 ? "Ed25519" : "X25519")
              .generatePublic(new X509EncodedKeySpec(spki));
        }
        default -> throw new AssertionError("algorithm " + algorithm);
      }
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static ECNamedCurveParameterSpec curve(String name) {
    return ECNamedCurveTable.getParameterSpec(name);
  }

  /** GENERAL AUTHENTICATE 7C {82 empty, 81 input}: signature or decryption; returns 82. */
  ResponseApdu sign(int algorithm, int slot, byte[] input) {
    return command(
        0x87, algorithm, slot, tlv(0x7C, concat(tlv(0x82, new byte[0]), tlv(0x81, input))));
  }

  /** GENERAL AUTHENTICATE 7C {82 empty, 85 peer}: key agreement. */
  ResponseApdu agree(int algorithm, int slot, byte[] peer) {
    return command(
        0x87, algorithm, slot, tlv(0x7C, concat(tlv(0x82, new byte[0]), tlv(0x85, peer))));
  }

  // ---- TLV and bytes ---------------------------------------------------------------------------

  static void assertSw(ResponseApdu response, int sw) {
    assertThat(StatusWords.format(response.sw())).isEqualTo(StatusWords.format(sw));
  }

  /**
   * Encodes one TLV with a one- or two-byte tag and a BER length (written here, not the applet's).
   */
  static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (tag > 0xFF) {
      out.write(tag >> 8);
    }
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** The value of the first {@code tag} at the top level of {@code data}; fails if absent. */
  static byte[] inner(byte[] data, int tag) {
    int at = 0;
    while (at < data.length) {
      int t = data[at++] & 0xFF;
      if ((t & 0x1F) == 0x1F) {
        t = t << 8 | (data[at++] & 0xFF);
      }
      int length = data[at++] & 0xFF;
      if (length == 0x81) {
        length = data[at++] & 0xFF;
      } else if (length == 0x82) {
        length = (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
        at += 2;
      }
      if (t == tag) {
        return Arrays.copyOfRange(data, at, at + length);
      }
      at += length;
    }
    throw new AssertionError("no tag " + Integer.toHexString(tag) + " in " + Hex.encode(data));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
