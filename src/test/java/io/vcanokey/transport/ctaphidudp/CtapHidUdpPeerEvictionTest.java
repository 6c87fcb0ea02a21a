package io.vcanokey.transport.ctaphidudp;

import static io.vcanokey.transport.ctaphidudp.CtapHidUdpServerTest.client;
import static io.vcanokey.transport.ctaphidudp.CtapHidUdpServerTest.initFrame;
import static io.vcanokey.transport.ctaphidudp.CtapHidUdpServerTest.receive;
import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.ExecutorScheduler;
import io.vcanokey.usb.ctaphid.CtapHidCommand;
import io.vcanokey.usb.ctaphid.CtapHidHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Breaker regression: while a request waits (for a touch, say), another local process that uses
 * more than {@link CtapHidUdpServer#MAX_PEERS} channels must not make the key forget where the
 * waiting request's answer goes. Against the running key (--touch prompt) 70 channels with one PING
 * each stopped the waiting makeCredential's keepalives, and its answer was dropped after the touch:
 * the credential was made and the client never heard of it.
 */
class CtapHidUdpPeerEvictionTest {

  private static final byte[] NONCE = Hex.decode("0102030405060708");

  /** Answers MSG requests only when the test says so, like a request awaiting a touch. */
  private static final class HeldHandler implements CtapHidHandler {
    volatile Responder held;

    @Override
    public void handle(CtapHidCommand command, byte[] payload, Responder responder) {
      held = responder;
    }

    @Override
    public void cancel() {}
  }

  private final ScheduledExecutorService keyThread = Executors.newSingleThreadScheduledExecutor();
  private final HeldHandler handler = new HeldHandler();
  private CtapHidUdpServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() throws Exception {
    server = new CtapHidUdpServer(0, new ExecutorScheduler(keyThread), handler);
    server.start();
    address = server.boundAddress();
  }

  @AfterEach
  void stop() {
    server.close();
    keyThread.shutdownNow();
  }

  @Test
  @DisplayName("A waiting request's answer reaches its client after others used 70 channels")
  void heldRequest_otherClientUsesManyChannels_answerStillDelivered() throws Exception {
    try (DatagramSocket victim = client();
        DatagramSocket other = client()) {
      int cid = allocate(victim);
      send(victim, initFrame(cid, 0x83, Hex.decode("00030000")));
      while (handler.held == null) {
        Thread.sleep(10);
      }
      int[] others = new int[70];
      for (int i = 0; i < others.length; i++) {
        others[i] = allocate(other);
      }
      for (int otherCid : others) { // within one keepalive interval
        send(other, initFrame(otherCid, 0x81, Hex.decode("AA")));
      }
      for (int i = 0; i < others.length; i++) {
        receive(other); // ERR_CHANNEL_BUSY: the victim's request is running
      }

      keyThread.submit(() -> handler.held.respond(Hex.decode("9000"))).get(1, TimeUnit.SECONDS);

      byte[] reply = receiveSkippingKeepalives(victim);
      assertThat(ByteBuffer.wrap(reply).getInt()).isEqualTo(cid);
      assertThat(reply[4]).isEqualTo((byte) 0x83);
    }
  }

  private void send(DatagramSocket socket, byte[] report) throws Exception {
    socket.send(new DatagramPacket(report, report.length, address));
  }

  private int allocate(DatagramSocket socket) throws Exception {
    send(socket, initFrame(0xFFFFFFFF, 0x86, NONCE));
    byte[] reply = receive(socket);
    return ByteBuffer.wrap(reply, 15, 4).getInt();
  }

  private static byte[] receiveSkippingKeepalives(DatagramSocket socket) throws Exception {
    while (true) {
      byte[] reply = receive(socket);
      if (reply[4] != (byte) 0xBB) {
        return reply;
      }
    }
  }
}
