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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
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

  private final DatagramSocket socket;
  private final Scheduler scheduler;
  private final CtapHidFunction function;

  /** Reply address per CID; key thread only. */
  private final Map<Integer, SocketAddress> peers =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, SocketAddress> eldest) {
          return size() > MAX_PEERS;
        }
      };

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
        log.warn(
            "datagram of {} bytes from {} dropped: one CTAPHID report is 1..64", length, source);
        continue;
      }
      byte[] report = Arrays.copyOf(buffer, length);
      try {
        scheduler.execute(() -> receive(report, source));
      } catch (RejectedExecutionException e) {
        return; // the key is closing
      }
    }
  }

  /** Key thread: remembers where the channel's replies go, then hands the report on. */
  private void receive(byte[] report, SocketAddress source) {
    if (report.length >= 4) {
      peers.put(cid(report), source);
    }
    function.dataOut(CtapHidFunction.ENDPOINT_OUT, report);
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
