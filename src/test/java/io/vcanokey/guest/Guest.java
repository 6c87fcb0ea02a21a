package io.vcanokey.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One QEMU guest run (DESIGN.md, "A guest in ten seconds"): boots the shared kernel and initramfs
 * under TCG with one USB controller and any number of {@code usb-redir} devices, each a unix-socket
 * chardev that QEMU connects to as the client (the key listens), runs a shell script in the guest,
 * and returns what the guest wrote. The script runs as {@code /guest-test/run.sh} in a chroot of
 * the host's root; its working directory is the run directory on the host, which also holds the
 * helper programs under src/test/resources/guest/ and receives the guest's {@code out/} files.
 */
final class Guest {

  /** Helpers copied into every run directory, usable from the script as ./NAME. */
  static final List<String> HELPERS =
      List.of("lib.sh", "ctaphid_check.py", "fido2_info.py", OathYkmanScenario.SCRIPT);

  private final String label;
  private UsbController controller = UsbController.XHCI;
  private final List<Path> redirSockets = new ArrayList<>();
  private String script = "true\n";
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private Duration timeout = Duration.ofSeconds(180);
  private List<String> launcher = List.of();
  private final List<String> extraQemuArgs = new ArrayList<>();

  private Guest(String label) {
    this.label = label;
  }

  /** A guest run named {@code label} (used for its directory under target/guest/runs). */
  static Guest named(String label) {
    return new Guest(label);
  }

  Guest controller(UsbController controller) {
    this.controller = controller;
    return this;
  }

  /** Adds a usb-redir device on the controller's bus, connected to a key listening at socket. */
  Guest usbRedir(Path socket) {
    redirSockets.add(socket);
    return this;
  }

  /** The shell script the guest runs (by /bin/sh, in the run directory). */
  Guest script(String script) {
    this.script = script;
    return this;
  }

  /** Adds a file to the run directory. */
  Guest file(String name, byte[] content) {
    files.put(name, content.clone());
    return this;
  }

  /** How long QEMU may run before it is killed; the default is 180 s. */
  Guest timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /**
   * Runs QEMU through a launcher: the command becomes {@code launcher + qemu-system-x86_64 +
   * arguments}, e.g. {@code ./canokey qemu --file F --}.
   */
  Guest launcher(List<String> launcher) {
    this.launcher = List.copyOf(launcher);
    return this;
  }

  /** Appends raw QEMU arguments. */
  Guest qemuArgs(String... args) {
    extraQemuArgs.addAll(List.of(args));
    return this;
  }

  /** The full QEMU command line for a run directory (without the launcher). */
  List<String> qemuCommand(Path runDir) {
    GuestImage image = GuestImage.get();
    List<String> cmd = new ArrayList<>();
    cmd.add(HostTools.requireCommand("qemu-system-x86_64", "qemu-system-x86").toString());
    cmd.addAll(List.of("-accel", "tcg", "-m", "512", "-nographic", "-no-reboot", "-net", "none"));
    cmd.addAll(List.of("-kernel", image.kernel().toString()));
    cmd.addAll(List.of("-initrd", image.initramfs().toString()));
    cmd.addAll(List.of("-append", "console=ttyS0 panic=-1 quiet"));
    cmd.addAll(
        List.of(
            "-virtfs",
            "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"));
    cmd.addAll(
        List.of("-virtfs", "local,path=" + runDir + ",mount_tag=guesttest,security_model=none"));
    cmd.addAll(List.of("-device", controller.deviceOption()));
    for (int i = 0; i < redirSockets.size(); i++) {
      cmd.addAll(List.of("-chardev", "socket,id=ck" + i + ",path=" + redirSockets.get(i)));
      cmd.addAll(
          List.of(
              "-device",
              "usb-redir,chardev=ck" + i + ",id=redir" + i + ",bus=" + controller.bus()));
    }
    cmd.addAll(extraQemuArgs);
    return cmd;
  }

  /** Boots the guest, waits for it to power off (or kills it on timeout) and collects results. */
  GuestResult run() {
    Path runDir = GuestPaths.newRunDir(label);
    try {
      for (String helper : HELPERS) {
        Files.write(runDir.resolve(helper), GuestImage.resource("guest/" + helper));
      }
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Files.write(runDir.resolve(file.getKey()), file.getValue());
      }
      Files.writeString(runDir.resolve("run.sh"), script);
      Files.createDirectories(runDir.resolve("out"));

      List<String> command = new ArrayList<>(launcher);
      command.addAll(qemuCommand(runDir));
      Files.writeString(runDir.resolve("command.txt"), String.join("\n", command) + "\n");
      Path console = runDir.resolve("console.log");
      long start = System.nanoTime();
      Process qemu =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(console.toFile())
              .start();
      boolean exited = qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        qemu.descendants().forEach(ProcessHandle::destroyForcibly);
        qemu.destroyForcibly();
        qemu.waitFor(10, TimeUnit.SECONDS);
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      return GuestResult.collect(runDir, exited ? qemu.exitValue() : -1, !exited, elapsed);
    } catch (IOException e) {
      throw new UncheckedIOException("guest run in " + runDir + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the guest ran in " + runDir, e);
    }
  }
}
