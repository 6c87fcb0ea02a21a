package io.vcanokey.transport.vpcd;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vcanokey.core.apdu.CardOs;
import io.vcanokey.core.apdu.TestApplet;
import io.vcanokey.core.bytes.Hex;
import io.vcanokey.core.trace.Tracer;
import io.vcanokey.key.VirtualKey;
import io.vcanokey.platform.ExecutorScheduler;
import io.vcanokey.platform.Scheduler;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The vpcd client against a loopback peer that plays pcscd's vpcd reader. */
class VpcdClientTest {

  /** The reference key's ATR (canokey-core inventory 1.6; also what opensc-tool -a prints). */
  private static final String CANOKEY_ATR = "3BF71100008131FE6543616E6F6B657999";

  private static final byte[] POWER_OFF = {0x00};
  private static final byte[] POWER_ON = {0x01};
  private static final byte[] RESET = {0x02};
  private static final byte[] GET_ATR = {0x04};

  private static final byte[] TEST_AID = Hex.decode("F000000A0B01");
  private static final Duration FAST_RETRY = Duration.ofMillis(100);
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path dir;

  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
  private final List<TestApplet> sessions = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  @DisplayName("api.txt: control 04 is answered with the ATR, here the reference key's")
  void getAtr_realKey_repliesCanoKeyAtr() throws Exception {
    ReaderPeer reader = reader(ReaderPeer.listen());
    startOnRealKey(reader.address());

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      assertThat(Hex.encode(card.exchange(GET_ATR))).isEqualTo(CANOKEY_ATR);
      assertThat(Hex.encode(card.exchange(GET_ATR))).isEqualTo(CANOKEY_ATR);
    }
  }

  @Test
  @DisplayName("api.txt: power on gets no reply; an APDU gets its response APDU")
  void powerOnThenSelect_realKeyUnknownAid_noReplyThen6A82() throws Exception {
    ReaderPeer reader = reader(ReaderPeer.listen());
    startOnRealKey(reader.address());

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      card.send(POWER_ON);
      // Had power on been answered, that answer would be read here instead of the ATR.
      assertThat(Hex.encode(card.exchange(GET_ATR))).isEqualTo(CANOKEY_ATR);
      // An AID no applet of the key has: ISO/IEC 7816-4 7.1.1, "file or application not found".
      byte[] select = Hex.decode("00A4040005F123456789");
      assertThat(Hex.encode(card.exchange(select))).isEqualTo("6A82");
    }
  }

  @Test
  void apdu_selectedApplet_roundTripsThroughCardOs() throws Exception {
    ReaderPeer reader = reader(ReaderPeer.listen());
    start(reader.address(), FAST_RETRY);

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      card.send(POWER_ON);
      assertThat(Hex.encode(card.exchange(select(TEST_AID)))).isEqualTo("F000000A0B019000");
      assertThat(Hex.encode(card.exchange(Hex.decode("0001000003C0FFEE")))).isEqualTo("C0FFEE9000");
    }
  }

  @Test
  void extendedApdu_longData_roundTrips() throws Exception {
    ReaderPeer reader = reader(ReaderPeer.listen());
    start(reader.address(), FAST_RETRY);

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      card.exchange(select(TEST_AID));
      // Extended case 4: Lc 00 01 00 (256 bytes), Le 00 00.
      byte[] data = new byte[256];
      java.util.Arrays.fill(data, (byte) 0x42);
      byte[] apdu = concat(Hex.decode("0001000000" + "0100"), data, Hex.decode("0000"));
      byte[] response = card.exchange(apdu);
      assertThat(response).hasSize(258);
      assertThat(Hex.encode(java.util.Arrays.copyOfRange(response, 256, 258))).isEqualTo("9000");
    }
  }

  @Test
  @DisplayName("api.txt: power off and reset end the card session: no applet stays selected")
  void powerOffAndReset_selectedApplet_forgotten() throws Exception {
    ReaderPeer reader = reader(ReaderPeer.listen());
    start(reader.address(), FAST_RETRY);

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      card.exchange(select(TEST_AID));
      card.send(POWER_OFF);
      card.send(POWER_ON);
      assertThat(Hex.encode(card.exchange(echo()))).isEqualTo("6D00");

      card.exchange(select(TEST_AID));
      card.send(RESET);
      assertThat(Hex.encode(card.exchange(echo()))).isEqualTo("6D00");
    }
  }

  @Test
  @DisplayName("a new connection is a new card session")
  void reconnect_afterReaderDropsConnection_freshSession() throws Exception {
    ReaderPeer reader = reader(ReaderPeer.listen());
    start(reader.address(), FAST_RETRY);

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      assertThat(Hex.encode(card.exchange(select(TEST_AID)))).endsWith("9000");
    }
    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      assertThat(Hex.encode(card.exchange(echo()))).isEqualTo("6D00");
    }
    assertThat(sessions).hasSize(2);
    assertThat(sessions.get(0).deselects).isPositive();
  }

  @Test
  @DisplayName("pcscd restart: the card comes back by itself, with one WARN and one INFO each")
  void reconnect_readerStopsAndStartsAgain_connectsAndLogsOnce() throws Exception {
    ListAppender<ILoggingEvent> logs = captureLogs();
    ReaderPeer first = ReaderPeer.listen();
    int port = first.port();
    start(first.address(), FAST_RETRY);
    try (ReaderPeer.Card card = first.accept(WAIT)) {
      assertThat(Hex.encode(card.exchange(GET_ATR))).isEqualTo(CANOKEY_ATR);
    }
    first.close();

    // About ten failed attempts while the reader is away.
    Thread.sleep(1000);
    ReaderPeer second = reader(ReaderPeer.listen(port));
    try (ReaderPeer.Card card = second.accept(WAIT)) {
      assertThat(Hex.encode(card.exchange(GET_ATR))).isEqualTo(CANOKEY_ATR);
      // Checked while still connected: closing this connection logs "lost" once more.
      assertThat(messages(logs, Level.INFO)).filteredOn(m -> m.contains("connected to")).hasSize(2);
      assertThat(messages(logs, Level.WARN)).hasSize(1).allMatch(m -> m.contains("lost"));
    }
  }

  @Test
  void connect_readerAbsentAtStart_connectsWhenItAppears() throws Exception {
    ListAppender<ILoggingEvent> logs = captureLogs();
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    start(new VpcdAddress("127.0.0.1", port), FAST_RETRY);
    Thread.sleep(600);

    ReaderPeer reader = reader(ReaderPeer.listen(port));
    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      assertThat(Hex.encode(card.exchange(GET_ATR))).isEqualTo(CANOKEY_ATR);
      assertThat(messages(logs, Level.WARN)).hasSize(1).allMatch(m -> m.contains("cannot reach"));
    }
  }

  @Test
  @DisplayName("api.txt: a frame of length 0 is no message: WARN, drop, reconnect")
  void malformed_emptyFrame_dropsAndReconnects() throws Exception {
    assertDropsAndRecovers(new byte[] {0x00, 0x00});
  }

  @Test
  @DisplayName("api.txt: control codes are 00, 01, 02, 04; another one drops the connection")
  void malformed_unknownControlCode_dropsAndReconnects() throws Exception {
    assertDropsAndRecovers(new byte[] {0x00, 0x01, 0x03});
  }

  @Test
  void malformed_frameCutShort_reconnects() throws Exception {
    ReaderPeer reader = reader(ReaderPeer.listen());
    start(reader.address(), FAST_RETRY);

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      card.sendRaw(Hex.decode("000A00A4"));
    }
    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      assertThat(Hex.encode(card.exchange(GET_ATR))).isEqualTo(CANOKEY_ATR);
    }
  }

  @Test
  @DisplayName("ISO/IEC 7816-4 5.1: a 2-byte command APDU is malformed: 6700, connection kept")
  void malformedApdu_twoBytes_wrongLengthAndConnectionKept() throws Exception {
    ReaderPeer reader = reader(ReaderPeer.listen());
    start(reader.address(), FAST_RETRY);

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      assertThat(Hex.encode(card.exchange(Hex.decode("00A4")))).isEqualTo("6700");
      assertThat(Hex.encode(card.exchange(GET_ATR))).isEqualTo(CANOKEY_ATR);
    }
  }

  @Test
  void close_whileConnected_closesConnectionPromptly() throws Exception {
    ReaderPeer reader = reader(ReaderPeer.listen());
    VpcdClient client = start(reader.address(), FAST_RETRY);

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      card.exchange(GET_ATR);
      long start = System.nanoTime();
      client.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(card.closedByCard(WAIT)).isTrue();
    }
    assertThat(client.isConnected()).isFalse();
    assertThat(reader.connectsWithin(Duration.ofMillis(500))).isFalse();
  }

  @Test
  void close_whileWaitingToRetry_returnsPromptly() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    VpcdClient client = start(new VpcdAddress("127.0.0.1", port), Duration.ofSeconds(30));
    Thread.sleep(200);

    long start = System.nanoTime();
    client.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  private void assertDropsAndRecovers(byte[] bad) throws Exception {
    ListAppender<ILoggingEvent> logs = captureLogs();
    ReaderPeer reader = reader(ReaderPeer.listen());
    start(reader.address(), FAST_RETRY);

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      assertThat(Hex.encode(card.exchange(GET_ATR))).isEqualTo(CANOKEY_ATR);
      card.sendRaw(bad);
      assertThat(card.closedByCard(WAIT)).isTrue();
    }
    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      assertThat(Hex.encode(card.exchange(GET_ATR))).isEqualTo(CANOKEY_ATR);
    }
    assertThat(messages(logs, Level.WARN)).anyMatch(m -> m.contains("malformed frame"));
  }

  @Test
  @DisplayName("An Error in the client's thread still closes its connection, so pcscd is not held")
  void error_inClientThread_closesConnection() throws Exception {
    ReaderPeer reader = reader(ReaderPeer.listen());
    ScheduledExecutorService keyThread = Executors.newSingleThreadScheduledExecutor();
    toClose.add(keyThread::shutdownNow);
    ExecutorScheduler scheduler = new ExecutorScheduler(keyThread);
    AtomicInteger calls = new AtomicInteger();
    // The first hand-over (the new card session) works; the second throws in the client's own
    // thread, as a class missing from a jar replaced under the running key does.
    Scheduler failing =
        new Scheduler() {
          @Override
          public Task schedule(Duration delay, Runnable action) {
            return scheduler.schedule(delay, action);
          }

          @Override
          public long nanoTime() {
            return scheduler.nanoTime();
          }

          @Override
          public void execute(Runnable action) {
            if (calls.incrementAndGet() == 2) {
              throw new NoClassDefFoundError("injected by the test");
            }
            scheduler.execute(action);
          }
        };
    VpcdClient client =
        new VpcdClient(
            reader.address(),
            () -> new CardOs(List.of(new TestApplet("test", TEST_AID))),
            failing,
            FAST_RETRY);
    toClose.add(client);
    client.start();

    try (ReaderPeer.Card card = reader.accept(WAIT)) {
      card.send(GET_ATR);
      assertThat(card.closedByCard(WAIT)).isTrue();
    }
  }

  private VpcdClient start(VpcdAddress address, Duration retry) {
    ScheduledExecutorService keyThread = Executors.newSingleThreadScheduledExecutor();
    toClose.add(keyThread::shutdownNow);
    VpcdClient client =
        new VpcdClient(
            address,
            () -> {
              TestApplet applet = new TestApplet("test", TEST_AID);
              sessions.add(applet);
              return new CardOs(List.of(applet));
            },
            new ExecutorScheduler(keyThread),
            retry);
    toClose.add(client);
    client.start();
    return client;
  }

  private void startOnRealKey(VpcdAddress address) throws IOException {
    VirtualKey key = VirtualKey.open(dir.resolve("key.db"), Tracer.OFF);
    toClose.add(key);
    VpcdClient client = new VpcdClient(address, key::newCard, key.scheduler(), FAST_RETRY);
    toClose.add(client);
    client.start();
  }

  private ReaderPeer reader(ReaderPeer peer) {
    toClose.add(peer);
    return peer;
  }

  private ListAppender<ILoggingEvent> captureLogs() {
    Logger logger = (Logger) LoggerFactory.getLogger(VpcdClient.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    toClose.add(() -> logger.detachAppender(appender));
    return appender;
  }

  private static List<String> messages(ListAppender<ILoggingEvent> logs, Level level) {
    // The client's thread appends while the test reads: copy under the appender's own lock
    // (AppenderBase.doAppend synchronizes on the appender).
    List<ILoggingEvent> events;
    synchronized (logs) {
      events = List.copyOf(logs.list);
    }
    return events.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static byte[] select(byte[] aid) {
    return concat(Hex.decode("00A40400"), new byte[] {(byte) aid.length}, aid);
  }

  private static byte[] echo() {
    return Hex.decode("000100000101");
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
