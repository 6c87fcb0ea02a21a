package io.vcanokey.transport.ctaphidudp;

import io.vcanokey.platform.Scheduler;
import io.vcanokey.usb.ctaphid.CtapHidFunction;
import io.vcanokey.usb.ctaphid.CtapHidHandler;
import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves CTAPHID reports over UDP on loopback (the SoloKeys simulator convention, see the package
 * documentation) through a {@link CtapHidFunction} of its own, in front of the key's FIDO handler.
 *
 * <p>The function has its own channel table, as a second FIDO HID interface would; requests from
 * USB and UDP share the FIDO applet on the key thread.
 */
public final class CtapHidUdpServer implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(CtapHidUdpServer.class);

  /** Port the key receives on by default (SoloKeys simulator convention). */
  public static final int DEFAULT_PORT = 8111;

  /** One CTAPHID report (CTAP 2.1, 11.2.4). */
  static final int REPORT_SIZE = 64;

  /** Channels whose reply address is remembered; the oldest is forgotten first. */
  static final int MAX_PEERS = 64;

  /**
   * Reports queued for the key thread at most; past it datagrams are dropped, as a HID endpoint
   * whose host floods it NAKs, so that a flood cannot grow the key's memory without bound.
   */
  static final int MAX_BACKLOG = 1024;

  /** Least time between two warnings about dropped or malformed datagrams. */
  private static final long WARNING_INTERVAL_NANOS = 1_000_000_000L;

  private final DatagramSocket socket;
  private final Scheduler scheduler;
  private final CtapHidFunction function;

  /**
   * Reply address per CID, least recently used first; key thread only. Past {@link #MAX_PEERS} the
   * least recently used is forgotten, but never the running request's channel, so that a burst of
   * other channels cannot make the answer of a request that waits for a touch undeliverable.
   */
  private final Map<Integer, SocketAddress> peers = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * The channel whose request waits (it was last sent a KEEPALIVE) and its reply address, kept
   * apart from {@link #peers} so that a burst of other channels cannot make its answer
   * undeliverable; key thread only.
   */
  private int waitingCid;

  private SocketAddress waitingPeer;

  /** Reports handed to the key thread and not yet processed. */
  private final AtomicInteger backlog = new AtomicInteger();

  /** Reports dropped because the key thread was behind; for the log. */
  private final AtomicLong dropped = new AtomicLong();

  private long lastDropWarning;

  private Thread receiver;

  /**
   * Binds 127.0.0.1:{@code port} (0 picks a free port); nothing is received until {@link #start()}.
   *
   * @param scheduler runs work on the key thread
   * @param handler the key's FIDO handler for MSG and CBOR requests
   * @throws IOException if the port cannot be bound
   */
  public CtapHidUdpServer(int port, Scheduler scheduler, CtapHidHandler handler)
      throws IOException {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("UDP port out of range: " + port);
    }
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    this.scheduler = scheduler;
    this.function = new CtapHidFunction(this::sendReport, scheduler, new SecureRandom(), handler);
  }

  /** The bound address, with the port chosen when 0 was asked. */
  public InetSocketAddress boundAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Starts the receiver thread; returns at once. */
  public synchronized void start() {
    if (receiver != null) {
      throw new IllegalStateException("already started");
    }
    receiver = new Thread(this::receiveLoop, "ctaphid-udp-" + boundAddress().getPort());
    receiver.setDaemon(true);
    receiver.start();
    log.info("CTAPHID over UDP on {}", boundAddress());
  }

  private void receiveLoop() {
    // One byte more than a report, to tell an oversized datagram from a full one.
    byte[] buffer = new byte[REPORT_SIZE + 1];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        if (!socket.isClosed()) {
          log.warn("CTAPHID UDP receive failed: {}", e.getMessage());
        }
        continue;
      }
      int length = packet.getLength();
      SocketAddress source = packet.getSocketAddress();
      if (length == 0 || length > REPORT_SIZE) {
        drop("datagram of " + length + " bytes: one CTAPHID report is 1..64", source);
        continue;
      }
      if (backlog.get() >= MAX_BACKLOG) {
        drop("the key is " + MAX_BACKLOG + " reports behind", source);
        continue;
      }
      byte[] report = Arrays.copyOf(buffer, length);
      backlog.incrementAndGet();
      try {
        scheduler.execute(
            () -> {
              backlog.decrementAndGet();
              receive(report, source);
            });
      } catch (RejectedExecutionException e) {
        return; // the key is closing
      }
    }
  }

  /** Receiver thread: counts a dropped datagram and warns at most once a second. */
  private void drop(String why, SocketAddress source) {
    long count = dropped.incrementAndGet();
    long now = System.nanoTime();
    if (now - lastDropWarning >= WARNING_INTERVAL_NANOS || count == 1) {
      lastDropWarning = now;
      log.warn("datagram from {} dropped ({}); {} dropped so far", source, why, count);
    } else {
      log.debug("datagram from {} dropped ({})", source, why);
    }
  }

  /** Key thread: remembers where the channel's replies go, then hands the report on. */
  private void receive(byte[] report, SocketAddress source) {
    if (report.length >= 4) {
      peers.put(cid(report), source);
      if (peers.size() > MAX_PEERS) {
        forgetOldestPeer();
      }
    }
    function.dataOut(CtapHidFunction.ENDPOINT_OUT, report);
  }

  private void forgetOldestPeer() {
    OptionalInt running = function.runningChannel();
    Iterator<Integer> oldestFirst = peers.keySet().iterator();
    while (oldestFirst.hasNext()) {
      int cid = oldestFirst.next();
      if (running.isEmpty() || running.getAsInt() != cid) {
        oldestFirst.remove();
        return;
      }
    }
  }

  /** Key thread: one reply report, to the address of its channel. */
  private void sendReport(byte[] report) {
    int cid = cid(report);
    SocketAddress peer = peers.get(cid);
    if (peer == null) {
      log.debug("reply on CID {} dropped: no address known", String.format("%08X", cid));
      return;
    }
    // CtapHidFunction traces the report itself, with clientPIN data withheld.
    try {
      socket.send(new DatagramPacket(report, report.length, peer));
    } catch (IOException e) {
      log.warn("CTAPHID UDP send to {} failed: {}", peer, e.getMessage());
    }
  }

  private static int cid(byte[] report) {
    return ((report[0] & 0xFF) << 24)
        | ((report[1] & 0xFF) << 16)
        | ((report[2] & 0xFF) << 8)
        | (report[3] & 0xFF);
  }

  /** Closes the socket; the receiver thread ends. */
  @Override
  public synchronized void close() {
    socket.close();
    if (receiver != null) {
      receiver.interrupt();
    }
  }
}
