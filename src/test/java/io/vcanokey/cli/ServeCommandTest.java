package io.vcanokey.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
  @DisplayName("serve --vpcd alone connects to the vpcd reader and does not listen for usbredir")
  void serve_vpcdOnly_connectsAndNoUsbredir() throws Exception {
    try (ServerSocket reader = loopbackListener()) {
      Process process =
          start(
              List.of(
                  "serve",
                  "--file",
                  dir.resolve("key.db").toString(),
                  "--vpcd=127.0.0.1:" + reader.getLocalPort()));
      try {
        // serve prints its usbredir banner before the vpcd one, so it would be among these.
        List<String> lines = linesUntil(process, "vpcd");
        assertThat(lines).noneMatch(line -> line.contains("usbredir"));
        assertThat(lines.get(lines.size() - 1))
            .matches(
                "canokey: key [0-9A-F]{8} \\(state .*key.db\\) connecting to pcscd's vpcd reader"
                    + " at 127.0.0.1:"
                    + reader.getLocalPort()
                    + "; .*");
        assertThat(atrThrough(reader)).isEqualTo("3BF71100008131FE6543616E6F6B657999");
      } finally {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @DisplayName("serve --usbredir and --vpcd together serve both, on the same key")
  void serve_usbredirAndVpcd_both() throws Exception {
    try (ServerSocket reader = loopbackListener()) {
      Process process =
          start(
              List.of(
                  "serve",
                  "--file",
                  dir.resolve("key.db").toString(),
                  "--usbredir",
                  "tcp:127.0.0.1:0",
                  "--vpcd",
                  "127.0.0.1:" + reader.getLocalPort()));
      try {
        String usbredir = awaitLine(process, "listening for usbredir");
        String vpcd = awaitLine(process, "vpcd reader");
        String serial = usbredir.substring("canokey: key ".length(), "canokey: key ".length() + 8);
        assertThat(vpcd).startsWith("canokey: key " + serial + " ");
        assertThat(atrThrough(reader)).isEqualTo("3BF71100008131FE6543616E6F6B657999");
      } finally {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void serve_badVpcdAddress_exitsWithMessage() throws Exception {
    Process process =
        start(List.of("serve", "--file", dir.resolve("k").toString(), "--vpcd=nohost"));

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isNotZero();
    assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("'nohost'")
        .contains("HOST:PORT");
  }

  @Test
  void qemu_touchPrompt_refusedBecauseQemuOwnsTheTerminal() throws Exception {
    Process process =
        start(
            List.of(
                "qemu", "--file", dir.resolve("k").toString(), "--touch", "prompt", "--", "true"));

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isNotZero();
    assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("--touch prompt")
        .contains("canokey serve --touch prompt");
  }

  @Test
  void serve_touchUnknownPolicy_exitsWithChoices() throws Exception {
    Process process =
        start(List.of("serve", "--file", dir.resolve("k").toString(), "--touch", "sometimes"));

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isNotZero();
    assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("sometimes")
        .containsIgnoringCase("auto");
  }

  private static ServerSocket loopbackListener() throws IOException {
    return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  /**
   * Plays the vpcd reader for one exchange (vsmartcard api.txt: frame 00 01 04 asks for the ATR)
   * and returns the card's answer in hex.
   */
  private static String atrThrough(ServerSocket reader) throws IOException {
    reader.setSoTimeout(30_000);
    try (Socket card = reader.accept()) {
      card.setSoTimeout(10_000);
      card.getOutputStream().write(new byte[] {0x00, 0x01, 0x04});
      DataInputStream in = new DataInputStream(card.getInputStream());
      byte[] atr = new byte[in.readUnsignedShort()];
      in.readFully(atr);
      return io.vcanokey.core.bytes.Hex.encode(atr);
    }
  }

  @Test
  @DisplayName("serve --ctaphid-udp=0 alone serves FIDO over UDP on loopback, no usbredir")
  void serve_ctapHidUdpOnly_answersU2fVersion() throws Exception {
    Process process =
        start(List.of("serve", "--file", dir.resolve("key.db").toString(), "--ctaphid-udp=0"));
    try {
      List<String> lines = linesUntil(process, "CTAPHID over UDP");
      assertThat(lines).noneMatch(line -> line.contains("usbredir"));
      String banner = lines.get(lines.size() - 1);
      assertThat(banner)
          .matches(
              "canokey: key [0-9A-F]{8} \\(state .*key.db\\) serving CTAPHID over UDP on"
                  + " 127.0.0.1:[0-9]+");
      int port = Integer.parseInt(banner.substring(banner.lastIndexOf(':') + 1));

      try (java.net.DatagramSocket client =
          new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        client.setSoTimeout(5000);
        java.net.InetSocketAddress key =
            new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        // CTAP 2.1 11.2.9.1.3: INIT on the broadcast CID with an 8-byte nonce.
        byte[] init = new byte[64];
        System.arraycopy(
            io.vcanokey.core.bytes.Hex.decode("FFFFFFFF 86 0008 0102030405060708"), 0, init, 0, 15);
        client.send(new java.net.DatagramPacket(init, 64, key));
        java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[64], 64);
        client.receive(reply);
        byte[] cid = java.util.Arrays.copyOfRange(reply.getData(), 15, 19);

        // CTAPHID_MSG carrying U2F VERSION, extended encoding (CTAP 2.1 11.2.9.1.1).
        byte[] msg = new byte[64];
        System.arraycopy(cid, 0, msg, 0, 4);
        System.arraycopy(
            io.vcanokey.core.bytes.Hex.decode("83 0007 00030000000000"), 0, msg, 4, 10);
        client.send(new java.net.DatagramPacket(msg, 64, key));
        client.receive(reply);

        assertThat(java.util.Arrays.copyOfRange(reply.getData(), 0, 4)).isEqualTo(cid);
        assertThat(
                io.vcanokey.core.bytes.Hex.encode(
                    java.util.Arrays.copyOfRange(reply.getData(), 4, 15)))
            .isEqualTo("8300085532465F56329000");
      }
    } finally {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void serve_help_documentsCtapHidUdp() throws Exception {
    Process process = start(List.of("serve", "--help"));

    String help = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(help).contains("--ctaphid-udp[=PORT]").contains("8111");
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
    List<String> lines = linesUntil(process, fragment);
    return lines.get(lines.size() - 1);
  }

  /** Readers of the processes' standard output, one each, so no read-ahead line is lost. */
  private static final java.util.Map<Process, BufferedReader> OUTPUTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The lines {@code process} prints up to and including the first containing {@code fragment}. */
  private static List<String> linesUntil(Process process, String fragment) throws IOException {
    BufferedReader out =
        OUTPUTS.computeIfAbsent(
            process,
            p ->
                new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
    List<String> lines = new java.util.ArrayList<>();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      lines.add(line);
      if (line.contains(fragment)) {
        return lines;
      }
    }
    throw new AssertionError("process ended without printing '" + fragment + "'");
  }
}
