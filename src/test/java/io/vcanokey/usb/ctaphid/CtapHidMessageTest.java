package io.vcanokey.usb.ctaphid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CtapHidMessageTest {

  @ParameterizedTest(name = "{0} bytes -> {1} frames")
  @CsvSource({
    "0, 1", // empty: one init frame with BCNT 0
    "1, 1",
    "57, 1", // fills the init frame exactly
    "58, 2", // one byte spills into SEQ 0
    "116, 2", // 57 + 59: fills SEQ 0 exactly
    "117, 3",
    "1024, 18", // the 1 KB ping of DESIGN.md: 18 reports
    "1237, 21", // 57 + 20 * 59
    "1238, 22",
    "1296, 22", // 57 + 21 * 59
    "1300, 23",
    "7609, 129" // 57 + 128 * 59: the framing limit, last SEQ 127
  })
  @DisplayName("CTAP 2.1 11.2.4: 57 bytes in the init frame, 59 per continuation frame")
  void toReports_boundaryLengths_fragmentAsTheHostReassembles(int length, int frames) {
    byte[] payload = HostReports.pattern(length);

    List<byte[]> reports = new CtapHidMessage(0x0A0B0C0D, CtapHidCommand.PING, payload).toReports();

    assertThat(reports).hasSize(frames).allSatisfy(r -> assertThat(r).hasSize(64));
    List<HostReports.Reply> replies = HostReports.replies(reports);
    assertThat(replies).hasSize(1);
    assertThat(replies.get(0).cid()).isEqualTo(0x0A0B0C0D);
    assertThat(replies.get(0).cmd()).isEqualTo(HostReports.PING);
    assertThat(replies.get(0).payload()).isEqualTo(payload);
  }

  @ParameterizedTest(name = "{0} bytes")
  @CsvSource({"0", "57", "58", "116", "1300", "1301", "7609"})
  void toReports_anyLength_matchesTheHostsOwnFragmentation(int length) {
    byte[] payload = HostReports.pattern(length);

    List<byte[]> ours = new CtapHidMessage(7, CtapHidCommand.CBOR, payload).toReports();
    List<byte[]> host = HostReports.request(7, HostReports.CBOR, payload);

    assertThat(ours).usingElementComparator(java.util.Arrays::compare).isEqualTo(host);
  }

  @ParameterizedTest
  @CsvSource({"7610", "65535"})
  @DisplayName("CTAP 2.1 11.2.4: SEQ is 7 bits, so a message holds at most 7609 bytes")
  void constructor_beyondFramingLimit_throws(int length) {
    assertThatThrownBy(() -> new CtapHidMessage(7, CtapHidCommand.PING, new byte[length]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
