package io.vcanokey.pcsc;

import io.vcanokey.guest.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's pcscd with vsmartcard's vpcd reader (Debian packages pcscd, vsmartcard-vpcd), for
 * tests that drive the key through real PC/SC clients (DESIGN.md, "Testing with real clients").
 *
 * <p>There is one pcscd per machine and one card per vpcd reader, so every test that uses them
 * holds a {@link Lease} from {@link #acquire()} for its whole run: a semaphore serializes the test
 * classes of one JVM (put the tests on one reader in one class, or acquire in each), and a file
 * lock on {@value #LOCK_FILE} serializes test JVMs on the same machine (several worktrees, say).
 *
 * <p>{@link #acquire()} reuses a pcscd that is already running; when none is, it starts {@code
 * pcscd -f} in the background (pcscd needs root to create /run/pcscd; without it the test is
 * skipped, or failed in CI), waits until the reader {@value #READER} is listed, and stops that
 * pcscd when the JVM exits. pcscd only exits by itself when started with {@code -x} (--auto-exit),
 * which we never pass, so it stays up between tests. So neither ./run-tests nor .ci/run starts
 * pcscd: the tests do it when they need it.
 *
 * <p>Reader and card state are read with OpenSC's {@code opensc-tool} (a new PC/SC context per
 * call), so they stay right across a pcscd restart.
 */
public final class Pcscd {

  /** vpcd's first reader in Debian's stock /etc/reader.conf.d/vpcd (port 35963). */
  public static final String READER = "Virtual PCD 00 00";

  /** Where vpcd's first reader listens for the card. */
  public static final String VPCD_ADDRESS = "127.0.0.1:35963";

  static final String LOCK_FILE = "/tmp/vcanokey-pcscd.lock";

  private static final Path VPCD_DRIVER = Path.of("/usr/lib/pcsc/drivers/serial/libifdvpcd.so");
  private static final Path VPCD_CONFIG = Path.of("/etc/reader.conf.d/vpcd");
  private static final Path PID_FILE = Path.of("/run/pcscd/pcscd.pid");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(20);

  private static final Semaphore IN_JVM = new Semaphore(1);
  private static final AtomicInteger STARTS = new AtomicInteger();

  /** Whether a pcscd ran before this JVM first asked; if not, ours is stopped at exit. */
  private static Boolean foundRunning;

  private Pcscd() {}

  /** Exclusive use of pcscd and its vpcd reader, with pcscd running; close to release. */
  public static final class Lease implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private Lease(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public synchronized void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        lock.release();
        channel.close();
      } finally {
        IN_JVM.release();
      }
    }
  }

  /**
   * Waits for exclusive use of pcscd (other tests in this JVM and in others), then makes sure it is
   * running with the vpcd reader listed.
   */
  public static Lease acquire() throws IOException, InterruptedException {
    requireTools();
    IN_JVM.acquire();
    boolean handedOver = false;
    try {
      FileChannel channel =
          FileChannel.open(Path.of(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.lock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      // From here on the lease releases the semaphore.
      Lease lease = new Lease(channel, lock);
      handedOver = true;
      try {
        ensureRunning();
      } catch (RuntimeException | Error e) {
        lease.close();
        throw e;
      }
      return lease;
    } finally {
      if (!handedOver) {
        IN_JVM.release();
      }
    }
  }

  /** Starts pcscd unless one runs, and waits until {@link #READER} is listed. */
  public static synchronized void ensureRunning() {
    requireTools();
    Optional<ProcessHandle> running = running();
    if (foundRunning == null) {
      foundRunning = running.isPresent();
      if (!foundRunning) {
        Runtime.getRuntime().addShutdownHook(new Thread(Pcscd::stopOurs, "stop pcscd"));
      }
    }
    if (running.isEmpty()) {
      start();
    }
    awaitReader(START_TIMEOUT);
  }

  /**
   * Stops pcscd (SIGTERM, by its process id) and starts a new one, as a user restarting the service
   * does; returns once the new one lists {@link #READER}.
   */
  public static synchronized void restart() {
    ensureRunning();
    running().ifPresent(Pcscd::stop);
    start();
    awaitReader(START_TIMEOUT);
  }

  /** The readers pcscd lists now, each with whether a card is present. */
  public static Map<String, Boolean> readers() {
    String out = opensc(List.of("-l"));
    // opensc-tool -l prints: "Nr.  Card  Features  Name", then e.g. "0    Yes             NAME".
    Map<String, Boolean> readers = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      Matcher m = Pattern.compile("^\\s*\\d+\\s+(Yes|No)\\s+(.*?)\\s*$").matcher(line);
      if (m.matches()) {
        String rest = m.group(2);
        // The Features column (e.g. "PIN pad") may precede the name; vpcd readers have none.
        int at = rest.indexOf("Virtual PCD");
        readers.put(at >= 0 ? rest.substring(at) : rest, m.group(1).equals("Yes"));
      }
    }
    return readers;
  }

  /** Waits until pcscd reports a card in {@code reader}. */
  public static void awaitCard(String reader, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Boolean.TRUE.equals(readers().get(reader))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no card in '" + reader + "' after " + timeout + "; pcscd lists " + readers());
      }
      Thread.sleep(200);
    }
  }

  /**
   * Waits until {@code reader} is empty: the card of an earlier test (or another key on the same
   * vpcd port) has gone, so the next card seen is the next test's.
   */
  public static void awaitNoCard(String reader, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Boolean.FALSE.equals(readers().get(reader))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "'"
                + reader
                + "' still holds a card after "
                + timeout
                + " (another key on "
                + VPCD_ADDRESS
                + "?); pcscd lists "
                + readers());
      }
      Thread.sleep(200);
    }
  }

  /**
   * The ATR of the card in {@code reader} as {@code opensc-tool -r READER -a} prints it, in hex.
   */
  public static String atr(String reader) {
    String out = opensc(List.of("-r", reader, "-a")).trim();
    return out.replace(":", "").replace(" ", "").toUpperCase();
  }

  private static String opensc(List<String> arguments) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(HostTools.requireCommand("opensc-tool", "opensc").toString()));
    command.addAll(arguments);
    try {
      Path stderr = Files.createTempFile("vck-opensc-", ".err");
      try {
        return HostTools.run(command, stderr, TOOL_TIMEOUT);
      } finally {
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void requireTools() {
    HostTools.requireCommand("pcscd", "pcscd");
    HostTools.requireCommand("opensc-tool", "opensc");
    HostTools.requireFile(VPCD_DRIVER, "vpcd driver (Debian package vsmartcard-vpcd)");
    HostTools.requireFile(
        VPCD_CONFIG, "vpcd reader configuration (Debian package vsmartcard-vpcd)");
  }

  /** The running pcscd: the one its pid file names, else any process whose command is pcscd. */
  private static Optional<ProcessHandle> running() {
    try {
      if (Files.exists(PID_FILE)) {
        long pid = Long.parseLong(Files.readString(PID_FILE).trim());
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isPresent() && isPcscd(handle.get())) {
          return handle;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Unreadable or half-written pid file: fall back to the process table.
    }
    return ProcessHandle.allProcesses().filter(Pcscd::isPcscd).findFirst();
  }

  private static boolean isPcscd(ProcessHandle process) {
    return process.info().command().map(c -> c.endsWith("/pcscd")).orElse(false);
  }

  private static void start() {
    Path pcscd = HostTools.requireCommand("pcscd", "pcscd");
    Path logDir = Path.of("target", "pcsc").toAbsolutePath();
    try {
      Files.createDirectories(logDir);
      Path log =
          logDir.resolve(
              String.format(
                  "pcscd-%d-%d.log", ProcessHandle.current().pid(), STARTS.incrementAndGet()));
      Process process =
          new ProcessBuilder(pcscd.toString(), "--foreground")
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      // pcscd exits at once when it cannot start (not root, another instance): say why.
      if (process.waitFor(300, TimeUnit.MILLISECONDS)) {
        throw HostTools.missing(
            "pcscd exited with status "
                + process.exitValue()
                + " at start (root needed?); see "
                + log
                + ":\n"
                + Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start pcscd", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting pcscd", e);
    }
  }

  private static void awaitReader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (readers().containsKey(READER)) {
          return;
        }
      } catch (IllegalStateException e) {
        // opensc-tool fails while pcscd is still starting.
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pcscd does not list '" + READER + "' after " + timeout);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for pcscd", e);
      }
    }
  }

  private static void stop(ProcessHandle process) {
    process.destroy();
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      process.onExit().join();
    }
  }

  private static synchronized void stopOurs() {
    // Leave the machine as found: a pcscd we started (or restarted) goes; none ran before us.
    running().ifPresent(Pcscd::stop);
  }
}
