package io.vcanokey.transport.usbredir;

import io.vcanokey.platform.Scheduler;
import io.vcanokey.usb.UsbDevice;
import io.vcanokey.usb.UsbTap;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The byte plumbing of one guest connection: a reader thread that decodes packets and hands each to
 * the {@link UsbRedirSession} on the key thread, and a writer thread that sends what the session
 * queued. The key thread never blocks on the socket: outgoing packets wait in a queue of at most
 * {@link #MAX_QUEUED_BYTES}, and a guest that lets it fill up is dropped. The reader keeps at most
 * {@link #MAX_PACKETS_IN_FLIGHT} packets waiting for the key thread, so a flooding guest is slowed
 * down by TCP flow control rather than filling memory.
 *
 * <p>A malformed packet ({@link UsbRedirProtocolException}) ends the connection with a WARN line
 * naming the reason; the session then resets the device, and the server accepts the next guest.
 */
final class UsbRedirConnection {

  static final int MAX_QUEUED_BYTES = 1 << 20;
  static final int MAX_PACKETS_IN_FLIGHT = 64;

  /**
   * How long a guest may take to send its hello. QEMU sends it as soon as the socket opens; a peer
   * that connects and stays silent would otherwise keep every other guest out.
   */
  private static final Logger log = LoggerFactory.getLogger(UsbRedirConnection.class);

  private static final byte[] END_OF_STREAM = new byte[0];

  private final ByteChannel channel;
  private final String peerName;
  private final Scheduler scheduler;
  private final UsbRedirSession session;
  private final Consumer<UsbRedirConnection> onClosed;
  private final LinkedBlockingQueue<byte[]> outgoing = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final Semaphore inFlight = new Semaphore(MAX_PACKETS_IN_FLIGHT);
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Thread reader;
  private final Thread writer;

  /**
   * A connection serving {@code device} over {@code channel}, a blocking, connected channel.
   *
   * @param onClosed called once, from any thread, after the connection has closed and the session's
   *     close has been handed to the key thread
   */
  UsbRedirConnection(
      ByteChannel channel,
      String peerName,
      UsbDevice device,
      Scheduler scheduler,
      UsbTap tap,
      Consumer<UsbRedirConnection> onClosed) {
    this.channel = channel;
    this.peerName = peerName;
    this.scheduler = scheduler;
    this.onClosed = onClosed;
    this.session = new UsbRedirSession(device, tap, this::enqueue, peerName);
    this.reader = new Thread(this::readLoop, "usbredir-reader " + peerName);
    this.writer = new Thread(this::writeLoop, "usbredir-writer " + peerName);
    reader.setDaemon(true);
    writer.setDaemon(true);
  }

  String peerName() {
    return peerName;
  }

  /** Sends our hello and starts reading and writing. */
  void start() {
    log.info("usbredir: guest {} connected", peerName);
    // No deadline for the guest's hello: QEMU started paused (-S, as libvirt always does, or
    // -incoming) connects at once but says hello only when the VM first runs, which may take any
    // time, and it does not reconnect after a refusal.
    scheduler.execute(() -> runOnKeyThread(session::start));
    writer.start();
    reader.start();
  }

  /** Closes the connection (the server is stopping); returns once the threads have ended. */
  void close() {
    shutDown("server stopped", false);
    joinQuietly(reader);
    joinQuietly(writer);
  }

  private void readLoop() {
    UsbRedirCodec codec = new UsbRedirCodec(UsbRedirCodec.Role.HOST, UsbRedirSession.CAPS);
    try {
      while (!closing.get()) {
        UsbRedirFrame frame = codec.read(channel);
        if (frame == null) {
          shutDown("guest closed the connection", false);
          return;
        }
        // The header size of the next packet depends on the capabilities in the guest's hello.
        if (frame.packet() instanceof UsbRedirPacket.Hello hello && !codec.peerKnown()) {
          codec = codec.withPeer(hello.caps());
        }
        log.trace("usbredir: {} <- {} {}", peerName, frame, frame.packet());
        while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          if (closing.get()) {
            return;
          }
        }
        scheduler.execute(
            () -> {
              try {
                runOnKeyThread(() -> session.handle(frame));
              } finally {
                inFlight.release();
              }
            });
      }
    } catch (UsbRedirProtocolException e) {
      shutDown(e.getMessage(), true);
    } catch (EOFException e) {
      shutDown(e.getMessage(), true);
    } catch (IOException e) {
      shutDown("read failed: " + e, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutDown("reader interrupted", false);
    } catch (RuntimeException e) {
      // The key thread refused the work (its executor was shut down) or a bug in this class.
      log.error("usbredir: reader for guest {} failed", peerName, e);
      shutDown("internal error: " + e, false);
    }
  }

  /** Runs session work on the key thread; a protocol error there ends the connection too. */
  private void runOnKeyThread(Runnable action) {
    if (closing.get()) {
      return;
    }
    try {
      action.run();
    } catch (UsbRedirProtocolException e) {
      shutDown(e.getMessage(), true);
    } catch (RuntimeException e) {
      log.error("usbredir: internal error serving guest {}", peerName, e);
      shutDown("internal error: " + e, false);
    }
  }

  /** Queues one encoded packet; called on the key thread by the session. */
  private void enqueue(byte[] frame) {
    if (closing.get()) {
      return;
    }
    long queued = queuedBytes.addAndGet(frame.length);
    if (queued > MAX_QUEUED_BYTES) {
      shutDown("guest is not reading: " + queued + " bytes waiting to be sent", true);
      return;
    }
    outgoing.add(frame);
  }

  private void writeLoop() {
    try {
      while (true) {
        byte[] frame = outgoing.take();
        if (frame == END_OF_STREAM) {
          return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        queuedBytes.addAndGet(-frame.length);
        if (log.isTraceEnabled()) {
          log.trace("usbredir: {} -> {} bytes", peerName, frame.length);
        }
      }
    } catch (ClosedChannelException e) {
      // The connection was closed by the other side of this class.
    } catch (IOException e) {
      shutDown("write failed: " + e, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Ends the connection once, whichever thread notices first: closes the channel (which stops the
   * reader and writer), then hands the session's close to the key thread and tells the server.
   */
  private void shutDown(String reason, boolean peerFault) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    if (peerFault) {
      log.warn("usbredir: closing connection to guest {}: {}", peerName, reason);
    } else {
      log.info("usbredir: connection to guest {} ended: {}", peerName, reason);
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("usbredir: closing channel of {} failed: {}", peerName, e.toString());
    }
    outgoing.add(END_OF_STREAM);
    try {
      scheduler.execute(session::close);
    } catch (RuntimeException e) {
      log.debug("usbredir: key thread gone; session of {} not closed: {}", peerName, e.toString());
    }
    onClosed.accept(this);
  }

  private static void joinQuietly(Thread thread) {
    if (thread == Thread.currentThread() || !thread.isAlive()) {
      return;
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
