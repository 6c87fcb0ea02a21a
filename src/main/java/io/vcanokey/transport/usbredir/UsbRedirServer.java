package io.vcanokey.transport.usbredir;

import io.vcanokey.platform.Scheduler;
import io.vcanokey.usb.UsbDevice;
import io.vcanokey.usb.UsbTap;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for QEMU's {@code usb-redir} chardev on a TCP or Unix socket and serves the key's {@link
 * UsbDevice} to one guest at a time (usbredir protocol 0.7, usb-host side; QEMU connects as the
 * socket client: {@code -chardev socket,id=ck,host=..,port=..} or {@code path=..}).
 *
 * <p>A second guest connecting while one is served is logged and closed, after a grace of {@value
 * #ADMIT_GRACE_MILLIS} ms in case the first connection is just ending. When the guest goes away
 * (QEMU exits or restarts) the device is reset, as if unplugged, and the next connection is
 * accepted; the key itself keeps running. TCP connections get TCP_NODELAY, since every interrupt
 * report is a small packet that must not wait. A Unix socket file is created with mode 0600, a
 * stale one (no listener behind it) is replaced, and the file is removed on {@link #close()}.
 */
public final class UsbRedirServer implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(UsbRedirServer.class);

  /** How long a new guest waits for a connection that is ending before it is refused. */
  static final long ADMIT_GRACE_MILLIS = 250;

  private final UsbRedirAddress address;
  private final UsbDevice device;
  private final Scheduler scheduler;
  private final UsbTap tap;

  private ServerSocketChannel listener;
  private UsbRedirAddress boundAddress;
  private Thread acceptor;
  private UsbRedirConnection active;
  private boolean closed;
  private int connectionCount;

  /**
   * A server for {@code device}; nothing happens until {@link #start()}.
   *
   * @param address where to listen
   * @param device the key's USB device; only ever called on the key thread
   * @param scheduler runs work on the key thread
   * @param tap observer of every transfer ({@link UsbTap#NONE} for none)
   */
  public UsbRedirServer(
      UsbRedirAddress address, UsbDevice device, Scheduler scheduler, UsbTap tap) {
    this.address = address;
    this.device = device;
    this.scheduler = scheduler;
    this.tap = tap;
  }

  /**
   * Binds the socket and starts accepting guests on a background thread.
   *
   * @throws IOException if the address cannot be bound (in use, no permission, a non-socket file in
   *     the way)
   */
  public synchronized void start() throws IOException {
    if (listener != null || closed) {
      throw new IllegalStateException("server already started or closed");
    }
    listener = address.kind() == UsbRedirAddress.Kind.TCP ? bindTcp() : bindUnix();
    acceptor = new Thread(this::acceptLoop, "usbredir-accept " + boundAddress);
    acceptor.setDaemon(true);
    acceptor.start();
    log.info("usbredir: listening on {}", boundAddress);
  }

  /** The address actually bound (with the port the system chose for port 0). */
  public synchronized UsbRedirAddress boundAddress() {
    if (boundAddress == null) {
      throw new IllegalStateException("server not started");
    }
    return boundAddress;
  }

  /** Whether a guest is connected now. */
  public synchronized boolean hasGuest() {
    return active != null;
  }

  /**
   * Stops listening, closes the guest's connection and removes the Unix socket file this server
   * created. Safe to call more than once, and after a failed {@link #start()}.
   */
  @Override
  public void close() {
    UsbRedirConnection connection;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      connection = active;
      active = null;
      notifyAll();
    }
    try {
      if (listener != null) {
        listener.close();
      }
    } catch (IOException e) {
      log.debug("usbredir: closing listener failed: {}", e.toString());
    }
    if (connection != null) {
      connection.close();
    }
    if (acceptor != null && acceptor != Thread.currentThread()) {
      try {
        acceptor.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (boundAddress == null) {
      // Never bound: a socket file at the path belongs to someone else.
      return;
    }
    if (address.kind() == UsbRedirAddress.Kind.UNIX) {
      try {
        Files.deleteIfExists(address.path());
      } catch (IOException e) {
        log.warn("usbredir: could not remove socket file {}: {}", address.path(), e.toString());
      }
    }
    log.info("usbredir: stopped listening on {}", boundAddress);
  }

  private ServerSocketChannel bindTcp() throws IOException {
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
    if (address.host().contains(":")) {
      channel.close();
      channel = ServerSocketChannel.open(StandardProtocolFamily.INET6);
    }
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(address.socketAddress(), 4);
    } catch (IOException e) {
      channel.close();
      throw bindFailure(e);
    }
    InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
    boundAddress = UsbRedirAddress.tcp(address.host(), local.getPort());
    return channel;
  }

  private ServerSocketChannel bindUnix() throws IOException {
    Path path = address.path();
    removeStaleSocket(path);
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(address.socketAddress(), 4);
    } catch (IOException e) {
      channel.close();
      throw bindFailure(e);
    }
    try {
      // The key answers whoever connects: only its owner may.
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      log.warn("usbredir: could not restrict {} to its owner: {}", path, e.toString());
    }
    boundAddress = address;
    return channel;
  }

  /** Deletes a socket file left behind by a process that died, refusing anything else. */
  private static void removeStaleSocket(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    BasicFileAttributes attributes =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isOther()) {
      throw new BindException("refusing to replace " + path + ": it is not a socket");
    }
    boolean listening;
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      listening = probe.isConnected();
    } catch (IOException e) {
      listening = false;
    }
    if (listening) {
      throw new BindException(path + " is in use by another running server");
    }
    log.info("usbredir: removing stale socket file {}", path);
    Files.delete(path);
  }

  private IOException bindFailure(IOException cause) {
    IOException failure =
        new BindException("cannot listen on " + address + ": " + cause.getMessage());
    failure.initCause(cause);
    return failure;
  }

  private void acceptLoop() {
    while (true) {
      SocketChannel channel;
      try {
        channel = listener.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        synchronized (this) {
          if (closed) {
            return;
          }
        }
        log.warn("usbredir: accept failed on {}: {}", boundAddress, e.toString());
        continue;
      }
      admit(channel);
    }
  }

  /** Serves {@code channel} unless a guest is already being served. */
  private synchronized void admit(SocketChannel channel) {
    String peer = describePeer(channel);

    // A connection that is ending (a peer that connected and closed at once, such as another
    // server probing the socket file, or a QEMU that just exited) gets a moment to finish.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ADMIT_GRACE_MILLIS);
    while (active != null && !closed && System.nanoTime() < deadline) {
      try {
        TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, deadline - System.nanoTime()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (closed) {
      closeQuietly(channel);
      return;
    }
    if (active != null) {
      log.warn(
          "usbredir: refusing connection from {}: guest {} is already connected",
          peer,
          active.peerName());
      closeQuietly(channel);
      return;
    }
    try {
      channel.configureBlocking(true);
      if (address.kind() == UsbRedirAddress.Kind.TCP) {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      }
    } catch (IOException e) {
      log.warn("usbredir: cannot set up connection from {}: {}", peer, e.toString());
      closeQuietly(channel);
      return;
    }
    active = new UsbRedirConnection(channel, peer, device, scheduler, tap, this::connectionClosed);
    active.start();
  }

  private synchronized void connectionClosed(UsbRedirConnection connection) {
    if (active == connection) {
      active = null;
      notifyAll();
    }
  }

  private String describePeer(SocketChannel channel) {
    connectionCount++;
    String remote;
    try {
      remote =
          address.kind() == UsbRedirAddress.Kind.TCP
              ? String.valueOf(channel.getRemoteAddress())
              : boundAddress.toString();
    } catch (IOException e) {
      remote = "unknown";
    }
    return "#" + connectionCount + " (" + remote + ")";
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("usbredir: close failed: {}", e.toString());
    }
  }
}
