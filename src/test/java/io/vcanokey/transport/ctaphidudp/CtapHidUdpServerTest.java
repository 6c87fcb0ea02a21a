package io.vcanokey.transport.ctaphidudp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.platform.ExecutorScheduler;
import io.vcanokey.usb.ctaphid.CtapHidCommand;
import io.vcanokey.usb.ctaphid.CtapHidHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CtapHidUdpServerTest {

  private static final byte[] NONCE = Hex.decode("0102030405060708");

  /** Answers every MSG with its payload reversed, to see it went through the handler. */
  private static final class ReversingHandler implements CtapHidHandler {
    @Override
    public void handle(CtapHidCommand command, byte[] payload, Responder responder) {
      byte[] reversed = new byte[payload.length];
      for (int i = 0; i < payload.length; i++) {
        reversed[i] = payload[payload.length - 1 - i];
      }
      responder.respond(reversed);
    }

    @Override
    public void cancel() {}
  }

  private final ScheduledExecutorService keyThread = Executors.newSingleThreadScheduledExecutor();
  private CtapHidUdpServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() throws Exception {
    server = new CtapHidUdpServer(0, new ExecutorScheduler(keyThread), new ReversingHandler());
    server.start();
    address = server.boundAddress();
  }

  @AfterEach
  void stop() {
    server.close();
    keyThread.shutdownNow();
  }

  /** An initialization frame (CTAP 2.1, 11.2.4): CID, CMD with bit 7 set, BCNT, data. */
  static byte[] initFrame(int cid, int cmd, byte[] data) {
    ByteBuffer report = ByteBuffer.allocate(64);
    report.putInt(cid).put((byte) cmd).putShort((short) data.length).put(data);
    return report.array();
  }

  static DatagramSocket client() throws Exception {
    DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    socket.setSoTimeout(2000);
    return socket;
  }

  void send(DatagramSocket client, byte[] report) throws Exception {
    client.send(new DatagramPacket(report, report.length, address));
  }

  static byte[] receive(DatagramSocket client) throws Exception {
    DatagramPacket packet = new DatagramPacket(new byte[100], 100);
    client.receive(packet);
    return Arrays.copyOf(packet.getData(), packet.getLength());
  }

  /** INIT on the broadcast CID; returns the allocated CID. */
  int allocate(DatagramSocket client) throws Exception {
    send(client, initFrame(0xFFFFFFFF, 0x86, NONCE));
    byte[] reply = receive(client);
    assertThat(Arrays.copyOfRange(reply, 0, 7)).isEqualTo(Hex.decode("FFFFFFFF 86 0011"));
    assertThat(Arrays.copyOfRange(reply, 7, 15)).isEqualTo(NONCE);
    return ByteBuffer.wrap(reply, 15, 4).getInt();
  }

  @Test
  void boundAddress_isLoopback() {
    assertThat(address.getAddress().isLoopbackAddress()).isTrue();
    assertThat(address.getPort()).isPositive();
  }

  @Test
  @DisplayName("CTAP 2.1 11.2.9.1.3 over UDP: INIT answers a 64-byte report to the sender")
  void init_broadcast_repliesToSender() throws Exception {
    try (DatagramSocket client = client()) {
      send(client, initFrame(0xFFFFFFFF, 0x86, NONCE));

      byte[] reply = receive(client);

      assertThat(reply).hasSize(64);
      assertThat(Arrays.copyOfRange(reply, 0, 15))
          .isEqualTo(Hex.decode("FFFFFFFF 86 0011" + "0102030405060708"));
      assertThat(reply[19]).isEqualTo((byte) 2); // CTAPHID protocol version
    }
  }

  @Test
  void msg_allocatedChannel_handledAndAnswered() throws Exception {
    try (DatagramSocket client = client()) {
      int cid = allocate(client);

      send(client, initFrame(cid, 0x83, Hex.decode("010203")));
      byte[] reply = receive(client);

      assertThat(ByteBuffer.wrap(reply).getInt()).isEqualTo(cid);
      assertThat(Arrays.copyOfRange(reply, 4, 10)).isEqualTo(Hex.decode("83 0003 030201"));
    }
  }

  @Test
  @DisplayName("Each channel's replies go to the address its requests came from")
  void twoClients_eachGetsOwnReplies() throws Exception {
    try (DatagramSocket first = client();
        DatagramSocket second = client()) {
      int firstCid = allocate(first);
      int secondCid = allocate(second);

      send(second, initFrame(secondCid, 0x81, Hex.decode("AA")));
      byte[] secondReply = receive(second);
      send(first, initFrame(firstCid, 0x81, Hex.decode("BB")));
      byte[] firstReply = receive(first);

      assertThat(ByteBuffer.wrap(secondReply).getInt()).isEqualTo(secondCid);
      assertThat(secondReply[7]).isEqualTo((byte) 0xAA);
      assertThat(ByteBuffer.wrap(firstReply).getInt()).isEqualTo(firstCid);
      assertThat(firstReply[7]).isEqualTo((byte) 0xBB);
    }
  }

  @Test
  @DisplayName("A datagram longer than one report is dropped; the transport keeps working")
  void oversizedDatagram_droppedWithoutReply() throws Exception {
    try (DatagramSocket client = client()) {
      int cid = allocate(client);
      client.setSoTimeout(300);

      send(client, Arrays.copyOf(initFrame(cid, 0x81, Hex.decode("01")), 65));

      assertThatThrownBy(() -> receive(client)).isInstanceOf(SocketTimeoutException.class);
      send(client, initFrame(cid, 0x81, Hex.decode("02")));
      assertThat(receive(client)[7]).isEqualTo((byte) 0x02);
    }
  }

  @Test
  @DisplayName(
      "CTAP 2.1 11.2.9.1.6 over UDP: a command on an unallocated CID is ERR_INVALID_CHANNEL")
  void unallocatedChannel_errorInvalidChannel() throws Exception {
    try (DatagramSocket client = client()) {
      send(client, initFrame(0x01020304, 0x81, Hex.decode("01")));

      byte[] reply = receive(client);

      assertThat(Arrays.copyOfRange(reply, 0, 8)).isEqualTo(Hex.decode("01020304 BF 0001 0B"));
    }
  }

  @Test
  @DisplayName("Malformed input is normal input: random datagrams leave the transport working")
  void randomDatagrams_transportKeepsWorking() throws Exception {
    java.util.Random random = new java.util.Random(8111);
    try (DatagramSocket noise = client();
        DatagramSocket client = client()) {
      for (int i = 0; i < 500; i++) {
        byte[] datagram = new byte[random.nextInt(80)];
        random.nextBytes(datagram);
        send(noise, datagram);
        if (i % 50 == 49) {
          Thread.sleep(20); // UDP drops what overflows the receive buffer; let the key drain it
        }
      }
      Thread.sleep(200);

      int cid = allocate(client);
      send(client, initFrame(cid, 0x81, Hex.decode("5A")));
      byte[] reply = receive(client);

      assertThat(ByteBuffer.wrap(reply).getInt()).isEqualTo(cid);
      assertThat(reply[7]).isEqualTo((byte) 0x5A);
    }
  }

  @Test
  void constructor_portOutOfRange_refused() {
    assertThatThrownBy(
            () ->
                new CtapHidUdpServer(
                    70000, new ExecutorScheduler(keyThread), new ReversingHandler()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
