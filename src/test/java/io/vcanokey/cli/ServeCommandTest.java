package io.vcanokey.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code canokey serve} as real child processes, the way a user starts keys. */
class ServeCommandTest {

  @TempDir Path dir;

  @Test
  @DisplayName("a second serve on the same state file exits non-zero naming the file and holder")
  void serve_fileInUse_secondProcessFails() throws Exception {
    Path file = dir.resolve("key.db");
    Process first = serve(file);
    try {
      String banner = awaitLine(first, "listening for usbredir");
      assertThat(banner).matches("canokey: key [0-9A-F]{8} \\(state .*key.db\\) listening .*");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");

      Process second = serve(file);
      assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String errors = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(second.exitValue()).isNotZero();
      assertThat(errors)
          .contains("state file " + file.toAbsolutePath())
          .contains("in use by process " + first.pid());
    } finally {
      first.destroy();
      first.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void serve_badUsbredirAddress_exitsWithMessage() throws Exception {
    Process process =
        start(List.of("serve", "--file", dir.resolve("k").toString(), "--usbredir", "udp:1:2"));

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isNotZero();
    assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("udp:1:2");
  }

  @Test
  @DisplayName("--pcap naming the state file is refused before anything is written")
  void serve_pcapIsStateFile_refused() throws Exception {
    Path file = dir.resolve("key.db");
    Process process =
        start(
            List.of(
                "serve",
                "--file",
                file.toString(),
                "--pcap",
                file.toString(),
                "--usbredir",
                "tcp:127.0.0.1:0"));

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isNotZero();
    assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("would overwrite the key's state file");
    assertThat(file).doesNotExist();
  }

  @Test
  void shellQuote_quotesOnlyWhenNeeded() {
    assertThat(ServeCommand.shellQuote("socket,id=k,path=/tmp/a,,b/s,reconnect=1"))
        .isEqualTo("socket,id=k,path=/tmp/a,,b/s,reconnect=1");
    assertThat(ServeCommand.shellQuote("path=/tmp/a b/it's")).isEqualTo("'path=/tmp/a b/it'\\''s'");
  }

  @Test
  void describe_fileErrorsNameFileAndReason() {
    assertThat(Main.describe(new java.nio.file.NoSuchFileException("/x/key.db.lock")))
        .isEqualTo("/x/key.db.lock: no such file or directory");
    assertThat(Main.describe(new java.nio.file.AccessDeniedException("/ro/key.db")))
        .isEqualTo("/ro/key.db: permission denied");
    assertThat(Main.describe(new IllegalStateException())).contains("IllegalStateException");
  }

  private Process serve(Path file) throws IOException {
    return start(List.of("serve", "--file", file.toString(), "--usbredir", "tcp:127.0.0.1:0"));
  }

  private static Process start(List<String> args) throws IOException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).start();
  }

  private static String awaitLine(Process process, String fragment) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.contains(fragment)) {
        return line;
      }
    }
    throw new AssertionError("process ended without printing '" + fragment + "'");
  }
}
