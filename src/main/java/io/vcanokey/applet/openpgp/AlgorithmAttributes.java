package io.vcanokey.applet.openpgp;

import io.vcanokey.core.apdu.BerTlv;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.core.crypto.KeyType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Algorithm attributes C1, C2 and C3 (OpenPGP card spec 3.4, section 4.4.3.10) and the algorithm
 * information DO FA (4.4.3.11) that lists the attributes each slot accepts.
 *
 * <p>RSA: {@code 01 || modulus bits (2) || public exponent bits (2) || import format (1)}; the
 * modulus is 2048, 3072 or 4096 bits, the exponent 17 to 32 bits, the import format 00 to 03.
 * Elliptic curves: {@code algorithm id || curve OID (DER content bytes) [|| import format 00 or
 * FF]}, where the algorithm id is 13 (ECDSA) or 16 (EdDSA, Ed25519 only) for the signature and
 * authentication keys and 12 (ECDH, including X25519) for the decryption key. The OIDs are those of
 * RFC 6637 section 11 and of draft-ietf-openpgp-rfc4880bis section 9.2 for Ed25519 and Cv25519.
 */
final class AlgorithmAttributes {

  static final int ALGORITHM_RSA = 0x01;
  static final int ALGORITHM_ECDH = 0x12;
  static final int ALGORITHM_ECDSA = 0x13;
  static final int ALGORITHM_EDDSA = 0x16;

  static final int RSA_ATTRIBUTES_LENGTH = 6;
  static final int IMPORT_FORMAT_STANDARD = 0x00;
  static final int IMPORT_FORMAT_CRT_WITH_MODULUS = 0x03;
  static final int EC_IMPORT_FORMAT_WITH_PUBLIC_KEY = 0xFF;

  /** RSA 2048, exponent up to 32 bits, standard import format (e, p, q): the factory default. */
  static final byte[] DEFAULT = {ALGORITHM_RSA, 0x08, 0x00, 0x00, 0x20, IMPORT_FORMAT_STANDARD};

  /** Curve OIDs as DER content bytes (RFC 6637, 11; RFC 5639; rfc4880bis 9.2). */
  private record Curve(KeyType type, byte[] oid) {}

  private static final List<Curve> CURVES =
      List.of(
          new Curve(KeyType.NIST_P256, Hex.decode("2A8648CE3D030107")),
          new Curve(KeyType.NIST_P384, Hex.decode("2B81040022")),
          new Curve(KeyType.NIST_P521, Hex.decode("2B81040023")),
          new Curve(KeyType.SECP256K1, Hex.decode("2B8104000A")),
          new Curve(KeyType.BRAINPOOL_P256R1, Hex.decode("2B2403030208010107")),
          new Curve(KeyType.BRAINPOOL_P384R1, Hex.decode("2B240303020801010B")),
          new Curve(KeyType.BRAINPOOL_P512R1, Hex.decode("2B240303020801010D")),
          new Curve(KeyType.ED25519, Hex.decode("2B06010401DA470F01")),
          new Curve(KeyType.X25519, Hex.decode("2B060104019755010501")));

  private AlgorithmAttributes() {}

  /**
   * The key type {@code attributes} select for {@code slot}, or empty when the card does not offer
   * them there (wrong algorithm for the slot, unknown curve, unsupported size, bad length).
   */
  static Optional<KeyType> typeOf(KeySlot slot, byte[] attributes) {
    if (attributes.length < 2) {
      return Optional.empty();
    }
    int algorithm = attributes[0] & 0xFF;
    if (algorithm == ALGORITHM_RSA) {
      return rsaType(attributes);
    }
    Optional<Curve> curve = curveOf(attributes);
    if (curve.isEmpty()) {
      return Optional.empty();
    }
    KeyType type = curve.get().type();
    boolean allowed =
        switch (algorithm) {
          case ALGORITHM_ECDSA -> slot != KeySlot.DEC && type.isWeierstrass();
          case ALGORITHM_EDDSA -> slot != KeySlot.DEC && type == KeyType.ED25519;
          case ALGORITHM_ECDH ->
              slot == KeySlot.DEC && (type.isWeierstrass() || type == KeyType.X25519);
          default -> false;
        };
    return allowed ? Optional.of(type) : Optional.empty();
  }

  private static Optional<KeyType> rsaType(byte[] attributes) {
    if (attributes.length != RSA_ATTRIBUTES_LENGTH) {
      return Optional.empty();
    }
    int modulusBits = (attributes[1] & 0xFF) << 8 | (attributes[2] & 0xFF);
    int exponentBits = (attributes[3] & 0xFF) << 8 | (attributes[4] & 0xFF);
    int format = attributes[5] & 0xFF;
    if (exponentBits < 17 || exponentBits > 32 || format > IMPORT_FORMAT_CRT_WITH_MODULUS) {
      return Optional.empty();
    }
    return switch (modulusBits) {
      case 2048 -> Optional.of(KeyType.RSA_2048);
      case 3072 -> Optional.of(KeyType.RSA_3072);
      case 4096 -> Optional.of(KeyType.RSA_4096);
      default -> Optional.empty();
    };
  }

  private static Optional<Curve> curveOf(byte[] attributes) {
    for (Curve curve : CURVES) {
      int end = 1 + curve.oid().length;
      if (attributes.length < end || attributes.length > end + 1) {
        continue;
      }
      if (!Arrays.equals(attributes, 1, end, curve.oid(), 0, curve.oid().length)) {
        continue;
      }
      if (attributes.length == end + 1) {
        int format = attributes[end] & 0xFF;
        if (format != IMPORT_FORMAT_STANDARD && format != EC_IMPORT_FORMAT_WITH_PUBLIC_KEY) {
          return Optional.empty();
        }
      }
      return Optional.of(curve);
    }
    return Optional.empty();
  }

  /** Exponent length in bytes an RSA import carries for these attributes (spec 4.4.3.12). */
  static int rsaExponentLength(byte[] attributes) {
    int exponentBits = (attributes[3] & 0xFF) << 8 | (attributes[4] & 0xFF);
    return (exponentBits + 7) / 8;
  }

  /** Every attribute value {@code slot} accepts, in the order FA lists them. */
  static List<byte[]> supported(KeySlot slot) {
    List<byte[]> out = new ArrayList<>();
    for (int bits : new int[] {2048, 3072, 4096}) {
      out.add(
          new byte[] {ALGORITHM_RSA, (byte) (bits >> 8), 0x00, 0x00, 0x20, IMPORT_FORMAT_STANDARD});
    }
    for (Curve curve : CURVES) {
      KeyType type = curve.type();
      int algorithm;
      if (slot == KeySlot.DEC) {
        if (type == KeyType.ED25519) {
          continue;
        }
        algorithm = ALGORITHM_ECDH;
      } else {
        if (type == KeyType.X25519) {
          continue;
        }
        algorithm = type == KeyType.ED25519 ? ALGORITHM_EDDSA : ALGORITHM_ECDSA;
      }
      ByteArrayOutputStream attribute = new ByteArrayOutputStream();
      attribute.write(algorithm);
      attribute.writeBytes(curve.oid());
      out.add(attribute.toByteArray());
    }
    return out;
  }

  /** The algorithm information DO FA: every slot's accepted attributes, each under its tag. */
  static byte[] information() {
    BerTlv.Writer out = new BerTlv.Writer();
    for (KeySlot slot : KeySlot.values()) {
      for (byte[] attributes : supported(slot)) {
        out.put(slot.attributesTag, attributes);
      }
    }
    return out.toByteArray();
  }
}
