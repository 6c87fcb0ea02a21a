package io.vcanokey.transport.usbredir;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.transport.usbredir.UsbRedirCodec.Role;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test guest on a real socket: it speaks the usb-guest side with a GUEST codec, as QEMU's
 * usb-redir would, and collects what the server sends on a background thread.
 */
final class SocketGuest implements Closeable {

  private static final Object CLOSED = new Object();

  private final SocketChannel channel;
  private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private volatile UsbRedirCodec codec = new UsbRedirCodec(Role.GUEST, GuestHarness.QEMU_CAPS);
  private final Thread reader;

  SocketGuest(UsbRedirAddress address) throws IOException {
    channel =
        SocketChannel.open(
            address.kind() == UsbRedirAddress.Kind.UNIX
                ? StandardProtocolFamily.UNIX
                : StandardProtocolFamily.INET);
    channel.connect(address.socketAddress());
    reader = new Thread(this::readLoop, "test-guest-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void readLoop() {
    try {
      while (true) {
        UsbRedirFrame frame = codec.read(channel);
        if (frame == null) {
          break;
        }
        if (frame.packet() instanceof UsbRedirPacket.Hello hello && !codec.peerKnown()) {
          codec = codec.withPeer(hello.caps());
        }
        inbox.add(frame);
      }
    } catch (IOException | RuntimeException e) {
      // The server closed the connection, or the test did.
    }
    inbox.add(CLOSED);
  }

  /** Sends the guest's hello and waits for the host's start sequence; returns the device info. */
  UsbRedirPacket.DeviceConnect handshake() throws Exception {
    expect(UsbRedirPacket.Hello.class);
    send(0, new UsbRedirPacket.Hello("test guest", GuestHarness.QEMU_CAPS));
    expect(UsbRedirPacket.EpInfo.class);
    expect(UsbRedirPacket.InterfaceInfo.class);
    return expect(UsbRedirPacket.DeviceConnect.class);
  }

  void send(long id, UsbRedirPacket packet) throws IOException {
    sendRaw(codec.encode(id, packet));
  }

  void sendRaw(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** The next packet, which must be of type {@code type}. */
  <T extends UsbRedirPacket> T expect(Class<T> type) throws InterruptedException {
    return type.cast(expectFrame(type).packet());
  }

  UsbRedirFrame expectFrame(Class<? extends UsbRedirPacket> type) throws InterruptedException {
    Object next = inbox.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("next packet").isNotNull().isNotSameAs(CLOSED);
    UsbRedirFrame frame = (UsbRedirFrame) next;
    assertThat(frame.packet()).isInstanceOf(type);
    return frame;
  }

  /** Waits until the server has closed the connection; fails if a packet arrives first. */
  void expectClosed() throws InterruptedException {
    Object next = inbox.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("end of connection").isSameAs(CLOSED);
  }

  /** Waits until the server has closed the connection, skipping whatever arrives before. */
  void drainUntilClosed() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      Object next = inbox.poll(1, TimeUnit.SECONDS);
      if (next == CLOSED) {
        return;
      }
    }
    throw new AssertionError("connection still open");
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
