package io.vcanokey.pcsc;

import io.vcanokey.core.bytes.Hex;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A minimal PIV host for the raw-APDU tests, written from NIST SP 800-73-4 part 2 and Yubico's PIV
 * APDU documentation (docs.yubico.com, YubiKey SDK "PIV commands"), independent of the applet's
 * code: it builds command APDUs, parses BER-TLV answers with its own few lines, turns public keys
 * into JDK keys and computes management-key cryptograms with the JDK's Cipher. APDUs go through
 * {@link PcscCard} (javax.smartcardio and the real pcscd), which fetches 61XX continuations itself.
 */
final class PivClient implements AutoCloseable {

  /** SP 800-73-4 part 1, 2.2: the PIV AID without its version. */
  static final byte[] AID = Hex.decode("A000000308");

  static final int INS_VERIFY = 0x20;
  static final int INS_CHANGE_REFERENCE_DATA = 0x24;
  static final int INS_RESET_RETRY_COUNTER = 0x2C;
  static final int INS_GENERATE_ASYMMETRIC_KEY_PAIR = 0x47;
  static final int INS_GENERAL_AUTHENTICATE = 0x87;
  static final int INS_GET_DATA = 0xCB;
  static final int INS_PUT_DATA = 0xDB;

  // Yubico PIV extensions (yubikit piv.py, docs.yubico.com "PIV commands").
  static final int INS_GET_METADATA = 0xF7;
  static final int INS_ATTEST = 0xF9;
  static final int INS_IMPORT_ASYMMETRIC_KEY = 0xFE;
  static final int INS_SET_MANAGEMENT_KEY = 0xFF;

  // Algorithm identifiers: SP 800-78-4 table 6-2 and Yubico's additions for 5.7.
  static final int ALG_TDES = 0x03;
  static final int ALG_AES128 = 0x08;
  static final int ALG_AES192 = 0x0A;
  static final int ALG_AES256 = 0x0C;
  static final int ALG_RSA1024 = 0x06;
  static final int ALG_RSA2048 = 0x07;
  static final int ALG_RSA3072 = 0x05;
  static final int ALG_RSA4096 = 0x16;
  static final int ALG_P256 = 0x11;
  static final int ALG_P384 = 0x14;
  static final int ALG_ED25519 = 0xE0;
  static final int ALG_X25519 = 0xE1;

  static final int SLOT_MANAGEMENT = 0x9B;

  /** Yubico default management key, 01..08 three times. */
  static final byte[] DEFAULT_MANAGEMENT_KEY =
      Hex.decode("010203040506070801020304050607080102030405060708");

  /** SP 800-73-4 part 2, 3.2.1: the PIN is sent padded with FF to 8 bytes; default 123456. */
  static final byte[] DEFAULT_PIN = Hex.decode("313233343536FFFF");

  /** One response APDU. */
  record Answer(byte[] data, int sw) {
    String hex() {
      return Hex.encode(data);
    }

    /** The data, failing unless the card answered 9000. */
    byte[] ok() {
      if (sw != 0x9000) {
        throw new AssertionError(String.format("expected 9000, card answered %04X", sw));
      }
      return data;
    }

    @Override
    public String toString() {
      return String.format("%s SW=%04X", hex(), sw);
    }
  }

  private final PcscCard card;

  private PivClient(PcscCard card) {
    this.card = card;
  }

  /** Connects to the card in {@code reader} and selects the PIV application. */
  static PivClient connect(String reader) {
    PivClient piv = new PivClient(PcscCard.connect(reader));
    piv.select().ok();
    return piv;
  }

  Answer select() {
    return send(0x00, 0xA4, 0x04, 0x00, AID);
  }

  /**
   * Sends one APDU: short with Le 00 when the data fits in 255 bytes, else extended with Le 0000
   * (ISO/IEC 7816-4 5.1).
   */
  Answer send(int cla, int ins, int p1, int p2, byte[] data) {
    ByteArrayOutputStream apdu = new ByteArrayOutputStream();
    apdu.write(cla);
    apdu.write(ins);
    apdu.write(p1);
    apdu.write(p2);
    if (data.length == 0) {
      apdu.write(0x00);
    } else if (data.length <= 255) {
      apdu.write(data.length);
      apdu.writeBytes(data);
      apdu.write(0x00);
    } else {
      apdu.write(0x00);
      apdu.write(data.length >> 8);
      apdu.write(data.length);
      apdu.writeBytes(data);
      apdu.write(0x00);
      apdu.write(0x00);
    }
    return raw(apdu.toByteArray());
  }

