package io.vcanokey.usb.ctaphid;

import static io.vcanokey.usb.ctaphid.HostReports.BROADCAST;
import static io.vcanokey.usb.ctaphid.HostReports.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.vcanokey.applet.fido.FidoHandler;
import io.vcanokey.applet.fido.FidoTestKey;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The key's wiring: CtapHidFunction with the FIDO applet behind FidoHidAdapter. */
class FidoHidAdapterTest {

  private static final int CID = 0x0C0FFEE0;

  private final List<byte[]> sent = new ArrayList<>();
  private final ManualScheduler scheduler = new ManualScheduler();
  private CtapHidFunction function;
  private FidoTestKey key;

  @org.junit.jupiter.api.AfterEach
  void closeKey() throws java.io.IOException {
    key.close();
  }

  @BeforeEach
  void setUp() {
    key = FidoTestKey.create(io.vcanokey.platform.UserPresence.always());
    function =
        new CtapHidFunction(
            sent::add,
            scheduler,
            HostReports.cids(CID),
            new FidoHidAdapter(new FidoHandler(key.context())));
    function.dataOut(0x01, HostReports.initRequest(BROADCAST, bytes(1, 2, 3, 4, 5, 6, 7, 8)));
    sent.clear();
  }

  private HostReports.Reply exchange(int cmd, byte[] payload) {
    HostReports.request(CID, cmd, payload).forEach(r -> function.dataOut(0x01, r));
    scheduler.advance(Duration.ofSeconds(1));
    List<HostReports.Reply> replies = HostReports.replies(sent);
    sent.clear();
    assertThat(replies).hasSize(1);
    return replies.get(0);
  }

  @Test
  @DisplayName(
      "CTAP 2.1 11.2.9.1.2: getInfo over CTAPHID_CBOR, answered on CMD 0x90 in several reports")
  void cbor_getInfo_answeredOverFrames() {
    HostReports.Reply reply = exchange(HostReports.CBOR, bytes(0x04));

    assertThat(reply.cid()).isEqualTo(CID);
    assertThat(reply.cmd()).isEqualTo(0x90);
    assertThat(reply.payload().length).isGreaterThan(57 + 59); // more than two reports
    assertThat(reply.payload()[0]).isEqualTo((byte) 0x00);
    CBORObject info =
        CBORObject.DecodeFromBytes(Arrays.copyOfRange(reply.payload(), 1, reply.payload().length));
    assertThat(info.get(0x05).AsInt32Value()).isEqualTo(1300);
  }

  @Test
  @DisplayName("CTAP 2.1 6.1.2: makeCredential with an empty map is CTAP2_ERR_MISSING_PARAMETER")
  void cbor_makeCredentialEmptyMap_missingParameter() {
    HostReports.Reply reply = exchange(HostReports.CBOR, bytes(0x01, 0xA0));

    assertThat(reply.cmd()).isEqualTo(0x90);
    assertThat(reply.payload()).containsExactly(0x14);
  }

  @Test
  @DisplayName("CTAP 2.1 11.2.9.1.1: a U2F VERSION over CTAPHID_MSG answers U2F_V2 on CMD 0x83")
  void msg_u2fVersion_answersU2fV2() {
    HostReports.Reply reply = exchange(HostReports.MSG, Hex.decode("00 03 00 00 00 00 00"));

    assertThat(reply.cmd()).isEqualTo(0x83);
    assertThat(reply.payload()).containsExactly(Hex.decode("5532465F5632 9000"));
  }

  @Test
  void cbor_empty_invalidLenAtTransportLevel() {
    HostReports.Reply reply = exchange(HostReports.CBOR, new byte[0]);

    assertThat(reply.errorCode()).isEqualTo(0x03);
  }
}
