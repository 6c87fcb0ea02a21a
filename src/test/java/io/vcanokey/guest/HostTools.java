package io.vcanokey.guest;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * Finds the host tools a guest test needs. A missing tool aborts (skips) the test on a developer
 * machine and fails it in CI ({@code CI=true}), as DESIGN.md "Testing with real clients" requires.
 * The guest runs the host's own root file system, so a tool found here is also the guest's tool.
 * Public for the host integration tests in io.vcanokey.pcsc.
 */
public final class HostTools {

  private HostTools() {}

  /** True when the environment variable CI is "true". */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** The executable named {@code command}, searched on PATH unless absolute. */
  public static Path requireCommand(String command, String debianPackage) {
    if (command.startsWith("/")) {
      return requireFile(Path.of(command), command + " (Debian package " + debianPackage + ")");
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw missing(command + " not found on PATH (Debian package " + debianPackage + ")");
  }

  /** {@code file} itself, if it exists. */
  public static Path requireFile(Path file, String what) {
    if (!Files.exists(file)) {
      throw missing(what + " not found at " + file);
    }
    return file;
  }

  /** The exception for a missing tool: a failure in CI, a skipped test elsewhere. */
  public static RuntimeException missing(String message) {
    return isCi()
        ? new IllegalStateException("required tool missing in CI: " + message)
        : new TestAbortedException("skipped, tool missing: " + message);
  }

  /**
   * Runs a host command to completion and returns its standard output; standard error goes to
   * {@code stderrFile}. Fails if the command times out or exits with a non-zero status.
   */
  public static String run(List<String> command, Path stderrFile, Duration timeout) {
    try {
      Path stdout = Files.createTempFile("vck-out-", ".txt");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(stderrFile.toFile())
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("timed out after " + timeout + ": " + command);
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              "exit status "
                  + process.exitValue()
                  + " from "
                  + command
                  + "\n"
                  + Files.readString(stderrFile));
        }
        return Files.readString(stdout);
      } finally {
        Files.deleteIfExists(stdout);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }
}
