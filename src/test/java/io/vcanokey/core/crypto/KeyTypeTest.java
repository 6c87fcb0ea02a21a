package io.vcanokey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Sizes and curve OIDs of {@link KeyType}. */
class KeyTypeTest {

  @ParameterizedTest
  @CsvSource({
    // type, bits, coordinate length, OID content (RFC 5480 2.1.1.1, SEC 2, RFC 5639, RFC 4880bis)
    "RSA_1024, 1024, 128, ''",
    "RSA_2048, 2048, 256, ''",
    "RSA_3072, 3072, 384, ''",
    "RSA_4096, 4096, 512, ''",
    "NIST_P256, 256, 32, 2A8648CE3D030107",
    "NIST_P384, 384, 48, 2B81040022",
    "NIST_P521, 521, 66, 2B81040023",
    "SECP256K1, 256, 32, 2B8104000A",
    "BRAINPOOL_P256R1, 256, 32, 2B2403030208010107",
    "BRAINPOOL_P384R1, 384, 48, 2B240303020801010B",
    "BRAINPOOL_P512R1, 512, 64, 2B240303020801010D",
    "ED25519, 255, 32, 2B06010401DA470F01",
    "X25519, 255, 32, 2B060104019755010501"
  })
  @DisplayName(
      "Sizes and curve OIDs as the curve standards and OpenPGP card 3.4 4.4.3.10 list them")
  void sizesAndOid_eachType_matchSpec(KeyType type, int bits, int length, String oid) {
    assertThat(type.bits()).isEqualTo(bits);
    assertThat(type.coordinateLength()).isEqualTo(length);
    assertThat(Hex.encode(type.curveOid())).isEqualTo(oid);
    if (!type.isRsa()) {
      assertThat(KeyType.byCurveOid(Hex.decode(oid))).contains(type);
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void families_eachType_exactlyOne(KeyType type) {
    int families =
        (type.isRsa() ? 1 : 0)
            + (type.isWeierstrass() ? 1 : 0)
            + (type.isEdwards() ? 1 : 0)
            + (type.isMontgomery() ? 1 : 0);
    assertThat(families).isEqualTo(1);
  }

  @Test
  @DisplayName("RFC 8410 3: id-Ed25519 (2B6570) and id-X25519 (2B656E) are recognised too")
  void byCurveOid_rfc8410Oids_recognised() {
    assertThat(KeyType.byCurveOid(Hex.decode("2B6570"))).contains(KeyType.ED25519);
    assertThat(KeyType.byCurveOid(Hex.decode("2B656E"))).contains(KeyType.X25519);
  }

  @Test
  void byCurveOid_unknownOrEmpty_isEmpty() {
    assertThat(KeyType.byCurveOid(new byte[0])).isEmpty();
    assertThat(KeyType.byCurveOid(null)).isEmpty();
    assertThat(KeyType.byCurveOid(Hex.decode("2B81040021"))).isEmpty(); // P-224
    assertThat(KeyType.byCurveOid(Hex.decode("2A8648CE3D0301"))).isEmpty(); // prefix of P-256
  }

  @Test
  void curveOid_returnsCopy() {
    KeyType.NIST_P256.curveOid()[0] = 0;
    assertThat(Hex.encode(KeyType.NIST_P256.curveOid())).isEqualTo("2A8648CE3D030107");
  }
}
