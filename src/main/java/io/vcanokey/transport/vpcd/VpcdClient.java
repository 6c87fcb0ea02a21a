package io.vcanokey.transport.vpcd;

import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.ResponseApdu;
import io.vcanokey.core.apdu.StatusWords;
import io.vcanokey.platform.Scheduler;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key as a virtual card in pcscd's vpcd reader (vsmartcard {@code
 * virtualsmartcard/doc/api.txt}): connects as a TCP client to the reader's port and answers its
 * control messages and command APDUs until closed.
 *
 * <p>Each connection gets a card session of its own from {@code newCard}, so a reconnection starts
 * with no applet selected and no PIN verified. When pcscd is not there, or goes away, the client
 * tries again every {@link #RETRY_DELAY} until {@link #close()}: a restarted pcscd gets the card
 * back by itself. It logs one WARN when the reader cannot be reached or the connection is lost and
 * one INFO when it connects, never one line per attempt.
 *
 * <p>A malformed frame (length 0, an unknown control code) is peer misbehaviour: a WARN line, the
 * connection is dropped and made again. A command APDU that is short or malformed is the card OS's
 * business and gets its status word.
 */
public final class VpcdClient implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(VpcdClient.class);

  private static final boolean QUICK_ACK_SUPPORTED =
      new Socket().supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);

  /** Pause between connection attempts. */
  public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  /** Limit on a single TCP connect, for a host that drops packets instead of refusing. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final VpcdAddress address;
  private final Supplier<CardOs> newCard;
  private final Scheduler scheduler;
  private final Duration retryDelay;

  private Thread thread;
  private Socket socket;
  private boolean closed;
  private boolean connected;

  /**
   * A client for the reader at {@code address}; nothing happens until {@link #start()}.
   *
   * @param newCard makes a fresh card session; called on the key thread
   * @param scheduler runs work on the key thread
   */
  public VpcdClient(VpcdAddress address, Supplier<CardOs> newCard, Scheduler scheduler) {
    this(address, newCard, scheduler, RETRY_DELAY);
  }

  VpcdClient(
      VpcdAddress address, Supplier<CardOs> newCard, Scheduler scheduler, Duration retryDelay) {
    this.address = address;
    this.newCard = newCard;
    this.scheduler = scheduler;
    this.retryDelay = retryDelay;
  }

  /** Starts connecting on a background thread; returns at once. */
  public synchronized void start() {
    if (thread != null || closed) {
      throw new IllegalStateException("vpcd client already started or closed");
    }
    thread = new Thread(this::run, "vpcd " + address);
    thread.setDaemon(true);
    thread.start();
  }

  public VpcdAddress address() {
    return address;
  }

  /** Whether a connection to the reader is open now. */
  public synchronized boolean isConnected() {
    return connected;
  }

  /** Closes the connection and stops the client's thread. Safe to call more than once. */
  @Override
  public void close() {
    Thread running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(socket);
      running = thread;
    }
    if (running != null && running != Thread.currentThread()) {
      running.interrupt();
      try {
        running.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void run() {
    // True once the user has been told the reader is unreachable, until the next connection.
    boolean toldUnreachable = false;
    try {
      while (!isClosed()) {
        Socket attempt = new Socket();
        synchronized (this) {
          if (closed) {
            return;
          }
          socket = attempt;
        }
        try {
          attempt.connect(address.resolve(), (int) CONNECT_TIMEOUT.toMillis());
          attempt.setTcpNoDelay(true);
        } catch (IOException | IllegalArgumentException e) {
          if (isClosed()) {
            return;
          }
          if (!toldUnreachable) {
            log.warn(
                "vpcd: cannot reach the vpcd reader at {} ({}); is pcscd with vsmartcard-vpcd"
                    + " running? Retrying every {} ms",
                address,
                e.getMessage(),
                retryDelay.toMillis());
            toldUnreachable = true;
          } else {
            log.debug("vpcd: connecting to {} failed: {}", address, e.toString());
          }
          closeQuietly(attempt);
          pause();
          continue;
        }

        setConnected(true);
        log.info("vpcd: connected to {}", address);
        String reason;
        try {
          reason = serve(attempt);
        } catch (IllegalStateException e) {
          log.error("vpcd: bug while serving {}; reconnecting", address, e);
          reason = "internal error";
        }
        setConnected(false);
        closeQuietly(attempt);
        if (isClosed()) {
          return;
        }
        log.warn("vpcd: connection to {} lost ({}); reconnecting", address, reason);
        toldUnreachable = true;
        pause();
      }
    } catch (InterruptedException e) {
      // close() interrupts the thread: nothing more to do.
    } catch (RejectedExecutionException e) {
      log.info("vpcd: the key stopped; disconnecting from {}", address);
    } finally {
      // Also on an Error (a jar replaced under a running key, say): an open connection that nobody
      // answers would hold pcscd, and every other reader's client, until the process ends.
      synchronized (this) {
        closeQuietly(socket);
      }
      setConnected(false);
    }
  }

  /**
   * Asks Linux to acknowledge the next segments at once (TCP_QUICKACK, which the kernel clears
   * again by itself, hence before every read). pcscd's vpcd driver writes a frame's length and its
   * payload in two sends; with Nagle on its side and delayed ACKs on ours, the payload waited about
   * 40 ms for our ACK of the length, on every APDU.
   */
  private static void acknowledgeQuickly(Socket connection) {
    if (QUICK_ACK_SUPPORTED) {
      try {
        connection.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
      } catch (IOException | UnsupportedOperationException e) {
        log.debug("vpcd: cannot set TCP_QUICKACK: {}", e.toString());
      }
    }
  }

  /**
   * Serves one connection with a fresh card session until it ends.
   *
   * @return why it ended, for the log
   */
  private String serve(Socket connection) throws InterruptedException {
    CardOs card = onKeyThread(newCard::get);
    try {
      InputStream in = connection.getInputStream();
      OutputStream out = connection.getOutputStream();
      while (true) {
        acknowledgeQuickly(connection);
        byte[] payload = VpcdCodec.readFrame(in);
        if (payload == null) {
          return "closed by the reader";
        }
        log.trace("vpcd: <- frame of {} bytes", payload.length);
        VpcdMessage message = VpcdMessage.decode(payload);
        byte[] reply = onKeyThread(() -> handle(card, message));
        if (reply != null) {
          log.trace("vpcd: -> frame of {} bytes", reply.length);
          VpcdCodec.writeFrame(out, reply);
        }
      }
    } catch (VpcdProtocolException e) {
      log.warn(
          "vpcd: malformed frame from {}: {}; dropping the connection", address, e.getMessage());
      return "malformed frame";
    } catch (IOException e) {
      return e.toString();
    } finally {
      try {
        scheduler.execute(card::powerOff);
      } catch (RejectedExecutionException e) {
        // The key has stopped; its card sessions with it.
      }
    }
  }

  /** Runs on the key thread: one message to the card, and the reply to send, if any. */
  private static byte[] handle(CardOs card, VpcdMessage message) {
    if (message instanceof VpcdMessage.Apdu apdu) {
      byte[] response = card.transmit(apdu.command());
      if (response.length > VpcdCodec.MAX_PAYLOAD) {
        log.error(
            "vpcd: response of {} bytes does not fit a vpcd frame; answering 6F00",
            response.length);
        return ResponseApdu.of(StatusWords.SW_UNKNOWN).encode();
      }
      return response;
    }
    int code = ((VpcdMessage.Control) message).code();
    switch (code) {
      case VpcdMessage.CTRL_OFF -> {
        log.debug("vpcd: power off");
        card.powerOff();
        return null;
      }
      case VpcdMessage.CTRL_ON -> {
        log.debug("vpcd: power on");
        card.powerOn();
        return null;
      }
      case VpcdMessage.CTRL_RESET -> {
        log.debug("vpcd: reset");
        card.powerOn();
        return null;
      }
      default -> {
        // CTRL_ATR, also vpcd's presence poll (every half second or so): TRACE, not DEBUG.
        log.trace("vpcd: ATR requested");
        return card.atr();
      }
    }
  }

  /** Runs {@code task} on the key thread and waits for its result. */
  private <T> T onKeyThread(Callable<T> task) throws InterruptedException {
    CompletableFuture<T> result = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          try {
            result.complete(task.call());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("vpcd: card session failed", e.getCause());
    }
  }

  private void pause() throws InterruptedException {
    Thread.sleep(retryDelay.toMillis());
  }

  private synchronized void setConnected(boolean value) {
    connected = value;
  }

  private static void closeQuietly(Socket socket) {
    if (socket == null) {
      return;
    }
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("vpcd: close failed: {}", e.toString());
    }
  }
}
