package io.vcanokey.applet.piv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.apdu.BerTlv;
import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.KeyType;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PIV applet's small codecs: BER-TLV, the PIN format, stored key and management key records.
 */
class PivCodecsTest {

  @Test
  @DisplayName("ISO/IEC 7816-4 annex D: short, 81 and 82 length forms and two-byte tags")
  void tlv_lengthFormsAndTags_roundTrip() {
    for (int length : new int[] {0, 1, 127, 128, 255, 256, 4000}) {
      byte[] value = new byte[length];
      byte[] encoded = BerTlv.encode(0x7F49, value);
      BerTlv.Element e = BerTlv.decodeSingle(encoded);
      assertThat(e.tag()).isEqualTo(0x7F49);
      assertThat(e.length()).isEqualTo(length);
    }
    assertThat(Hex.encode(BerTlv.encode(0x53, new byte[128]))).startsWith("538180");
    assertThat(Hex.encode(BerTlv.encode(0x53, new byte[256]))).startsWith("53820100");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "53",
        "5381",
        "538201",
        "53 02 00",
        "5F",
        "5F FF 01 00",
        "53 83 00 00 01 00",
        "53 80",
        "53 01 00 00"
      })
  @DisplayName("truncated, indefinite, over-long and trailing encodings answer 6A80")
  void tlv_malformed_answers6A80(String hex) {
    byte[] data = Hex.decode(hex.replace(" ", ""));
    assertThatThrownBy(() -> BerTlv.decodeSingle(data))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.sw()).isEqualTo(0x6A80));
  }

  @Test
  void tlv_decodeAll_sequence() {
    List<BerTlv.Element> all = BerTlv.decodeAll(Hex.decode("8000810101"));

    assertThat(all).hasSize(2);
    assertThat(all.get(1).value()).containsExactly(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"313233343536FFFF", "3132333435363738", "31323334353637FF", "0000000000000000"})
  @DisplayName("SP 800-73-4 part 2, 2.4.3: 6 to 8 characters then FF padding are a valid PIN")
  void pin_wellFormed_accepted(String hex) {
    assertThat(PivPin.wellFormed(Hex.decode(hex))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "3132333435FFFFFF",
        "FFFFFFFFFFFFFFFF",
        "313233343536FF37",
        "31323334353637",
        "313233343536373839"
      })
  void pin_malformed_refused(String hex) {
    assertThat(PivPin.wellFormed(Hex.decode(hex))).isFalse();
  }

  @Test
  void keyRecord_roundTripAndDamage() {
    CardKey key = CardKey.generate(KeyType.NIST_P256, new SecureRandom());
    KeyRecord record = new KeyRecord(PivAlgorithm.ECC_P256, 2, 3, KeyRecord.ORIGIN_IMPORTED, key);
    byte[] encoded = record.encode();

    KeyRecord back = KeyRecord.decode(encoded).orElseThrow();
    assertThat(back.algorithm()).isEqualTo(PivAlgorithm.ECC_P256);
    assertThat(back.pinPolicy()).isEqualTo(2);
    assertThat(back.touchPolicy()).isEqualTo(3);
    assertThat(back.key().publicKey()).isEqualTo(key.publicKey());

    for (int i = 0; i < 5; i++) {
      byte[] damaged = encoded.clone();
      damaged[i] = (byte) 0x7F;
      assertThat(KeyRecord.decode(damaged)).as("byte %d", i).isEmpty();
    }
    byte[] wrongType = encoded.clone();
    wrongType[1] = (byte) PivAlgorithm.ECC_P384.id; // header says P-384, key is P-256
    assertThat(KeyRecord.decode(wrongType)).isEmpty();
    assertThat(KeyRecord.decode(new byte[] {1, 0x11, 1, 1, 1})).isEmpty();
  }

  @Test
  void managementKey_decode_refusesMalformed() {
    ManagementKey key = ManagementKey.FACTORY;
    assertThat(ManagementKey.decode(key.encode())).contains(key);
    assertThat(ManagementKey.decode(new byte[] {0x03, 0x01})).isEmpty();
    assertThat(ManagementKey.decode(Hex.decode("0901" + "00".repeat(24)))).isEmpty();
    assertThat(ManagementKey.decode(Hex.decode("0303" + "00".repeat(24)))).isEmpty();
    assertThat(ManagementKey.decode(Hex.decode("0801" + "00".repeat(24)))).isEmpty();
    assertThat(key.toString()).doesNotContain("01020304");
  }
}
