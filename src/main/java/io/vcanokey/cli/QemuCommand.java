package io.vcanokey.cli;

import io.vcanokey.transport.usbredir.UsbRedirAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canokey qemu [key options] -- qemu-system-x86_64 ARGS...}: starts a key on a private unix
 * socket, runs QEMU with the chardev and usb-redir options added, and cleans up when QEMU exits.
 */
@Command(
    name = "qemu",
    mixinStandardHelpOptions = true,
    description = {
      "Run QEMU with a key attached.",
      "The key listens on a private unix socket; the -chardev and -device usb-redir options",
      "that attach it are appended to the QEMU command line. Exits with QEMU's exit status."
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
    Path dir = Files.createTempDirectory("canokey-qemu-");
    Path socket = dir.resolve("usbredir.sock");
    try (RunningKey running = RunningKey.start(key, UsbRedirAddress.unix(socket))) {
      List<String> command = new ArrayList<>(qemu);
      command.add("-chardev");
      command.add("socket,id=canokey0,path=" + socket);
      command.add("-device");
      command.add("usb-redir,chardev=canokey0,id=canokey0" + (bus == null ? "" : ",bus=" + bus));

      Process process = new ProcessBuilder(command).inheritIO().start();
      Thread forward = new Thread(process::destroy);
      Runtime.getRuntime().addShutdownHook(forward);
      try {
        return process.waitFor();
      } finally {
        process.destroy();
        try {
          Runtime.getRuntime().removeShutdownHook(forward);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
    } finally {
      deleteTree(dir);
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
