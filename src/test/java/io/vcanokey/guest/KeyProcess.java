package io.vcanokey.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key under test as a separate process, started from the shaded jar as {@code java -jar
 * vcanokey.jar serve --file F --usbredir unix:PATH [options]} (DESIGN.md, "Command line"), or with
 * {@code --vpcd=HOST:PORT} instead of {@code --usbredir} for the PC/SC tests. It is ready once its
 * unix socket exists (vpcd only: once it printed its vpcd banner); {@link #close()} stops it
 * (SIGTERM, then SIGKILL after 10 s). The process's output goes to {@code key.log} in its own
 * directory under target/guest/runs. Public for the tests in io.vcanokey.pcsc.
 */
public final class KeyProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path socket;
  private final Path log;
  private final Duration startup;

  private KeyProcess(Process process, Path socket, Path log, Duration startup) {
    this.process = process;
    this.socket = socket;
    this.log = log;
    this.startup = startup;
  }

  /**
   * Starts a key on {@code stateFile} listening for usbredir on a fresh unix socket, with extra
   * {@code serve} options such as "--pcap", FILE or "--trace", "canokey_*", and waits until it
   * listens.
   */
  public static KeyProcess start(String label, Path stateFile, String... serveOptions) {
    Path dir = GuestPaths.newRunDir("key-" + label);
    Path socket = shortSocketPath(label);
    List<String> command = new ArrayList<>(javaCommand());
    command.add("serve");
    command.addAll(List.of("--file", stateFile.toString(), "--usbredir", "unix:" + socket));
    command.addAll(List.of(serveOptions));
    return launch(command, socket, dir, () -> Files.exists(socket));
  }

  /**
   * Starts a key on {@code stateFile} serving only pcscd's vpcd reader at {@code vpcd} (HOST:PORT),
   * with extra {@code serve} options, and waits until it printed its vpcd banner. The key may not
   * be in the reader yet: it connects in the background.
   */
  public static KeyProcess startVpcd(
      String label, Path stateFile, String vpcd, String... serveOptions) {
    Path dir = GuestPaths.newRunDir("key-" + label);
    Path log = dir.resolve("key.log");
    List<String> command = new ArrayList<>(javaCommand());
    command.add("serve");
    command.addAll(List.of("--file", stateFile.toString(), "--vpcd=" + vpcd));
    command.addAll(List.of(serveOptions));
    return launch(
        command,
        null,
        dir,
        () -> Files.exists(log) && Files.readString(log).contains("vpcd reader at " + vpcd));
  }

  /** A readiness check that may read files. */
  private interface Ready {
    boolean check() throws IOException;
  }

  /** {@code java -jar <vcanokey.jar>} with the JVM running this test. */
  static List<String> javaCommand() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return List.of(java.toString(), "-jar", GuestPaths.jar().toString());
  }

  private static KeyProcess launch(List<String> command, Path socket, Path dir, Ready ready) {
    Path log = dir.resolve("key.log");
    try {
      Files.writeString(dir.resolve("command.txt"), String.join("\n", command) + "\n");
      long start = System.nanoTime();
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      long deadline = start + READY_TIMEOUT.toNanos();
      while (!ready.check()) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "key exited with status "
                  + process.exitValue()
                  + " before it was ready"
                  + "\n--- key.log ---\n"
                  + GuestResult.tail(Files.readString(log), 40));
        }
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException("key not ready within " + READY_TIMEOUT + "; see " + log);
        }
        Thread.sleep(10);
      }
      return new KeyProcess(process, socket, log, Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the key: " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the key", e);
    }
  }

  /** A unix socket path short enough for sun_path (108 bytes) wherever the project lives. */
  static Path shortSocketPath(String label) {
    try {
      Path dir = Files.createTempDirectory("vck-");
      dir.toFile().deleteOnExit();
      String name = label.replaceAll("[^A-Za-z0-9]", "");
      return dir.resolve((name.length() > 20 ? name.substring(0, 20) : name) + ".sock");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The usbredir socket the key listens on (null for a vpcd-only key). */
  public Path socket() {
    return socket;
  }

  /** The key's log (stdout and stderr). */
  public Path log() {
    return log;
  }

  /** Time from process start until the socket existed. */
  Duration startup() {
    return startup;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The key's log so far. */
  public String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key's serial number (eight hex digits), from the banner {@code serve} prints. */
  public String serial() {
    Matcher m = Pattern.compile("key ([0-9A-F]{8}) ").matcher(logText());
    if (!m.find()) {
      throw new AssertionError("no serial number in the key's banner:\n" + logText());
    }
    return m.group(1);
  }

  /** The key's process id, e.g. to find its state-file lock holder in messages. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    if (socket == null) {
      return;
    }
    try {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(socket.getParent());
    } catch (IOException e) {
      // A leftover socket in /tmp does no harm; the next key uses a fresh directory.
    }
  }
}
