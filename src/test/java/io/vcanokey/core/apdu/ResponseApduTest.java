package io.vcanokey.core.apdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResponseApduTest {

  @Test
  @DisplayName("ISO 7816-4:2005 5.1: a response is the data field followed by SW1 SW2")
  void encode_dataAndSw_dataThenSw() {
    ResponseApdu response = new ResponseApdu(Hex.decode("01 02"), 0x6282);

    assertThat(response.encode()).isEqualTo(Hex.decode("01 02 62 82"));
    assertThat(response.sw1()).isEqualTo(0x62);
    assertThat(response.sw2()).isEqualTo(0x82);
  }

  @Test
  void decode_swOnly_emptyData() {
    ResponseApdu response = ResponseApdu.decode(Hex.decode("90 00"));

    assertThat(response.length()).isZero();
    assertThat(response.sw()).isEqualTo(StatusWords.SW_NO_ERROR);
  }

  @Test
  void decode_encoded_roundTrips() {
    byte[] wire = Hex.decode("AA BB CC 6A 82");

    assertThat(ResponseApdu.decode(wire).encode()).isEqualTo(wire);
  }

  @Test
  void decode_oneByte_rejected() {
    assertThatThrownBy(() -> ResponseApdu.decode(Hex.decode("90")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_swOutOfRange_rejected() {
    assertThatThrownBy(() -> ResponseApdu.of(0x10000)).isInstanceOf(IllegalArgumentException.class);
  }
}
