package io.vcanokey.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where guest tests keep their files: {@code target/guest/} (system property {@code
 * vcanokey.guest.dir}) for the initramfs and one directory per guest run or key process, and the
 * shaded jar under test (system property {@code vcanokey.jar}, which failsafe sets).
 */
final class GuestPaths {

  private static final AtomicInteger RUNS = new AtomicInteger();

  private GuestPaths() {}

  static Path workDir() {
    return Path.of(System.getProperty("vcanokey.guest.dir", "target/guest")).toAbsolutePath();
  }

  /** The shaded jar of the key; a missing jar fails the test (the build should have made it). */
  static Path jar() {
    Path jar = Path.of(System.getProperty("vcanokey.jar", "target/vcanokey.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no key jar at " + jar + "; run `mvn verify` (package builds it before the guest tests)");
    }
    return jar;
  }

  /** A fresh, empty directory under target/guest/runs named after {@code label}. */
  static Path newRunDir(String label) {
    String safe = label.replaceAll("[^A-Za-z0-9_.-]", "_");
    Path dir =
        workDir()
            .resolve("runs")
            .resolve(
                String.format(
                    "%03d-%s-%d", RUNS.incrementAndGet(), safe, ProcessHandle.current().pid()));
    try {
      if (Files.exists(dir)) {
        deleteTree(dir);
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
