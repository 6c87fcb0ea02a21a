package io.vcanokey.core.apdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandApduTest {

  private static byte[] concat(byte[]... parts) {
    int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private static byte[] bytes(int length, int value) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static void assertWrongLength(byte[] encoded) {
    assertThatThrownBy(() -> CommandApdu.decode(encoded))
        .isInstanceOfSatisfying(
            StatusException.class, e -> assertThat(e.sw()).isEqualTo(StatusWords.SW_WRONG_LENGTH));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1 case 1: header only, no Lc, no Le")
  void decode_case1_hasNoDataAndNoLe() {
    CommandApdu apdu = CommandApdu.decode(Hex.decode("80 CA 9F 7F"));

    assertThat(apdu.cla()).isEqualTo(0x80);
    assertThat(apdu.ins()).isEqualTo(0xCA);
    assertThat(apdu.p1()).isEqualTo(0x9F);
    assertThat(apdu.p2()).isEqualTo(0x7F);
    assertThat(apdu.nc()).isZero();
    assertThat(apdu.ne()).isZero();
    assertThat(apdu.extended()).isFalse();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1 case 2S: one byte after the header is Le")
  void decode_case2ShortLe10_ne16() {
    CommandApdu apdu = CommandApdu.decode(Hex.decode("00 B0 00 00 10"));

    assertThat(apdu.nc()).isZero();
    assertThat(apdu.ne()).isEqualTo(16);
    assertThat(apdu.extended()).isFalse();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: short Le 00 means Ne = 256 (so a single 00 is never Lc = 0)")
  void decode_case2ShortLe00_ne256() {
    CommandApdu apdu = CommandApdu.decode(Hex.decode("00 CA 00 6E 00"));

    assertThat(apdu.nc()).isZero();
    assertThat(apdu.ne()).isEqualTo(256);
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1 case 3S: Lc = 1")
  void decode_case3ShortLc1_oneDataByte() {
    CommandApdu apdu = CommandApdu.decode(Hex.decode("00 DA 01 02 01 AA"));

    assertThat(apdu.data()).containsExactly(0xAA);
    assertThat(apdu.ne()).isZero();
    assertThat(apdu.extended()).isFalse();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1 case 3S: Lc = 255, the largest short Lc")
  void decode_case3ShortLc255_255DataBytes() {
    byte[] data = bytes(255, 0x11);

    CommandApdu apdu = CommandApdu.decode(concat(Hex.decode("00 DA 00 00 FF"), data));

    assertThat(apdu.data()).isEqualTo(data);
    assertThat(apdu.ne()).isZero();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1 case 4S: Lc, data, Le; Le 00 means 256")
  void decode_case4Short_dataAndNe() {
    CommandApdu apdu = CommandApdu.decode(Hex.decode("00 A4 04 00 05 A0 00 00 03 08 00"));

    assertThat(apdu.data()).isEqualTo(Hex.decode("A0 00 00 03 08"));
    assertThat(apdu.ne()).isEqualTo(256);
    assertThat(apdu.extended()).isFalse();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1 case 4S: Lc = 255 with Le = FF")
  void decode_case4ShortLc255_ne255() {
    CommandApdu apdu =
        CommandApdu.decode(
            concat(Hex.decode("00 2A 9E 9A FF"), bytes(255, 0x22), Hex.decode("FF")));

    assertThat(apdu.nc()).isEqualTo(255);
    assertThat(apdu.ne()).isEqualTo(255);
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1 case 2E: 00 then a two-byte Le")
  void decode_case2Extended_ne() {
    CommandApdu apdu = CommandApdu.decode(Hex.decode("00 B0 00 00 00 01 00"));

    assertThat(apdu.nc()).isZero();
    assertThat(apdu.ne()).isEqualTo(256);
    assertThat(apdu.extended()).isTrue();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: extended Le 0000 means Ne = 65536")
  void decode_case2ExtendedLe0000_ne65536() {
    CommandApdu apdu = CommandApdu.decode(Hex.decode("00 CA 00 6E 00 00 00"));

    assertThat(apdu.ne()).isEqualTo(65536);
    assertThat(apdu.extended()).isTrue();
  }

  @Test
  @DisplayName(
      "ISO 7816-4:2005 5.1 case 3E: Lc = 256, the first length the short form cannot carry")
  void decode_case3ExtendedLc256_256DataBytes() {
    byte[] data = bytes(256, 0x33);

    CommandApdu apdu = CommandApdu.decode(concat(Hex.decode("00 DA 00 00 00 01 00"), data));

    assertThat(apdu.data()).isEqualTo(data);
    assertThat(apdu.ne()).isZero();
    assertThat(apdu.extended()).isTrue();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1 case 3E: Lc = 65535, the largest extended Lc")
  void decode_case3ExtendedLc65535_65535DataBytes() {
    CommandApdu apdu =
        CommandApdu.decode(concat(Hex.decode("00 DA 00 00 00 FF FF"), bytes(65535, 0x44)));

    assertThat(apdu.nc()).isEqualTo(65535);
    assertThat(apdu.ne()).isZero();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1 case 4E: Lc, data, two-byte Le; Le 0000 means 65536")
  void decode_case4ExtendedLe0000_ne65536() {
    CommandApdu apdu =
        CommandApdu.decode(
            concat(Hex.decode("00 2A 80 86 00 01 FF"), bytes(511, 0x55), Hex.decode("00 00")));

    assertThat(apdu.nc()).isEqualTo(511);
    assertThat(apdu.ne()).isEqualTo(65536);
    assertThat(apdu.extended()).isTrue();
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1 case 4E: small Lc and Le are kept in the extended form")
  void decode_case4ExtendedSmall_keepsExtended() {
    CommandApdu apdu = CommandApdu.decode(Hex.decode("00 01 00 00 00 00 02 AB CD 00 10"));

    assertThat(apdu.data()).isEqualTo(Hex.decode("AB CD"));
    assertThat(apdu.ne()).isEqualTo(16);
    assertThat(apdu.extended()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "00", "00 A4", "00 A4 04"})
  @DisplayName("ISO 7816-4:2005 5.1: fewer than four header bytes is malformed")
  void decode_shorterThanHeader_wrongLength(String hex) {
    assertWrongLength(Hex.decode(hex));
  }

  @Test
  @DisplayName(
      "ISO 7816-4:2005 5.1: B1 = 00 starts an extended field; 00 plus one byte is malformed")
  void decode_zeroThenOneByte_wrongLength() {
    assertWrongLength(Hex.decode("00 DA 00 00 00 AA"));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: an extended Lc of 0000 is not a valid encoding")
  void decode_extendedLc0000WithData_wrongLength() {
    assertWrongLength(Hex.decode("00 DA 00 00 00 00 00 AA"));
    assertWrongLength(Hex.decode("00 DA 00 00 00 00 00 00 00"));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: data shorter than Lc (truncated) is malformed")
  void decode_truncatedShortData_wrongLength() {
    assertWrongLength(Hex.decode("00 DA 00 00 05 01 02 03 04"));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: data shorter than an extended Lc is malformed")
  void decode_truncatedExtendedData_wrongLength() {
    assertWrongLength(concat(Hex.decode("00 DA 00 00 00 01 00"), bytes(255, 0x66)));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: a truncated extended Lc field is malformed")
  void decode_truncatedExtendedLc_wrongLength() {
    assertWrongLength(Hex.decode("00 DA 00 00 00 01"));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: bytes after Le (short form) are malformed")
  void decode_trailingBytesShort_wrongLength() {
    assertWrongLength(Hex.decode("00 A4 04 00 02 3F 00 00 00"));
  }

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: bytes after Le (extended form) are malformed")
  void decode_trailingBytesExtended_wrongLength() {
    assertWrongLength(Hex.decode("00 01 00 00 00 00 02 AB CD 00 10 99"));
    assertWrongLength(Hex.decode("00 B0 00 00 00 01 00 99"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "00 A4 04 00",
        "00 B0 00 00 10",
        "00 CA 00 6E 00",
        "00 DA 01 02 01 AA",
        "00 A4 04 00 05 A0 00 00 03 08 00",
        "00 B0 00 00 00 01 00",
        "00 CA 00 6E 00 00 00",
        "00 01 00 00 00 00 02 AB CD 00 10",
        "00 01 00 00 00 00 02 AB CD 00 00"
      })
  @DisplayName("encode gives back exactly the bytes decode read, in the same length form")
  void encode_afterDecode_sameBytes(String hex) {
    byte[] wire = Hex.decode(hex);

    assertThat(CommandApdu.decode(wire).encode()).isEqualTo(wire);
  }

  @Test
  @DisplayName("encode of case 3E with Lc 65535 writes 00 FF FF before the data")
  void encode_case3ExtendedLc65535_roundTrips() {
    byte[] wire = concat(Hex.decode("00 DA 00 00 00 FF FF"), bytes(65535, 0x77));

    assertThat(CommandApdu.decode(wire).encode()).isEqualTo(wire);
  }

  @Test
  void of_dataOver255_usesExtendedForm() {
    CommandApdu apdu = CommandApdu.of(0x00, 0xDA, 0x00, 0x00, bytes(256, 0), 0);

    assertThat(apdu.extended()).isTrue();
    assertThat(Arrays.copyOf(apdu.encode(), 7)).isEqualTo(Hex.decode("00 DA 00 00 00 01 00"));
  }

  @Test
  void of_ne256_usesShortFormWithLe00() {
    CommandApdu apdu = CommandApdu.of(0x00, 0xB0, 0x00, 0x00, new byte[0], 256);

    assertThat(apdu.encode()).isEqualTo(Hex.decode("00 B0 00 00 00"));
  }

  @Test
  void constructor_extendedCase1_rejected() {
    assertThatThrownBy(() -> new CommandApdu(0, 0xA4, 4, 0, new byte[0], 0, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_shortFormNe257_rejected() {
    assertThatThrownBy(() -> new CommandApdu(0, 0xB0, 0, 0, new byte[0], 257, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_claOutOfRange_rejected() {
    assertThatThrownBy(() -> CommandApdu.of(0x100, 0xB0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void data_modifyingCopy_leavesApduUnchanged() {
    CommandApdu apdu = CommandApdu.decode(Hex.decode("00 DA 01 02 01 AA"));

    apdu.data()[0] = 0;

    assertThat(apdu.data()).containsExactly(0xAA);
  }

  @Test
  void equals_sameBytes_equalAndSameHash() {
    CommandApdu a = CommandApdu.decode(Hex.decode("00 DA 01 02 01 AA"));
    CommandApdu b = CommandApdu.decode(Hex.decode("00 DA 01 02 01 AA"));

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void withCla_changesOnlyTheClass() {
    CommandApdu apdu = CommandApdu.decode(Hex.decode("10 DA 01 02 01 AA"));

    assertThat(apdu.withCla(0x00).encode()).isEqualTo(Hex.decode("00 DA 01 02 01 AA"));
  }
}
