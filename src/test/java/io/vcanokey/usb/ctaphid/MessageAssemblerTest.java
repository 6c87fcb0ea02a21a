package io.vcanokey.usb.ctaphid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageAssemblerTest {

  private static final int CID = 0x01020304;

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 57, 58, 116, 117, 59 * 5 + 57, 59 * 21 + 57, 1300})
  @DisplayName("CTAP 2.1 11.2.4: a message is complete once BCNT bytes have arrived")
  void add_allFrames_reassemblesPayload(int length) {
    byte[] payload = HostReports.pattern(length);
    List<byte[]> reports = HostReports.request(CID, HostReports.PING, payload);

    MessageAssembler assembler =
        MessageAssembler.start(
            (InitFrame) CtapHidFrame.decode(reports.get(0)), CtapHidCommand.PING, 1300);
    for (byte[] report : reports.subList(1, reports.size())) {
      assertThat(assembler.isComplete()).isFalse();
      assembler.add((ContinuationFrame) CtapHidFrame.decode(report));
    }

    assertThat(assembler.isComplete()).isTrue();
    assertThat(assembler.message())
        .isEqualTo(new CtapHidMessage(CID, CtapHidCommand.PING, payload));
  }

  @Test
  @DisplayName("Inventory 2: BCNT above 1300 gives ERR_INVALID_LEN")
  void start_bcntAboveMaximum_invalidLen() {
    InitFrame frame = new InitFrame(CID, 0x01, 1301, new byte[57]);

    assertThatThrownBy(() -> MessageAssembler.start(frame, CtapHidCommand.PING, 1300))
        .isInstanceOfSatisfying(
            CtapHidException.class,
            e -> assertThat(e.error()).isEqualTo(CtapHidError.ERR_INVALID_LEN));
  }

  @Test
  @DisplayName("CTAP 2.1 11.2.5.4: SEQ must count up from 0, else ERR_INVALID_SEQ")
  void add_wrongSequence_invalidSeq() {
    MessageAssembler assembler =
        MessageAssembler.start(
            new InitFrame(CID, 0x01, 200, new byte[57]), CtapHidCommand.PING, 1300);
    assembler.add(new ContinuationFrame(CID, 0, new byte[59]));

    assertThatThrownBy(() -> assembler.add(new ContinuationFrame(CID, 2, new byte[59])))
        .isInstanceOfSatisfying(
            CtapHidException.class,
            e -> assertThat(e.error()).isEqualTo(CtapHidError.ERR_INVALID_SEQ));
  }

  @Test
  void add_firstContinuationNotZero_invalidSeq() {
    MessageAssembler assembler =
        MessageAssembler.start(
            new InitFrame(CID, 0x01, 100, new byte[57]), CtapHidCommand.PING, 1300);

    assertThatThrownBy(() -> assembler.add(new ContinuationFrame(CID, 1, new byte[59])))
        .isInstanceOf(CtapHidException.class);
  }

  @Test
  void add_frameOfAnotherChannel_throws() {
    MessageAssembler assembler =
        MessageAssembler.start(
            new InitFrame(CID, 0x01, 100, new byte[57]), CtapHidCommand.PING, 1300);

    assertThatThrownBy(() -> assembler.add(new ContinuationFrame(CID + 1, 0, new byte[59])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void message_incomplete_throws() {
    MessageAssembler assembler =
        MessageAssembler.start(
            new InitFrame(CID, 0x01, 100, new byte[57]), CtapHidCommand.PING, 1300);

    assertThatThrownBy(assembler::message).isInstanceOf(IllegalStateException.class);
  }
}
