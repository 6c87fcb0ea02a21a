package io.vcanokey.cli;

import io.vcanokey.platform.TouchPolicy;
import io.vcanokey.transport.usbredir.UsbRedirAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canokey qemu [key options] -- qemu-system-x86_64 ARGS...}: starts a key on a private unix
 * socket, runs QEMU with the chardev and usb-redir options added, and cleans up when QEMU exits or
 * when canokey itself is stopped (SIGINT, SIGTERM).
 */
@Command(
    name = "qemu",
    mixinStandardHelpOptions = true,
    description = {
      "Run QEMU with a key attached.",
      "%nThe key listens on a private unix socket; the -chardev and -device usb-redir options"
          + " that attach it are appended to the QEMU command line. Exits with QEMU's exit"
          + " status."
    })
final class QemuCommand implements Callable<Integer> {

  @Mixin KeyOptions key = new KeyOptions();

  @Option(
      names = "--bus",
      paramLabel = "BUS",
      description =
          "USB bus for the key, e.g. xhci.0 (default: QEMU picks a free port on any USB bus).")
  String bus;

  @Parameters(
      paramLabel = "QEMU-COMMAND",
      arity = "1..*",
      description = "The QEMU command and its arguments, after '--'.")
  List<String> qemu = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (key.touch == TouchPolicy.PROMPT) {
      // QEMU inherits the terminal (its monitor and serial console read it), so a touch prompt
      // would fight QEMU for every line typed.
      throw new IllegalArgumentException(
          "--touch prompt needs the terminal, which QEMU owns under 'canokey qemu'; run"
              + " 'canokey serve --touch prompt' in a terminal of its own instead");
    }
    Path dir = Files.createTempDirectory("canokey-qemu-");
    Path socket = dir.resolve("usbredir.sock");
    RunningKey running;
    try {
      running = RunningKey.start(key, UsbRedirAddress.unix(socket));
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }

    AtomicBoolean cleaned = new AtomicBoolean();
    CountDownLatch cleanedUp = new CountDownLatch(1);
    Process process = null;
    Thread onSignal = null;
    try {
      List<String> command = new ArrayList<>(qemu);
      command.add("-chardev");
      command.add("socket,id=canokey0,path=" + socket);
      command.add("-device");
      command.add("usb-redir,chardev=canokey0,id=canokey0" + (bus == null ? "" : ",bus=" + bus));
      if (running.vpcdAddress() != null) {
        System.err.printf(
            "canokey: key %s also %s%n", running.key().serialNumber(), running.describeVpcd());
      }
      process = new ProcessBuilder(command).inheritIO().start();

      // On SIGINT or SIGTERM the JVM runs only its shutdown hooks, so they must stop QEMU and
      // clean up as well.
      Process qemuProcess = process;
      onSignal =
          new Thread(
              () -> {
                qemuProcess.destroy();
                try {
                  qemuProcess.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                cleanUp(cleaned, cleanedUp, running, dir);
              });
      Runtime.getRuntime().addShutdownHook(onSignal);

      return process.waitFor();
    } finally {
      if (process != null) {
        process.destroy();
      }
      if (onSignal != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException e) {
          // The JVM is shutting down; the hook does the cleaning.
        }
      }
      cleanUp(cleaned, cleanedUp, running, dir);
    }
  }

  /**
   * Closes the key and removes the socket directory, once, whichever of the main thread and the
   * signal hook gets there first; the other waits for it, since the JVM halts as soon as the hook
   * returns.
   */
  private static void cleanUp(
      AtomicBoolean cleaned, CountDownLatch cleanedUp, RunningKey running, Path dir) {
    if (!cleaned.compareAndSet(false, true)) {
      try {
        cleanedUp.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      closeAndDelete(running, dir);
    } finally {
      cleanedUp.countDown();
    }
  }

  private static void closeAndDelete(RunningKey running, Path dir) {
    try {
      running.close();
    } catch (IOException e) {
      System.err.println("canokey: while stopping the key: " + e.getMessage());
    }
    try {
      deleteTree(dir);
    } catch (IOException e) {
      System.err.println("canokey: cannot remove " + dir + ": " + e.getMessage());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
