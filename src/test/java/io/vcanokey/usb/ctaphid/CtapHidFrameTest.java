package io.vcanokey.usb.ctaphid;

import static io.vcanokey.usb.ctaphid.HostReports.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CtapHidFrameTest {

  @Test
  @DisplayName("CTAP 2.1 11.2.4: bit 7 of byte 4 set marks an init frame; CID and BCNT big-endian")
  void decode_initFrame_readsCidCommandAndLength() {
    byte[] report = Hex.decode("11223344 86 0008 0102030405060708" + "00".repeat(49));

    CtapHidFrame frame = CtapHidFrame.decode(report);

    assertThat(frame).isInstanceOf(InitFrame.class);
    InitFrame init = (InitFrame) frame;
    assertThat(init.cid()).isEqualTo(0x11223344);
    assertThat(init.command()).isEqualTo(0x06);
    assertThat(init.length()).isEqualTo(8);
    assertThat(init.data()).hasSize(57);
    assertThat(init.payloadPart()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  @DisplayName("CTAP 2.1 11.2.4: BCNT is 16 bits, high byte first")
  void decode_initFrameWithLargeBcnt_readsBothBytes() {
    byte[] report = HostReports.init(0xCAFEBABE, 0x90, 0x0514, new byte[0]);

    InitFrame init = (InitFrame) CtapHidFrame.decode(report);

    assertThat(init.cid()).isEqualTo(0xCAFEBABE);
    assertThat(init.command()).isEqualTo(0x10);
    assertThat(init.length()).isEqualTo(1300);
    assertThat(init.payloadPart()).hasSize(57);
  }

  @Test
  @DisplayName("CTAP 2.1 11.2.4: bit 7 of byte 4 clear marks a continuation frame with SEQ")
  void decode_continuationFrame_readsSequenceAndData() {
    byte[] data = HostReports.pattern(59);
    byte[] report = HostReports.cont(0x01020304, 0x7F, data);

    CtapHidFrame frame = CtapHidFrame.decode(report);

    assertThat(frame).isEqualTo(new ContinuationFrame(0x01020304, 127, data));
  }

  @Test
  void encode_initFrame_padsWithZeros() {
    byte[] report = new InitFrame(0xFFFFFFFF, 0x06, 8, bytes(1, 2, 3, 4, 5, 6, 7, 8)).encode();

    assertThat(Hex.encode(report))
        .isEqualTo("FFFFFFFF" + "86" + "0008" + "0102030405060708" + "00".repeat(49));
  }

  @Test
  void encode_continuationFrame_padsWithZeros() {
    byte[] report = new ContinuationFrame(0x00000001, 5, bytes(0xAA)).encode();

    assertThat(Hex.encode(report)).isEqualTo("00000001" + "05" + "AA" + "00".repeat(58));
  }

  @Test
  void decode_encodedFrame_roundTrips() {
    byte[] report = HostReports.init(0x7FFFFFFF, 0x83, 57, HostReports.pattern(57));

    assertThat(CtapHidFrame.decode(report).encode()).isEqualTo(report);
  }

  @Test
  void decode_reportNot64Bytes_throws() {
    assertThatThrownBy(() -> CtapHidFrame.decode(new byte[63]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CtapHidFrame.decode(new byte[65]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructors_outOfRangeFields_throw() {
    assertThatThrownBy(() -> new InitFrame(1, 0x80, 0, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InitFrame(1, 0x01, 0x10000, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InitFrame(1, 0x01, 58, new byte[58]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContinuationFrame(1, 128, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContinuationFrame(1, 0, new byte[60]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void data_isACopy() {
    byte[] data = bytes(1, 2, 3);
    InitFrame frame = new InitFrame(1, 1, 3, data);
    data[0] = 9;
    frame.data()[1] = 9;

    assertThat(frame.data()).containsExactly(1, 2, 3);
  }

  @Test
  void toString_neverShowsData() {
    byte[] secret = new byte[57];
    Arrays.fill(secret, (byte) 0x5A);

    assertThat(new InitFrame(1, 0x10, 57, secret).toString()).doesNotContain("5A");
  }
}