  Answer send(int ins, int p1, int p2, byte[] data) {
    return send(0x00, ins, p1, p2, data);
  }

  /** Sends exactly these bytes (for malformed or case-1 commands). */
  Answer raw(byte[] apdu) {
    byte[] r = card.transmit(apdu);
    int sw = ((r[r.length - 2] & 0xFF) << 8) | (r[r.length - 1] & 0xFF);
    return new Answer(Arrays.copyOf(r, r.length - 2), sw);
  }

  /**
   * Sends {@code data} as an ISO/IEC 7816-4 5.1.1 command chain of short APDUs (CLA bit 10 on every
   * segment but the last), as yubico-piv-tool does; returns the last answer.
   */
  Answer chained(int ins, int p1, int p2, byte[] data) {
    int offset = 0;
    while (data.length - offset > 255) {
      Answer a = send(0x10, ins, p1, p2, Arrays.copyOfRange(data, offset, offset + 255));
      if (a.sw() != 0x9000) {
        return a;
      }
      offset += 255;
    }
    return send(0x00, ins, p1, p2, Arrays.copyOfRange(data, offset, data.length));
  }

  Answer verifyPin(byte[] paddedPin) {
    return send(INS_VERIFY, 0x00, 0x80, paddedPin);
  }

  void verifyDefaultPin() {
    verifyPin(DEFAULT_PIN).ok();
  }

  /**
   * Mutual authentication with the management key (SP 800-73-4 part 2, appendix A.3 and Yubico
   * "Authenticate: management key"): witness request, then the decrypted witness and our challenge,
   * then a check of the card's encrypted challenge.
   */
  void authenticate(int algorithm, byte[] key) {
    byte[] witness =
        tlvs(tlvs(send(
                        INS_GENERAL_AUTHENTICATE,
                        algorithm,
                        SLOT_MANAGEMENT,
                        tlv(0x7C, tlv(0x80, new byte[0])))
                    .ok())
                .get(0x7C))
            .get(0x80);
    byte[] challenge = new byte[witness.length];
    new java.security.SecureRandom().nextBytes(challenge);
    byte[] request =
        tlv(
            0x7C,
            concat(
                tlv(0x80, ecb(algorithm, key, Cipher.DECRYPT_MODE, witness)),
                tlv(0x81, challenge)));
    byte[] answer =
        tlvs(tlvs(send(INS_GENERAL_AUTHENTICATE, algorithm, SLOT_MANAGEMENT, request).ok())
                .get(0x7C))
            .get(0x82);
    if (!Arrays.equals(answer, ecb(algorithm, key, Cipher.ENCRYPT_MODE, challenge))) {
      throw new AssertionError("card's answer to our challenge is wrong");
    }
  }

  void authenticateDefault() {
    authenticate(ALG_TDES, DEFAULT_MANAGEMENT_KEY);
  }

  /**
   * GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 part 2, 3.3.2): AC { 80 alg [AA pin] [AB touch] };
   * returns the 7F49 template's content.
   */
  Map<Integer, byte[]> generate(int slot, int algorithm) {
    Answer a =
        send(
            INS_GENERATE_ASYMMETRIC_KEY_PAIR,
            0x00,
            slot,
            tlv(0xAC, tlv(0x80, new byte[] {(byte) algorithm})));
    return tlvs(tlvs(a.ok()).get(0x7F49));
  }

  /**
   * GENERAL AUTHENTICATE with 7C { 82 00, TAG input } (SP 800-73-4 part 2, 3.2.4; TAG 81 for a
   * signature or decryption, 85 for key agreement); returns the card's answer.
   */
  Answer useKey(int algorithm, int slot, int tag, byte[] input) {
    return send(
        INS_GENERAL_AUTHENTICATE,
        algorithm,
        slot,
        tlv(0x7C, concat(tlv(0x82, new byte[0]), tlv(tag, input))));
  }

  /** The 82 value of a successful {@link #useKey} answer. */
  static byte[] response(Answer a) {
    return tlvs(tlvs(a.ok()).get(0x7C)).get(0x82);
  }

