package io.vcanokey.transport.ctaphidudp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vcanokey.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key run as a user runs it, {@code serve --ctaphid-udp=0} in a JVM of its own, for the ITs that
 * drive it with python-fido2 scripts from {@code src/test/resources/host/}. The scripts import
 * {@code UdpCtapHidConnection} from {@code u2f_udp.py}, which is copied next to each of them.
 */
final class UdpKeyProcess implements AutoCloseable {

  /** Debian's python3, which has python3-fido2 (the pyenv one on PATH does not). */
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final Pattern BANNER =
      Pattern.compile("serving CTAPHID over UDP on 127\\.0\\.0\\.1:([0-9]+)$");

  private final Path dir;
  private final Process key;
  private final BufferedReader output;
  private final int port;

  private UdpKeyProcess(Path dir, Process key) throws IOException {
    this.dir = dir;
    this.key = key;
    this.output =
        new BufferedReader(new InputStreamReader(key.getInputStream(), StandardCharsets.UTF_8));
    this.port = awaitPort();
  }

  /**
   * Starts a key on a new state file in {@code dir}, with {@code --touch touch} and any further
   * options; its log goes to {@code dir/key.log}. Outside CI, skips the test when Debian's
   * python3-fido2 is missing.
   */
  static UdpKeyProcess start(Path dir, String touch, String... options) throws Exception {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 missing");
      assumeTrue(
          new ProcessBuilder(PYTHON.toString(), "-c", "import fido2").start().waitFor() == 0,
          "python3-fido2 missing");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--file",
                dir.resolve("key").toString(),
                "--touch",
                touch,
                "--ctaphid-udp=0"));
    command.addAll(List.of(options));
    Process key =
        new ProcessBuilder(command).redirectError(dir.resolve("key.log").toFile()).start();
    try {
      return new UdpKeyProcess(dir, key);
    } catch (IOException | RuntimeException | Error e) {
      key.destroy();
      throw e;
    }
  }

  int port() {
    return port;
  }

  /** The key's standard input: its terminal, where {@code --touch prompt} reads answers. */
  OutputStream terminal() {
    return key.getOutputStream();
  }

  /** The key's standard output after its banner (touch prompts among it). */
  BufferedReader output() {
    return output;
  }

  /** Copies {@code script} and {@code u2f_udp.py} into the run's directory; returns its path. */
  Path script(String script) throws IOException {
    for (String file : List.of("u2f_udp.py", script)) {
      try (InputStream in = UdpKeyProcess.class.getResourceAsStream("/host/" + file)) {
        Files.write(dir.resolve(file), in.readAllBytes());
      }
    }
    return dir.resolve(script);
  }

  /** The command line that runs {@code script} against this key, then {@code args}. */
  List<String> command(String script, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(PYTHON.toString(), script(script).toString(), "" + port));
    command.addAll(List.of(args));
    return command;
  }

  /** Runs {@code script} against this key; it must exit 0 within a minute. Returns its output. */
  String run(String script, String... args) throws Exception {
    Process client = new ProcessBuilder(command(script, args)).redirectErrorStream(true).start();
    String text = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(client.waitFor(60, TimeUnit.SECONDS)).as(text).isTrue();
    System.out.print(text);
    assertThat(client.exitValue()).as(text).isZero();
    return text;
  }

  private int awaitPort() throws IOException {
    List<String> seen = new ArrayList<>();
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      seen.add(line);
      Matcher m = BANNER.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("key ended without its UDP banner: " + seen);
  }

  @Override
  public void close() throws InterruptedException {
    key.destroy();
    key.waitFor(10, TimeUnit.SECONDS);
  }
}
