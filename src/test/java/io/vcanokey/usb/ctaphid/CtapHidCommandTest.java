package io.vcanokey.usb.ctaphid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CtapHidCommandTest {

  @Test
  @DisplayName("CTAP 2.1 11.2.9: command codes as the spec tables give them")
  void fromValue_specCodes_resolve() {
    assertThat(CtapHidCommand.fromValue(0x01)).contains(CtapHidCommand.PING);
    assertThat(CtapHidCommand.fromValue(0x03)).contains(CtapHidCommand.MSG);
    assertThat(CtapHidCommand.fromValue(0x04)).contains(CtapHidCommand.LOCK);
    assertThat(CtapHidCommand.fromValue(0x06)).contains(CtapHidCommand.INIT);
    assertThat(CtapHidCommand.fromValue(0x08)).contains(CtapHidCommand.WINK);
    assertThat(CtapHidCommand.fromValue(0x10)).contains(CtapHidCommand.CBOR);
    assertThat(CtapHidCommand.fromValue(0x11)).contains(CtapHidCommand.CANCEL);
    assertThat(CtapHidCommand.fromValue(0x3B)).contains(CtapHidCommand.KEEPALIVE);
    assertThat(CtapHidCommand.fromValue(0x3F)).contains(CtapHidCommand.ERROR);
    assertThat(CtapHidCommand.CBOR.frameByte()).isEqualTo(0x90);
  }

  @Test
  void fromValue_unknownAndVendorCodes_empty() {
    assertThat(CtapHidCommand.fromValue(0x00)).isEmpty();
    assertThat(CtapHidCommand.fromValue(0x40)).isEmpty();
    assertThat(CtapHidCommand.isVendor(0x40)).isTrue();
    assertThat(CtapHidCommand.isVendor(0x7F)).isTrue();
    assertThat(CtapHidCommand.isVendor(0x3F)).isFalse();
  }

  @Test
  @DisplayName("CTAP 2.1 11.2.9.1.6: error codes")
  void errorCodes_matchSpec() {
    assertThat(CtapHidError.ERR_INVALID_CMD.code()).isEqualTo(0x01);
    assertThat(CtapHidError.ERR_INVALID_PAR.code()).isEqualTo(0x02);
    assertThat(CtapHidError.ERR_INVALID_LEN.code()).isEqualTo(0x03);
    assertThat(CtapHidError.ERR_INVALID_SEQ.code()).isEqualTo(0x04);
    assertThat(CtapHidError.ERR_MSG_TIMEOUT.code()).isEqualTo(0x05);
    assertThat(CtapHidError.ERR_CHANNEL_BUSY.code()).isEqualTo(0x06);
    assertThat(CtapHidError.ERR_LOCK_REQUIRED.code()).isEqualTo(0x0A);
    assertThat(CtapHidError.ERR_INVALID_CHANNEL.code()).isEqualTo(0x0B);
    assertThat(CtapHidError.ERR_OTHER.code()).isEqualTo(0x7F);
    assertThat(CtapHidError.fromValue(0x0B)).contains(CtapHidError.ERR_INVALID_CHANNEL);
    assertThat(CtapHidError.fromValue(0x07)).isEmpty();
  }
}