  /** GET DATA of one object (SP 800-73-4 part 2, 3.1.2): 5C { id }. */
  Answer getData(byte[] objectId) {
    return send(INS_GET_DATA, 0x3F, 0xFF, tlv(0x5C, objectId));
  }

  /** PUT DATA (SP 800-73-4 part 2, 3.3.1): 5C { id } 53 { content }. */
  Answer putData(byte[] objectId, byte[] content) {
    return send(INS_PUT_DATA, 0x3F, 0xFF, concat(tlv(0x5C, objectId), tlv(0x53, content)));
  }

  @Override
  public void close() {
    card.close();
  }

  // --- keys ---

  /** RSA public key from 7F49 { 81 modulus, 82 exponent }. */
  static PublicKey rsaKey(Map<Integer, byte[]> template) throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA")
        .generatePublic(
            new RSAPublicKeySpec(
                new BigInteger(1, template.get(0x81)), new BigInteger(1, template.get(0x82))));
  }

  /** EC public key from an uncompressed point 04 X Y on a named curve. */
  static PublicKey ecKey(byte[] point, String curve) throws GeneralSecurityException {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec(curve));
    ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
    int n = (point.length - 1) / 2;
    if (point[0] != 0x04) {
      throw new AssertionError("not an uncompressed point: " + Hex.encode(point));
    }
    ECPoint w =
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + n)),
            new BigInteger(1, Arrays.copyOfRange(point, 1 + n, 1 + 2 * n)));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
  }

  /**
   * Ed25519 (RFC 8410 OID 1.3.101.112) or X25519 (1.3.101.110) public key from its 32 raw bytes,
   * wrapped in a SubjectPublicKeyInfo for the JDK's KeyFactory.
   */
  static PublicKey curve25519Key(byte[] raw, String algorithm) throws GeneralSecurityException {
    String prefix =
        algorithm.equals("Ed25519") ? "302A300506032B6570032100" : "302A300506032B656E032100";
    return KeyFactory.getInstance(algorithm)
        .generatePublic(new X509EncodedKeySpec(concat(Hex.decode(prefix), raw)));
  }

  /** The raw 32 bytes at the end of an Ed25519 or X25519 SubjectPublicKeyInfo. */
  static byte[] raw25519(PublicKey key) {
    byte[] der = key.getEncoded();
    return Arrays.copyOfRange(der, der.length - 32, der.length);
  }

  /** Left-pads an unsigned big integer to {@code length} bytes. */
  static byte[] unsigned(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length == length) {
      return bytes;
    }
    byte[] out = new byte[length];
    if (bytes.length > length) {
      System.arraycopy(bytes, bytes.length - length, out, 0, length);
    } else {
      System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
    }
    return out;
  }

  /** ECB encryption of one block with TDES or AES, as the management-key protocol uses. */
  static byte[] ecb(int algorithm, byte[] key, int mode, byte[] block) {
    try {
      String name = algorithm == ALG_TDES ? "DESede" : "AES";
      Cipher cipher = Cipher.getInstance(name + "/ECB/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, name));
      return cipher.doFinal(block);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- BER-TLV (ISO/IEC 7816-4 5.2), just what PIV needs ---

  /** Encodes one TLV with a one- or two-byte tag and a definite length. */
  static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (tag > 0xFF) {
      out.write(tag >> 8);
    }
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n <= 0xFF) {
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

  /** Parses a sequence of TLVs into tag to value (the last one wins for repeated tags). */
  static Map<Integer, byte[]> tlvs(byte[] data) {
    Map<Integer, byte[]> map = new LinkedHashMap<>();
    int i = 0;
    while (i < data.length) {
      int tag = data[i++] & 0xFF;
      if ((tag & 0x1F) == 0x1F) {
        tag = (tag << 8) | (data[i++] & 0xFF);
      }
      int n = data[i++] & 0xFF;
      if (n == 0x81) {
        n = data[i++] & 0xFF;
      } else if (n == 0x82) {
        n = ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        i += 2;
      } else if (n > 0x82) {
        throw new AssertionError("unexpected length byte " + Integer.toHexString(n));
      }
      map.put(tag, Arrays.copyOfRange(data, i, i + n));
      i += n;
    }
    return map;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
