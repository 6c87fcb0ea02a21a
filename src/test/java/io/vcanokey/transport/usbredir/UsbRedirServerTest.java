package io.vcanokey.transport.usbredir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vcanokey.core.bytes.Hex;
import io.vcanokey.core.trace.Tracer;
import io.vcanokey.platform.ExecutorScheduler;
import io.vcanokey.transport.usbredir.UsbRedirCodec.Role;
import io.vcanokey.transport.usbredir.UsbRedirPacket.ConfigurationStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.ControlPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.DeviceConnect;
import io.vcanokey.transport.usbredir.UsbRedirPacket.InterruptPacket;
import io.vcanokey.transport.usbredir.UsbRedirPacket.InterruptReceivingStatus;
import io.vcanokey.transport.usbredir.UsbRedirPacket.SetConfiguration;
import io.vcanokey.transport.usbredir.UsbRedirPacket.StartInterruptReceiving;
import io.vcanokey.usb.CanoKeyDescriptors;
import io.vcanokey.usb.UsbDevice;
import io.vcanokey.usb.UsbTap;
import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over real Unix and TCP sockets, with a real key thread: hello exchange, one guest at a
 * time, a malformed packet ending only its connection, a guest that stops reading being dropped,
 * and socket-file handling.
 */
class UsbRedirServerTest {

  @TempDir Path dir;

  private ScheduledExecutorService keyThread;
  private UsbDevice device;
  private UsbRedirServer server;

  @BeforeEach
  void setUp() {
    keyThread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-key"));
    device = new UsbDevice(new CanoKeyDescriptors("0123ABCD"), Tracer.OFF);
    GuestHarness.EchoFunction echo =
        new GuestHarness.EchoFunction(device.inPipe(CanoKeyDescriptors.EP_CTAPHID_IN));
    device.bind(CanoKeyDescriptors.INTERFACE_CTAPHID, echo);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    keyThread.shutdownNow();
  }

  private UsbRedirServer start(UsbRedirAddress address) throws IOException {
    server = new UsbRedirServer(address, device, new ExecutorScheduler(keyThread), UsbTap.NONE);
    server.start();
    return server;
  }

  private UsbRedirAddress unixAddress() {
    return UsbRedirAddress.unix(dir.resolve("ck.sock"));
  }

  private <T> T onKeyThread(Callable<T> action) throws Exception {
    return keyThread.submit(action).get(10, TimeUnit.SECONDS);
  }

