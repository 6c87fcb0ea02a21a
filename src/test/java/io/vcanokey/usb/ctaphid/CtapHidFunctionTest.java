package io.vcanokey.usb.ctaphid;

import static io.vcanokey.usb.ctaphid.HostReports.BROADCAST;
import static io.vcanokey.usb.ctaphid.HostReports.CANCEL;
import static io.vcanokey.usb.ctaphid.HostReports.CBOR;
import static io.vcanokey.usb.ctaphid.HostReports.ERROR;
import static io.vcanokey.usb.ctaphid.HostReports.INIT;
import static io.vcanokey.usb.ctaphid.HostReports.KEEPALIVE;
import static io.vcanokey.usb.ctaphid.HostReports.LOCK;
import static io.vcanokey.usb.ctaphid.HostReports.MSG;
import static io.vcanokey.usb.ctaphid.HostReports.PING;
import static io.vcanokey.usb.ctaphid.HostReports.WINK;
import static io.vcanokey.usb.ctaphid.HostReports.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.ManualScheduler;
import io.vcanokey.usb.ControlResult;
import io.vcanokey.usb.SetupPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CtapHidFunctionTest {

  private static final int CID_A = 0x11223344;
  private static final int CID_B = 0x55667788;
  private static final byte[] NONCE = bytes(0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8);

  private final List<byte[]> sent = new ArrayList<>();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingHandler handler = new RecordingHandler();
  private CtapHidFunction function;

  @BeforeEach
  void setUp() {
    function = new CtapHidFunction(sent::add, scheduler, HostReports.cids(CID_A, CID_B), handler);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private void host(byte[] report) {
    function.dataOut(0x01, report);
  }

  private void host(List<byte[]> reports) {
    reports.forEach(this::host);
  }

  /** Allocates CID_A (and then CID_B) through INIT on the broadcast channel. */
  private void allocate(int count) {
    for (int i = 0; i < count; i++) {
      host(HostReports.initRequest(BROADCAST, NONCE));
    }
    sent.clear();
  }

  private List<HostReports.Reply> takeReplies() {
    List<HostReports.Reply> replies = HostReports.replies(sent);
    sent.clear();
    return replies;
  }

  private HostReports.Reply takeSingleReply() {
    List<HostReports.Reply> replies = takeReplies();
    assertThat(replies).hasSize(1);
    return replies.get(0);
  }

  private void assertSingleError(int cid, int code) {
    HostReports.Reply reply = takeSingleReply();
    assertThat(reply.cid()).isEqualTo(cid);
    assertThat(reply.errorCode()).isEqualTo(code);
  }

  /** A handler that either answers at once or keeps the responder for the test to complete. */
  private static final class RecordingHandler implements CtapHidHandler {
    final List<String> calls = new ArrayList<>();
    boolean async;
    boolean fail;
    byte[] lastPayload;
    Responder responder;

    @Override
    public void handle(CtapHidCommand command, byte[] payload, Responder responder) {
      calls.add("handle " + command);
      lastPayload = payload;
      this.responder = responder;
      if (fail) {
        throw new IllegalStateException("handler bug");
      }
      if (!async) {
        responder.respond(bytes(0x00, payload.length));
      }
    }

    @Override
    public void cancel() {
      calls.add("cancel");
    }
  }

  // ---- INIT -----------------------------------------------------------------------------------

  @Nested
  class Init {

    @Test
    @DisplayName("CTAP 2.1 11.2.9.1.3: INIT on broadcast allocates a CID; 17-byte response")
    void init_onBroadcast_allocatesChannelAndEchoesNonce() {
      host(HostReports.initRequest(BROADCAST, NONCE));

      assertThat(sent).hasSize(1);
      // Response on the broadcast CID: nonce, new CID, protocol 2, version 1.0.0, caps CBOR|WINK.
      assertThat(Hex.encode(sent.get(0)))
          .isEqualTo(
              "FFFFFFFF"
                  + "86"
                  + "0011"
                  + "A1A2A3A4A5A6A7A8"
                  + "11223344"
                  + "02"
                  + "010000"
                  + "05"
                  + "00".repeat(40));
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.3: CIDs 0 and 0xFFFFFFFF are never allocated, nor one in use")
    void init_randomSourceGivesReservedValues_drawsAgain() {
      function =
          new CtapHidFunction(
              sent::add, scheduler, HostReports.cids(0, -1, CID_A, CID_A, CID_B), handler);

      host(HostReports.initRequest(BROADCAST, NONCE));
      host(HostReports.initRequest(BROADCAST, NONCE));

      List<HostReports.Reply> replies = takeReplies();
      assertThat(replies)
          .extracting(r -> HostReports.cid(Arrays.copyOfRange(r.payload(), 8, 12)))
          .containsExactly(CID_A, CID_B);
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.9.1.3: INIT on an allocated CID answers on it with the same CID")
    void init_onAllocatedChannel_echoesSameCid() {
      allocate(1);

      host(HostReports.initRequest(CID_A, NONCE));

      HostReports.Reply reply = takeSingleReply();
      assertThat(reply.cid()).isEqualTo(CID_A);
      assertThat(reply.cmd()).isEqualTo(INIT);
      assertThat(Hex.encode(reply.payload()))
          .isEqualTo("A1A2A3A4A5A6A7A8" + "11223344" + "0201000005");
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.9.1.3: INIT on a channel abandons its partial message")
    void init_onChannelWithPartialMessage_abandonsIt() {
      allocate(1);
      host(HostReports.init(CID_A, PING, 100, HostReports.pattern(57)));

      host(HostReports.initRequest(CID_A, NONCE));
      takeSingleReply();
      host(HostReports.cont(CID_A, 0, HostReports.pattern(43)));
      scheduler.advance(Duration.ofSeconds(2));

      assertThat(sent).isEmpty();
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.9.1.3: INIT on a channel aborts its running request")
    void init_onChannelWithRunningRequest_abandonsIt() {
      allocate(1);
      handler.async = true;
      host(HostReports.init(CID_A, CBOR, 1, bytes(0x04)));

      host(HostReports.initRequest(CID_A, NONCE));
      handler.responder.respond(bytes(0x00));
      scheduler.advance(Duration.ofSeconds(1));

      assertThat(handler.calls).containsExactly("handle CBOR", "cancel");
      HostReports.Reply reply = takeSingleReply();
      assertThat(reply.cmd()).isEqualTo(INIT);
      assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void init_onBroadcastWhileAnotherChannelAssembles_isServed() {
      allocate(1);
      byte[] payload = HostReports.pattern(100);
      List<byte[]> request = HostReports.request(CID_A, PING, payload);
      host(request.get(0));

      host(HostReports.initRequest(BROADCAST, NONCE));
      assertThat(takeSingleReply().cmd()).isEqualTo(INIT);
      host(request.get(1));

      HostReports.Reply echo = takeSingleReply();
      assertThat(echo.cid()).isEqualTo(CID_A);
      assertThat(echo.payload()).isEqualTo(payload);
    }

    @ParameterizedTest(name = "BCNT {0}")
    @ValueSource(ints = {0, 4, 7, 9, 17, 57})
    @DisplayName("CTAP 2.1 11.2.9.1.3: the INIT payload is the 8-byte nonce, else ERR_INVALID_LEN")
    void init_nonceNot8Bytes_invalidLen(int bcnt) {
      host(HostReports.init(BROADCAST, INIT, bcnt, HostReports.pattern(Math.min(bcnt, 57))));

      assertSingleError(BROADCAST, 0x03);
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.3: CID 0 is reserved, so INIT on it gets ERR_INVALID_CHANNEL")
    void init_onCidZero_invalidChannel() {
      host(HostReports.initRequest(0, NONCE));

      assertSingleError(0, 0x0B);
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.9.1.3: INIT resynchronises allocated channels only")
    void init_onUnallocatedChannel_invalidChannel() {
      host(HostReports.initRequest(0x12345678, NONCE));

      assertSingleError(0x12345678, 0x0B);
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.3: a channel handed out before remains valid after reset")
    void reset_keepsAllocatedChannels() {
      allocate(1);
      function.reset();

      host(HostReports.request(CID_A, PING, bytes(1)));

      assertThat(takeSingleReply().cmd()).isEqualTo(PING);
    }

    @Test
    void channelTable_pastCapacity_forgetsLeastRecentlyUsed() {
      int[] cids = new int[ChannelTable.CAPACITY + 1];
      for (int i = 0; i < cids.length; i++) {
        cids[i] = 0x1000 + i;
      }
      function = new CtapHidFunction(sent::add, scheduler, HostReports.cids(cids), handler);
      host(HostReports.initRequest(BROADCAST, NONCE));
      host(HostReports.initRequest(BROADCAST, NONCE));
      host(HostReports.request(0x1000, PING, new byte[0])); // 0x1000 now more recent than 0x1001
      for (int i = 2; i < cids.length; i++) {
        host(HostReports.initRequest(BROADCAST, NONCE));
      }
      sent.clear();

      host(HostReports.request(0x1001, PING, new byte[0]));
      assertSingleError(0x1001, 0x0B);
      host(HostReports.request(0x1000, PING, new byte[0]));
      assertThat(takeSingleReply().cmd()).isEqualTo(PING);
    }
  }

  // ---- PING, WINK, framing ---------------------------------------------------------------------

  @Nested
  class Framing {

    @Test
    @DisplayName("CTAP 2.1 11.2.9.1.4: PING of 1 KB over 18 reports is echoed byte for byte")
    void ping_oneKilobyte_echoedByteForByte() {
      allocate(1);
      byte[] payload = HostReports.pattern(1024);
      List<byte[]> request = HostReports.request(CID_A, PING, payload);
      assertThat(request).hasSize(18);

      host(request);

      assertThat(sent).hasSize(18);
      for (int i = 0; i < 18; i++) {
        byte[] report = sent.get(i);
        assertThat(HostReports.cid(report)).isEqualTo(CID_A);
        if (i == 0) {
          assertThat(Hex.encode(Arrays.copyOf(report, 7))).isEqualTo("11223344" + "81" + "0400");
          assertThat(Arrays.copyOfRange(report, 7, 64)).isEqualTo(Arrays.copyOf(payload, 57));
        } else {
          int offset = 57 + (i - 1) * 59;
          int end = Math.min(1024, offset + 59);
          assertThat(report[4]).isEqualTo((byte) (i - 1));
          assertThat(Arrays.copyOfRange(report, 5, 5 + end - offset))
              .isEqualTo(Arrays.copyOfRange(payload, offset, end));
        }
      }
      assertThat(HostReports.replies(sent).get(0).payload()).isEqualTo(payload);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 57, 58, 116, 117, 1296, 1300})
    void ping_boundaryLengths_echoed(int length) {
      allocate(1);
      byte[] payload = HostReports.pattern(length);

      host(HostReports.request(CID_A, PING, payload));

      HostReports.Reply reply = takeSingleReply();
      assertThat(reply.cmd()).isEqualTo(PING);
      assertThat(reply.payload()).isEqualTo(payload);
    }

    @Test
    @DisplayName("Inventory 2: messages above 1300 bytes get ERR_INVALID_LEN at the init frame")
    void ping_1301Bytes_invalidLen() {
      allocate(1);

      host(HostReports.request(CID_A, PING, HostReports.pattern(1301)));

      // The error answers the init frame; the continuation frames then arrive while idle.
      assertSingleError(CID_A, 0x03);
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.5.4: a wrong SEQ gets ERR_INVALID_SEQ and abandons the message")
    void continuation_wrongSequence_invalidSeqAndMessageAbandoned() {
      allocate(1);
      host(HostReports.init(CID_A, PING, 200, HostReports.pattern(57)));
      host(HostReports.cont(CID_A, 0, HostReports.pattern(59)));

      host(HostReports.cont(CID_A, 2, HostReports.pattern(59)));
      assertSingleError(CID_A, 0x04);

      host(HostReports.cont(CID_A, 1, HostReports.pattern(59)));
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(sent).isEmpty();
      host(HostReports.request(CID_A, PING, bytes(7)));
      assertThat(takeSingleReply().payload()).containsExactly(7);
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.5.4: a repeated SEQ is a sequence error too")
    void continuation_repeatedSequence_invalidSeq() {
      allocate(1);
      host(HostReports.init(CID_A, PING, 200, HostReports.pattern(57)));
      host(HostReports.cont(CID_A, 0, HostReports.pattern(59)));

      host(HostReports.cont(CID_A, 0, HostReports.pattern(59)));

      assertSingleError(CID_A, 0x04);
    }

    @Test
    @DisplayName(
        "Inventory 2: a new request on the channel before its message is complete: ERR_INVALID_SEQ")
    void initFrame_sameChannelMidMessage_invalidSeq() {
      allocate(1);
      host(HostReports.init(CID_A, PING, 100, HostReports.pattern(57)));

      host(HostReports.init(CID_A, PING, 1, bytes(1)));

      assertSingleError(CID_A, 0x04);
      host(HostReports.cont(CID_A, 0, HostReports.pattern(43)));
      assertThat(sent).isEmpty();
    }

    @Test
    @DisplayName("Inventory 2: a continuation frame while idle is ignored")
    void continuation_whileIdle_ignored() {
      allocate(1);

      host(HostReports.cont(CID_A, 0, HostReports.pattern(59)));
      host(HostReports.cont(0, 0, new byte[0]));
      host(new byte[64]);

      assertThat(sent).isEmpty();
      assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.9.2.1: WINK is answered with an empty WINK")
    void wink_answeredEmpty() {
      allocate(1);

      host(HostReports.init(CID_A, WINK, 0, new byte[0]));

      assertThat(Hex.encode(sent.get(0))).isEqualTo("11223344" + "88" + "0000" + "00".repeat(57));
    }

    @Test
    void report_shorterThan64Bytes_readAsZeroPadded() {
      host(Arrays.copyOf(HostReports.initRequest(BROADCAST, NONCE), 15));

      assertThat(takeSingleReply().cmd()).isEqualTo(INIT);
    }

    @Test
    void report_emptyOrLongerThan64BytesOrWrongEndpoint_ignored() {
      host(new byte[0]);
      host(Arrays.copyOf(HostReports.initRequest(BROADCAST, NONCE), 65));
      function.dataOut(0x02, HostReports.initRequest(BROADCAST, NONCE));

      assertThat(sent).isEmpty();
    }
  }

  // ---- channel and command errors --------------------------------------------------------------

  @Nested
  class Errors {

    @Test
    @DisplayName("CTAP 2.1 11.2.3: the broadcast CID carries only INIT: ERR_INVALID_CHANNEL")
    void ping_onBroadcast_invalidChannel() {
      host(HostReports.request(BROADCAST, PING, bytes(1, 2)));

      assertSingleError(BROADCAST, 0x0B);
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.3: CID 0 is reserved: ERR_INVALID_CHANNEL")
    void cbor_onCidZero_invalidChannel() {
      host(HostReports.request(0, CBOR, bytes(4)));

      assertSingleError(0, 0x0B);
      assertThat(handler.calls).isEmpty();
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.9.1.6: a request on a never-allocated CID: ERR_INVALID_CHANNEL")
    void ping_onUnallocatedChannel_invalidChannel() {
      allocate(1);

      host(HostReports.request(0x0BADC0DE, PING, bytes(1)));

      assertSingleError(0x0BADC0DE, 0x0B);
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.9.2.2: LOCK is optional and not implemented: ERR_INVALID_CMD")
    void lock_notImplemented_invalidCmd() {
      allocate(1);

      host(HostReports.request(CID_A, LOCK, bytes(10)));

      assertSingleError(CID_A, 0x01);
    }

    @ParameterizedTest(name = "CMD 0x{0}")
    @ValueSource(strings = {"C0", "D5", "FF", "80", "82", "85", "BB", "BF"})
    @DisplayName(
        "CTAP 2.1 11.2.9: vendor (0x40-0x7F), unknown and device-only commands: ERR_INVALID_CMD")
    void unsupportedCommand_invalidCmd(String cmdHex) {
      allocate(1);

      host(HostReports.request(CID_A, Integer.parseInt(cmdHex, 16), bytes(1, 2, 3)));

      assertSingleError(CID_A, 0x01);
      assertThat(handler.calls).isEmpty();
    }

    @Test
    @DisplayName("Inventory 2: an empty CBOR request gets ERR_INVALID_LEN")
    void cbor_empty_invalidLen() {
      allocate(1);

      host(HostReports.init(CID_A, CBOR, 0, new byte[0]));

      assertSingleError(CID_A, 0x03);
      assertThat(handler.calls).isEmpty();
    }

    @Test
    @DisplayName(
        "CTAP 2.1 11.2.5: another channel's init frame while a message is assembled: ERR_CHANNEL_BUSY")
    void otherChannel_whileAssembling_channelBusy() {
      allocate(2);
      byte[] payload = HostReports.pattern(100);
      List<byte[]> request = HostReports.request(CID_A, PING, payload);
      host(request.get(0));

      host(HostReports.request(CID_B, PING, bytes(1)));
      assertSingleError(CID_B, 0x06);

      host(request.get(1));
      HostReports.Reply echo = takeSingleReply();
      assertThat(echo.cid()).isEqualTo(CID_A);
      assertThat(echo.payload()).isEqualTo(payload);
    }

    @Test
    void otherChannel_continuationWhileAssembling_ignoredAndDoesNotDisturb() {
      allocate(2);
      byte[] payload = HostReports.pattern(100);
      List<byte[]> request = HostReports.request(CID_A, PING, payload);
      host(request.get(0));

      host(HostReports.cont(CID_B, 0, HostReports.pattern(59)));
      assertThat(sent).isEmpty();

      host(request.get(1));
      assertThat(takeSingleReply().payload()).isEqualTo(payload);
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.5: requests while another request is processed: ERR_CHANNEL_BUSY")
    void requests_whileRunning_channelBusy() {
      allocate(2);
      handler.async = true;
      host(HostReports.request(CID_A, CBOR, bytes(4)));

      host(HostReports.request(CID_B, CBOR, bytes(4)));
      assertSingleError(CID_B, 0x06);
      host(HostReports.request(CID_A, PING, bytes(1)));
      assertSingleError(CID_A, 0x06);

      handler.responder.respond(bytes(0x00));
      assertThat(takeSingleReply().cmd()).isEqualTo(CBOR);
      host(HostReports.request(CID_B, PING, bytes(1)));
      assertThat(takeSingleReply().cid()).isEqualTo(CID_B);
      assertThat(handler.calls).containsExactly("handle CBOR");
    }

    @Test
    @DisplayName("STYLE: a handler exception is our bug and answers ERR_OTHER")
    void handler_throws_errOther() {
      allocate(1);
      handler.fail = true;

      host(HostReports.request(CID_A, CBOR, bytes(4)));

      assertSingleError(CID_A, 0x7F);
      host(HostReports.request(CID_A, PING, bytes(1)));
      assertThat(takeSingleReply().cmd()).isEqualTo(PING);
    }

    @Test
    void handler_errorCompletion_sendsCtapHidError() {
      allocate(1);
      handler.async = true;
      host(HostReports.request(CID_A, MSG, bytes(0, 1, 0, 0)));

      handler.responder.error(CtapHidError.ERR_INVALID_PAR);

      assertSingleError(CID_A, 0x02);
    }
  }

  // ---- timeout --------------------------------------------------------------------------------

  @Nested
  class Timeout {

    @Test
    @DisplayName("Inventory 2 / CTAP 2.1 11.2.5.2: no next frame within 800 ms: ERR_MSG_TIMEOUT")
    void partialMessage_after800ms_msgTimeout() {
      allocate(1);
      host(HostReports.init(CID_A, PING, 100, HostReports.pattern(57)));

      scheduler.advance(Duration.ofMillis(799));
      assertThat(sent).isEmpty();
      scheduler.advance(Duration.ofMillis(1));

      assertSingleError(CID_A, 0x05);
      host(HostReports.cont(CID_A, 0, HostReports.pattern(43)));
      assertThat(sent).isEmpty();
    }

    @Test
    void timeout_restartsWithEveryFrame() {
      allocate(1);
      byte[] payload = HostReports.pattern(200);
      List<byte[]> request = HostReports.request(CID_A, PING, payload);

      for (byte[] report : request) {
        host(report);
        scheduler.advance(Duration.ofMillis(700));
      }

      assertThat(takeSingleReply().payload()).isEqualTo(payload);
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(sent).isEmpty();
    }

    @Test
    void timeout_afterwards_channelAcceptsNewRequests() {
      allocate(2);
      host(HostReports.init(CID_A, PING, 100, HostReports.pattern(57)));
      scheduler.advance(Duration.ofMillis(800));
      sent.clear();

      host(HostReports.request(CID_B, PING, bytes(9)));

      assertThat(takeSingleReply().cid()).isEqualTo(CID_B);
    }
  }

  // ---- handler requests: keepalive, cancel, reset ----------------------------------------------

  @Nested
  class Requests {

    @Test
    @DisplayName("CTAP 2.1 11.2.9.1.2: CBOR payload goes to the handler; the response has CMD 0x90")
    void cbor_dispatchedToHandler() {
      allocate(1);
      byte[] payload = HostReports.pattern(300);

      host(HostReports.request(CID_A, CBOR, payload));

      assertThat(handler.calls).containsExactly("handle CBOR");
      assertThat(handler.lastPayload).isEqualTo(payload);
      HostReports.Reply reply = takeSingleReply();
      assertThat(reply.cid()).isEqualTo(CID_A);
      assertThat(reply.cmd()).isEqualTo(CBOR);
      assertThat(reply.payload()).containsExactly(0x00, 300 & 0xFF);
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.9.1.1: MSG goes to the handler; the response has CMD 0x83")
    void msg_dispatchedToHandler() {
      allocate(1);

      host(HostReports.request(CID_A, MSG, bytes(0x00, 0x03, 0x00, 0x00)));

      assertThat(handler.calls).containsExactly("handle MSG");
      assertThat(takeSingleReply().cmd()).isEqualTo(MSG);
    }

    @Test
    void syncHandler_noKeepalive() {
      allocate(1);

      host(HostReports.request(CID_A, CBOR, bytes(4)));
      scheduler.advance(Duration.ofSeconds(1));

      assertThat(takeReplies()).extracting(HostReports.Reply::cmd).containsExactly(CBOR);
    }

    @Test
    @DisplayName(
        "CTAP 2.1 11.2.9.1.7: KEEPALIVE every 100 ms while processing; status 2 while awaiting touch")
    void asyncHandler_keepaliveCadence() {
      allocate(1);
      handler.async = true;
      host(HostReports.request(CID_A, CBOR, bytes(1)));

      scheduler.advance(Duration.ofMillis(99));
      assertThat(sent).isEmpty();
      scheduler.advance(Duration.ofMillis(1));
      assertThat(Hex.encode(sent.get(0)))
          .isEqualTo("11223344" + "BB" + "0001" + "01" + "00".repeat(56));
      scheduler.advance(Duration.ofMillis(200));
      assertThat(takeReplies())
          .extracting(r -> r.cmd() + ":" + Hex.encode(r.payload()))
          .containsExactly("187:01", "187:01", "187:01");

      scheduler.advance(Duration.ofMillis(50));
      handler.responder.status(KeepaliveStatus.UP_NEEDED);
      assertThat(takeSingleReply().payload()).containsExactly(0x02);
      scheduler.advance(Duration.ofMillis(99));
      assertThat(sent).isEmpty();
      scheduler.advance(Duration.ofMillis(1));
      assertThat(takeSingleReply().payload()).containsExactly(0x02);

      handler.responder.status(KeepaliveStatus.PROCESSING);
      assertThat(takeSingleReply().payload()).containsExactly(0x01);
      handler.responder.respond(bytes(0x00));
      assertThat(takeSingleReply().cmd()).isEqualTo(CBOR);
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(sent).isEmpty();
      assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void keepalive_sameStatusAgain_notRepeatedAtOnce() {
      allocate(1);
      handler.async = true;
      host(HostReports.request(CID_A, CBOR, bytes(1)));

      handler.responder.status(KeepaliveStatus.PROCESSING);

      assertThat(sent).isEmpty();
    }

    @Test
    @DisplayName("CTAP 2.1 11.2.9.1.5: CANCEL reaches the handler and is never answered itself")
    void cancel_onRunningChannel_forwardedAndUnanswered() {
      allocate(1);
      handler.async = true;
      host(HostReports.request(CID_A, CBOR, bytes(1)));

      host(HostReports.init(CID_A, CANCEL, 0, new byte[0]));
      assertThat(handler.calls).containsExactly("handle CBOR", "cancel");
      assertThat(sent).isEmpty();

      handler.responder.respond(bytes(0x2D)); // CTAP2_ERR_KEEPALIVE_CANCEL, by the handler
      HostReports.Reply reply = takeSingleReply();
      assertThat(reply.cmd()).isEqualTo(CBOR);
      assertThat(reply.payload()).containsExactly(0x2D);
    }

    @Test
    @DisplayName(
        "CTAP 2.1 11.2.9.1.5: CANCEL on a non-active CID or with nothing running is ignored")
    void cancel_otherChannelOrIdle_ignored() {
      allocate(2);
      host(HostReports.init(CID_A, CANCEL, 0, new byte[0]));
      assertThat(sent).isEmpty();
      handler.async = true;
      host(HostReports.request(CID_A, CBOR, bytes(1)));

      host(HostReports.init(CID_B, CANCEL, 0, new byte[0]));

      assertThat(handler.calls).containsExactly("handle CBOR");
      assertThat(sent).isEmpty();
    }

    @Test
    void cancel_onBroadcastOrCidZero_invalidChannel() {
      host(HostReports.init(BROADCAST, CANCEL, 0, new byte[0]));
      assertSingleError(BROADCAST, 0x0B);
    }

    @Test
    @DisplayName("UsbFunction.reset: partial messages and pending responses are dropped")
    void reset_dropsPartialMessageAndRunningRequest() {
      allocate(2);
      host(HostReports.init(CID_A, PING, 100, HostReports.pattern(57)));
      function.reset();
      host(HostReports.cont(CID_A, 0, HostReports.pattern(43)));
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(sent).isEmpty();

      handler.async = true;
      host(HostReports.request(CID_B, CBOR, bytes(1)));
      function.reset();
      handler.responder.respond(bytes(0x00));
      handler.responder.status(KeepaliveStatus.UP_NEEDED);
      scheduler.advance(Duration.ofSeconds(1));

      assertThat(sent).isEmpty();
      assertThat(handler.calls).containsExactly("handle CBOR", "cancel");
      host(HostReports.request(CID_A, PING, bytes(3)));
      assertThat(takeSingleReply().payload()).containsExactly(3);
    }
  }

  // ---- HID class requests ----------------------------------------------------------------------

  @Nested
  class ClassRequests {

    private ControlResult request(int requestType, int request, int value, byte[] data) {
      return function.classRequest(
          new SetupPacket(requestType, request, value, 0, data.length == 0 ? 1 : data.length),
          data);
    }

    @Test
    @DisplayName("HID 1.11 7.2.4: SET_IDLE is accepted; GET_IDLE (7.2.3) reports its duration")
    void setIdle_accepted_getIdleReturnsIt() {
      assertThat(request(0x21, 0x0A, 0x0000, new byte[0]).isStall()).isFalse();
      assertThat(request(0xA1, 0x02, 0x0000, new byte[0]).data()).containsExactly(0x00);

      assertThat(request(0x21, 0x0A, 0x7D00, new byte[0]).isStall()).isFalse();
      assertThat(request(0xA1, 0x02, 0x0000, new byte[0]).data()).containsExactly(0x7D);
    }

    @Test
    void setIdle_nonZeroReportIdOrWrongDirection_stalls() {
      assertThat(request(0x21, 0x0A, 0x0001, new byte[0]).isStall()).isTrue();
      assertThat(request(0xA1, 0x0A, 0x0000, new byte[0]).isStall()).isTrue();
      assertThat(request(0x21, 0x02, 0x0000, new byte[0]).isStall()).isTrue();
    }

    @Test
    @DisplayName("HID 1.11 7.2.5/7.2.6: protocol requests belong to boot devices: stall")
    void protocolRequests_stall() {
      assertThat(request(0xA1, 0x03, 0, new byte[0]).isStall()).isTrue();
      assertThat(request(0x21, 0x0B, 0, new byte[0]).isStall()).isTrue();
    }

    @Test
    void getReport_stalls() {
      assertThat(request(0xA1, 0x01, 0x0100, new byte[0]).isStall()).isTrue();
      assertThat(sent).isEmpty();
    }

    @Test
    @DisplayName("HID 1.11 7.2.2: SET_REPORT of an output report is a CTAPHID report")
    void setReport_outputReport_handledLikeInterruptOut() {
      ControlResult result = request(0x21, 0x09, 0x0200, HostReports.initRequest(BROADCAST, NONCE));

      assertThat(result.isStall()).isFalse();
      assertThat(takeSingleReply().cmd()).isEqualTo(INIT);
    }

    @Test
    void setReport_otherReportTypeOrId_stalls() {
      byte[] report = HostReports.initRequest(BROADCAST, NONCE);

      assertThat(request(0x21, 0x09, 0x0300, report).isStall()).isTrue();
      assertThat(request(0x21, 0x09, 0x0201, report).isStall()).isTrue();
      assertThat(request(0x21, 0x09, 0x0200, new byte[65]).isStall()).isTrue();
      assertThat(sent).isEmpty();
    }

    @Test
    void unknownRequest_stalls() {
      assertThat(request(0x21, 0x42, 0, new byte[0]).isStall()).isTrue();
    }
  }

  @Test
  void errorReplies_useErrorCommand() {
    host(HostReports.request(BROADCAST, PING, bytes(1)));

    assertThat(takeSingleReply().cmd()).isEqualTo(ERROR);
  }

  @Test
  void keepaliveConstant_isTheWireValue() {
    assertThat(CtapHidCommand.KEEPALIVE.frameByte()).isEqualTo(KEEPALIVE);
  }
}
