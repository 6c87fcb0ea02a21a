package io.vcanokey.transport.vpcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VpcdMessageTest {

  @Test
  @DisplayName("api.txt: one-byte payloads 00, 01, 02, 04 are power off, on, reset, get ATR")
  void decode_oneByte_controlCodes() {
    assertThat(VpcdMessage.decode(new byte[] {0x00})).isEqualTo(new VpcdMessage.Control(0));
    assertThat(VpcdMessage.decode(new byte[] {0x01})).isEqualTo(new VpcdMessage.Control(1));
    assertThat(VpcdMessage.decode(new byte[] {0x02})).isEqualTo(new VpcdMessage.Control(2));
    assertThat(VpcdMessage.decode(new byte[] {0x04})).isEqualTo(new VpcdMessage.Control(4));
  }

  @Test
  void decode_unknownControlOrEmpty_protocolError() {
    assertThatThrownBy(() -> VpcdMessage.decode(new byte[] {0x03}))
        .isInstanceOf(VpcdProtocolException.class)
        .hasMessageContaining("03");
    assertThatThrownBy(() -> VpcdMessage.decode(new byte[0]))
        .isInstanceOf(VpcdProtocolException.class);
  }

  @Test
  void decode_longerPayload_apdu() {
    byte[] select = Hex.decode("00A4040000");
    assertThat(VpcdMessage.decode(select)).isEqualTo(new VpcdMessage.Apdu(select));
  }

  @Test
  @DisplayName("api.txt: a frame is a 2-byte big-endian length, then the bytes")
  void codec_frame_bigEndianLength() throws Exception {
    assertThat(Hex.encode(VpcdCodec.encode(Hex.decode("6A82")))).isEqualTo("00026A82");
    byte[] big = new byte[0x1234];
    assertThat(Hex.encode(java.util.Arrays.copyOf(VpcdCodec.encode(big), 2))).isEqualTo("1234");
    assertThat(VpcdCodec.readFrame(new ByteArrayInputStream(Hex.decode("000104"))))
        .containsExactly(0x04);
    assertThat(VpcdCodec.readFrame(new ByteArrayInputStream(new byte[0]))).isNull();
    assertThatThrownBy(() -> VpcdCodec.readFrame(new ByteArrayInputStream(Hex.decode("0005AA"))))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> VpcdCodec.encode(new byte[0x10000]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
