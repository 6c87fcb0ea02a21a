package io.vcanokey.transport.ctaphidudp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.platform.Scheduler;
import io.vcanokey.usb.ctaphid.CtapHidCommand;
import io.vcanokey.usb.ctaphid.CtapHidHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Breaker regression: a local process flooding the CTAPHID UDP port must not make the key queue
 * reports without bound. Measured against the running key (serve --ctaphid-udp=0): 15 s of
 * one-frame getInfo requests grew the key from 90 MB to 2.8 GB and left it answering nothing, on
 * USB too, for about 30 s after the flood ended.
 */
class CtapHidUdpFloodTest {

  /** Reports waiting for the key thread that we accept; the kernel's socket buffer holds more. */
  private static final int MAX_QUEUED = 1024;

  /** A key thread that is busy: it takes work but runs none, and counts what waits. */
  private static final class StalledScheduler implements Scheduler {
    final AtomicInteger queued = new AtomicInteger();

    @Override
    public Task schedule(Duration delay, Runnable action) {
      return () -> {};
    }

    @Override
    public void execute(Runnable action) {
      queued.incrementAndGet();
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }
  }

  private static final class NoHandler implements CtapHidHandler {
    @Override
    public void handle(CtapHidCommand command, byte[] payload, Responder responder) {}

    @Override
    public void cancel() {}
  }

  private final StalledScheduler scheduler = new StalledScheduler();
  private CtapHidUdpServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() throws Exception {
    server = new CtapHidUdpServer(0, scheduler, new NoHandler());
    server.start();
    address = server.boundAddress();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @DisplayName("A datagram flood while the key thread is busy queues a bounded number of reports")
  void receive_floodWhileKeyThreadBusy_queueBounded() throws Exception {
    byte[] report = ByteBuffer.allocate(64).putInt(0x01020304).put((byte) 0x90).array();
    try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < 20_000; i++) {
        client.send(new DatagramPacket(report, report.length, address));
        if (i % 500 == 499) {
          Thread.sleep(5); // let the receiver drain the socket, as a busy key thread would not
        }
      }
    }
    Thread.sleep(300);

    assertThat(scheduler.queued.get()).isLessThanOrEqualTo(MAX_QUEUED);
  }
}
