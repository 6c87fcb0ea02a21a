package io.vcanokey.usb.ccid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CcidMessageTest {

  @Test
  @DisplayName("CCID 6.1.4: XfrBlock header fields at offsets 0, 1-4 (LE), 5, 6, 7-9, then abData")
  void decode_xfrBlock_fieldsAtSpecOffsets() {
    CcidMessage message =
        CcidMessage.decode(Hex.decode("6F 04 00 00 00 00 2A 05 00 00 00 A4 04 00"));

    assertThat(message.messageType()).isEqualTo(0x6F);
    assertThat(message.slot()).isZero();
    assertThat(message.sequence()).isEqualTo(0x2A);
    assertThat(message.headerByte(7)).isEqualTo(0x05);
    assertThat(message.data()).isEqualTo(Hex.decode("00 A4 04 00"));
  }

  @Test
  @DisplayName("CCID 6.2.2: SlotStatus is bStatus, bError, bClockStatus with dwLength 0")
  void encode_slotStatus_specLayout() {
    CcidMessage message =
        CcidMessage.response(CcidResponseType.SLOT_STATUS, 0, 0x11, 0x41, 0xFE, 0x00, null);

    assertThat(message.encode()).isEqualTo(Hex.decode("81 00 00 00 00 00 11 41 FE 00"));
  }

  @Test
  void encode_afterDecode_sameBytes() {
    byte[] wire = Hex.decode("80 03 00 00 00 00 07 00 00 00 90 00 AA");

    assertThat(CcidMessage.decode(wire).encode()).isEqualTo(wire);
  }

  @Test
  void decode_shorterThanHeader_rejected() {
    assertThatThrownBy(() -> CcidMessage.decode(Hex.decode("65 00 00 00 00 00 01 00 00")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decode_dwLengthDisagrees_rejected() {
    assertThatThrownBy(() -> CcidMessage.decode(Hex.decode("6F 02 00 00 00 00 01 00 00 00 AA")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("CCID 1.3 and 6.1: dwLength is an unsigned little-endian 32-bit number")
  void dataLength_allOnes_unsigned() {
    assertThat(CcidMessage.dataLength(Hex.decode("6F FF FF FF FF 00 00 00 00 00")))
        .isEqualTo(0xFFFFFFFFL);
    assertThat(CcidMessage.dataLength(Hex.decode("6F 3E 05 00 00"))).isEqualTo(1342);
  }

  @Test
  void constructor_specificNotThreeBytes_rejected() {
    assertThatThrownBy(() -> new CcidMessage(0x65, 0, 0, new byte[2], null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void equals_sameFields_equal() {
    byte[] wire = Hex.decode("6F 01 00 00 00 00 01 00 00 00 AA");

    assertThat(CcidMessage.decode(wire)).isEqualTo(CcidMessage.decode(wire));
  }

  @Test
  @DisplayName("CCID tables 6.1-1 and 6.2-1: every command knows its response message type")
  void commandType_fromValue_mapsToResponseType() {
    assertThat(CcidCommandType.fromValue(0x62)).contains(CcidCommandType.ICC_POWER_ON);
    assertThat(CcidCommandType.ICC_POWER_ON.responseType()).isEqualTo(CcidResponseType.DATA_BLOCK);
    assertThat(CcidCommandType.ESCAPE.responseType()).isEqualTo(CcidResponseType.ESCAPE);
    assertThat(CcidCommandType.SET_PARAMETERS.responseType())
        .isEqualTo(CcidResponseType.PARAMETERS);
    assertThat(CcidCommandType.fromValue(0x64)).isEmpty();
    assertThat(CcidResponseType.fromValue(0x84))
        .contains(CcidResponseType.DATA_RATE_AND_CLOCK_FREQUENCY);
    assertThat(CcidError.fromValue(0xFE)).contains(CcidError.ICC_MUTE);
    assertThat(CcidError.fromValue(0x05)).isEmpty();
    assertThat(IccStatus.fromValue(2)).contains(IccStatus.NOT_PRESENT);
  }
}
