package io.vcanokey.transport.vpcd;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The reader side of the vpcd protocol for tests: a loopback TCP listener that accepts the card,
 * sends it frames and reads its replies, the way pcscd's vpcd driver does (vsmartcard {@code
 * virtualsmartcard/doc/api.txt}). A protocol peer, not a double of the client under test.
 */
final class ReaderPeer implements Closeable {

  private final ServerSocket listener;

  private ReaderPeer(ServerSocket listener) {
    this.listener = listener;
  }

  /** Listens on a free loopback port. */
  static ReaderPeer listen() throws IOException {
    return listen(0);
  }

  /** Listens on {@code port} of the loopback address (0 for a free one). */
  static ReaderPeer listen(int port) throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return new ReaderPeer(listener);
  }

  int port() {
    return listener.getLocalPort();
  }

  VpcdAddress address() {
    return new VpcdAddress(InetAddress.getLoopbackAddress().getHostAddress(), port());
  }

  /** Waits for the card to connect. */
  Card accept(Duration timeout) throws IOException {
    listener.setSoTimeout((int) timeout.toMillis());
    Socket socket = listener.accept();
    socket.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
    return new Card(socket);
  }

  /** Whether the card connects within {@code timeout}. */
  boolean connectsWithin(Duration timeout) throws IOException {
    try {
      accept(timeout).close();
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }

  /** One connected card. */
  static final class Card implements Closeable {
    private final Socket socket;
    private final DataInputStream in;

    Card(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(socket.getInputStream());
    }

    /** Sends raw bytes, framed or not. */
    void sendRaw(byte[] bytes) throws IOException {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    }

    /** Sends one frame: length, then payload. */
    void send(byte[] payload) throws IOException {
      sendRaw(VpcdCodec.encode(payload));
    }

    /** Reads one reply frame's payload. */
    byte[] receive() throws IOException {
      int length = in.readUnsignedShort();
      byte[] payload = new byte[length];
      in.readFully(payload);
      return payload;
    }

    /** Sends {@code payload} and reads the reply. */
    byte[] exchange(byte[] payload) throws IOException {
      send(payload);
      return receive();
    }

    /** Whether the card closes the connection within {@code timeout}, sending nothing first. */
    boolean closedByCard(Duration timeout) throws IOException {
      socket.setSoTimeout((int) timeout.toMillis());
      try {
        return in.read() < 0;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (EOFException e) {
        return true;
      } catch (IOException e) {
        // A reset counts as closed too.
        return true;
      }
    }

    /** Whether the card sends nothing within {@code timeout} (and keeps the connection). */
    boolean silentFor(Duration timeout) throws IOException {
      socket.setSoTimeout((int) timeout.toMillis());
      try {
        in.read();
        return false;
      } catch (SocketTimeoutException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
