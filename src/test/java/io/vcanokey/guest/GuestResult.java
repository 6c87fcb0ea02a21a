package io.vcanokey.guest;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

/**
 * What one guest run left behind: its directory (script, {@code out/} files, {@code dmesg.txt}),
 * the serial console log, the script's exit status ({@code -1} when the script never finished), and
 * how QEMU ended.
 */
record GuestResult(
    Path runDir,
    String console,
    int scriptStatus,
    int qemuExitCode,
    boolean timedOut,
    Duration elapsed) {

  static GuestResult collect(Path runDir, int qemuExitCode, boolean timedOut, Duration elapsed)
      throws IOException {
    String console = readOrEmpty(runDir.resolve("console.log")).replace("\r", "");
    String status = readOrEmpty(runDir.resolve(".exit")).trim();
    int scriptStatus = status.matches("\\d+") ? Integer.parseInt(status) : -1;
    return new GuestResult(runDir, console, scriptStatus, qemuExitCode, timedOut, elapsed);
  }

  /** Fails unless the guest ran its script to the end and powered off by itself. */
  GuestResult requireCompleted() {
    if (timedOut || scriptStatus < 0) {
      throw new AssertionError(
          (timedOut ? "guest timed out after " + elapsed : "guest script did not finish")
              + "; see "
              + runDir
              + "\n--- console tail ---\n"
              + tail(console, 60));
    }
    return this;
  }

  /** The text of {@code out/NAME}, written by the guest. */
  String out(String name) {
    Path file = runDir.resolve("out").resolve(name);
    if (!Files.exists(file)) {
      throw new AssertionError(
          "guest wrote no out/"
              + name
              + " in "
              + runDir
              + "\n--- console tail ---\n"
              + tail(console, 40));
    }
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code out/NAME} parsed as key=value lines. */
  Properties properties(String name) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(out(name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  /** Lines the init script printed for the harness ("GUEST: ..."), for reports. */
  String guestLines() {
    StringBuilder lines = new StringBuilder();
    console
        .lines()
        .filter(l -> l.contains("GUEST:"))
        .forEach(l -> lines.append(l, l.indexOf("GUEST:"), l.length()).append('\n'));
    return lines.toString();
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    int from = Math.max(0, all.length - lines);
    return String.join("\n", Arrays.copyOfRange(all, from, all.length));
  }

  private static String readOrEmpty(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