  private void awaitNoGuest() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.hasGuest() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(server.hasGuest()).isFalse();
  }

  @Test
  @DisplayName("Unix socket: hello exchange, device_connect and a GET_DESCRIPTOR round trip")
  void unixSocket_handshakeAndControl() throws Exception {
    start(unixAddress());

    try (SocketGuest guest = new SocketGuest(server.boundAddress())) {
      DeviceConnect connect = guest.handshake();
      assertThat(connect).isEqualTo(new DeviceConnect(2, 0, 0, 0, 0x20A0, 0x42D4, 0x0100));

      guest.send(7, new ControlPacket(0x80, 6, 0x80, 0, 0x0100, 0, 18, new byte[0]));
      ControlPacket reply = guest.expect(ControlPacket.class);
      assertThat(reply.length()).isEqualTo(18);
      assertThat(reply.data()[0]).isEqualTo((byte) 0x12);
    }
  }

  @Test
  @DisplayName("TCP on port 0: the bound address names the port the system chose")
  void tcpPortZero_handshake() throws Exception {
    start(UsbRedirAddress.parse("tcp:127.0.0.1:0"));

    assertThat(server.boundAddress().port()).isPositive();
    try (SocketGuest guest = new SocketGuest(server.boundAddress())) {
      assertThat(guest.handshake().vendorId()).isEqualTo(0x20A0);
    }
  }

  @Test
  @DisplayName(
      "a malformed packet ends only its connection; the device is reset and the next "
          + "guest is served")
  void malformedPacket_endsOnlyThatConnection() throws Exception {
    start(unixAddress());

    try (SocketGuest first = new SocketGuest(server.boundAddress())) {
      first.handshake();
      first.send(1, new SetConfiguration(1));
      first.expect(UsbRedirPacket.EpInfo.class);
      first.expect(UsbRedirPacket.InterfaceInfo.class);
      assertThat(first.expect(ConfigurationStatus.class).configuration()).isEqualTo(1);

      // Packet type 99 does not exist (usbredirproto.h).
      first.sendRaw(Hex.decode("63000000" + "00000000" + "0000000000000000"));
      first.expectClosed();
    }
    awaitNoGuest();
    assertThat(onKeyThread(device::configuration)).isZero();

    try (SocketGuest second = new SocketGuest(server.boundAddress())) {
      second.handshake();
      second.send(2, new SetConfiguration(1));
      second.expect(UsbRedirPacket.EpInfo.class);
      second.expect(UsbRedirPacket.InterfaceInfo.class);
      assertThat(second.expect(ConfigurationStatus.class).status()).isZero();
    }
  }

  @Test
  @DisplayName("a guest that parks hundreds of bulk IN requests is cut off; the next one is served")
  void bulkInFlood_endsConnection() throws Exception {
    start(unixAddress());

    try (SocketGuest flood = new SocketGuest(server.boundAddress())) {
      flood.handshake();
      flood.send(1, new SetConfiguration(1));
      flood.expect(UsbRedirPacket.EpInfo.class);
      flood.expect(UsbRedirPacket.InterfaceInfo.class);
      flood.expect(ConfigurationStatus.class);
      for (int i = 0; i <= UsbRedirSession.MAX_PENDING_BULK_IN; i++) {
        flood.send(100 + i, new UsbRedirPacket.BulkPacket(0x82, 0, 64, 0, new byte[0]));
      }
      flood.expectClosed();
    }
    awaitNoGuest();

    try (SocketGuest next = new SocketGuest(server.boundAddress())) {
      assertThat(next.handshake().productId()).isEqualTo(0x42D4);
    }
  }

  @Test
  @DisplayName("a hello whose version fills all 64 bytes with no NUL is accepted, as spice's is")
  void helloWithoutNul_isAccepted() throws Exception {
    start(unixAddress());

    try (SocketGuest guest = new SocketGuest(server.boundAddress())) {
      guest.expect(UsbRedirPacket.Hello.class);
      // usb_redir_header (type 0 hello, length 68, 32-bit id 0), 64 x 'A', caps word 0x000000FF.
      guest.sendRaw(
          Hex.decode("00000000" + "44000000" + "00000000" + "41".repeat(64) + "FF000000"));

      guest.expect(UsbRedirPacket.EpInfo.class);
      guest.expect(UsbRedirPacket.InterfaceInfo.class);
      assertThat(guest.expect(UsbRedirPacket.DeviceConnect.class).vendorId()).isEqualTo(0x20A0);
    }
  }

  @Test
  @DisplayName(
      "a second guest is refused while one is connected; after the first leaves, the "
          + "next one is served")
  void secondConcurrentGuest_isRefused() throws Exception {
    start(unixAddress());

    try (SocketGuest first = new SocketGuest(server.boundAddress())) {
      first.handshake();

      try (SocketGuest second = new SocketGuest(server.boundAddress())) {
        second.expectClosed();
      }

      first.send(3, new UsbRedirPacket.GetConfiguration());
      assertThat(first.expect(ConfigurationStatus.class).status()).isZero();
    }
    awaitNoGuest();

    try (SocketGuest third = new SocketGuest(server.boundAddress())) {
      third.handshake();
    }
  }

  @Test
  @DisplayName("a guest that sends but never reads is dropped once 1 MiB waits to be sent")
  void guestThatDoesNotRead_isDropped() throws Exception {
    start(unixAddress());
    UsbRedirCodec codec = new UsbRedirCodec(Role.GUEST, GuestHarness.QEMU_CAPS);

    try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      raw.connect(server.boundAddress().socketAddress());
      write(raw, codec.encode(0, new UsbRedirPacket.Hello("silent guest", GuestHarness.QEMU_CAPS)));
      codec = codec.withPeer(UsbRedirSession.CAPS);
      write(raw, codec.encode(1, new SetConfiguration(1)));
      write(raw, codec.encode(0, new StartInterruptReceiving(0x81)));

      // Each 64-byte report in yields an OUT reply and a pushed report out: about 100 bytes.
      byte[] report = codec.encode(2, new InterruptPacket(0x01, 0, 64, new byte[64]));
      boolean dropped = false;
      for (int i = 0; i < 100_000 && !dropped; i++) {
        try {
          write(raw, report);
        } catch (IOException e) {
          dropped = true;
        }
      }
      assertThat(dropped).as("server closed the connection").isTrue();
    }
    awaitNoGuest();

    try (SocketGuest next = new SocketGuest(server.boundAddress())) {
      next.handshake();
    }
  }

  @Test
  @DisplayName("interrupt reports reach the guest over the socket as pushed interrupt_packets")
  void interruptEcho_overSocket() throws Exception {
    start(unixAddress());

    try (SocketGuest guest = new SocketGuest(server.boundAddress())) {
      guest.handshake();
      guest.send(1, new SetConfiguration(1));
      guest.expect(UsbRedirPacket.EpInfo.class);
      guest.expect(UsbRedirPacket.InterfaceInfo.class);
      guest.expect(ConfigurationStatus.class);
      guest.send(0, new StartInterruptReceiving(0x81));
      assertThat(guest.expect(InterruptReceivingStatus.class).status()).isZero();

      byte[] report = new byte[64];
      report[0] = 0x42;
      guest.send(5, new InterruptPacket(0x01, 0, 64, report));
      assertThat(guest.expectFrame(InterruptPacket.class).id()).isEqualTo(5);
      UsbRedirFrame pushed = guest.expectFrame(InterruptPacket.class);
      assertThat(pushed.id()).isZero();
      assertThat(((InterruptPacket) pushed.packet()).data()).isEqualTo(report);
    }
  }

  @Test
  @DisplayName("a guest that says hello late (QEMU started paused with -S) is still served")
  void lateHello_isServed() throws Exception {
    server =
        new UsbRedirServer(unixAddress(), device, new ExecutorScheduler(keyThread), UsbTap.NONE);
    server.start();

    try (SocketGuest paused = new SocketGuest(server.boundAddress())) {
      Thread.sleep(1500);

      assertThat(paused.handshake().vendorId()).isEqualTo(0x20A0);
    }
    awaitNoGuest();
  }

  @Test
  void staleSocketFile_isReplaced() throws Exception {
    Path path = dir.resolve("ck.sock");
    try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      old.bind(UnixDomainSocketAddress.of(path));
    }
    assertThat(path).exists();

    start(UsbRedirAddress.unix(path));

    try (SocketGuest guest = new SocketGuest(server.boundAddress())) {
      guest.handshake();
    }
  }

  @Test
  void regularFileInTheWay_isRefused() throws Exception {
    Path path = dir.resolve("ck.sock");
    Files.writeString(path, "not a socket");

    assertThatThrownBy(() -> start(UsbRedirAddress.unix(path)))
        .isInstanceOf(BindException.class)
        .hasMessageContaining("not a socket");
    server.close();
    assertThat(Files.readString(path)).isEqualTo("not a socket");
  }

  @Test
  void socketInUseByRunningServer_isRefused() throws Exception {
    start(unixAddress());
    UsbRedirServer other =
        new UsbRedirServer(unixAddress(), device, new ExecutorScheduler(keyThread), UsbTap.NONE);

    assertThatThrownBy(other::start)
        .isInstanceOf(BindException.class)
        .hasMessageContaining("in use");
    other.close();

    // The running server's socket file survives the failed server's close.
    try (SocketGuest guest = new SocketGuest(server.boundAddress())) {
      guest.handshake();
    }
  }

  @Test
  @DisplayName("close stops accepting, ends the guest's connection and removes the socket file")
  void close_removesSocketFile() throws Exception {
    start(unixAddress());
    SocketGuest guest = new SocketGuest(server.boundAddress());
    guest.handshake();

    server.close();

    guest.drainUntilClosed();
    guest.close();
    assertThat(dir.resolve("ck.sock")).doesNotExist();
    assertThatThrownBy(() -> new SocketGuest(unixAddress())).isInstanceOf(IOException.class);
  }

  @Test
  void unixSocket_isOwnerOnly() throws Exception {
    start(unixAddress());

    assertThat(Files.getPosixFilePermissions(dir.resolve("ck.sock")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }

  private static void write(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
