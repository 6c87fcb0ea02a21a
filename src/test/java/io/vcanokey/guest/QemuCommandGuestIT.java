package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./canokey qemu [key options] -- qemu-system-x86_64 ARGS} (DESIGN.md, "Command line"): the
 * launcher starts a key, appends {@code -chardev socket,...} and {@code -device
 * usb-redir,chardev=...} without a bus to the user's QEMU arguments, and runs QEMU. The user's
 * arguments name one USB controller; QEMU 7.2 then puts a bus-less USB device on a free port of the
 * first USB bus it finds (checked here with a probe on uhci, ehci and xhci alike).
 */
class QemuCommandGuestIT {

  @TempDir Path temp;

  @Test
  @DisplayName("./canokey qemu: the launched guest enumerates the key and speaks CTAPHID")
  void canokeyQemu_userArgsWithOneController_guestSeesKey() {
    HostTools.requireCommand("lsusb", "usbutils");
    Path canokey = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("canokey");
    if (!Files.isExecutable(canokey)) {
      throw new IllegalStateException("no executable launcher at " + canokey);
    }
    GuestPaths.jar(); // the launcher runs the jar that the build has just made

    GuestResult result =
        Guest.named("qemu-command")
            .controller(UsbController.XHCI)
            .launcher(
                List.of(
                    canokey.toString(), "qemu", "--file", temp.resolve("key.db").toString(), "--"))
            .script(GuestChecks.enumerate(1) + GuestChecks.ctaphid(1, "1024"))
            .run()
            .requireCompleted();

    assertThat(result.qemuExitCode())
        .as("launcher exit status after the guest powered off")
        .isZero();
    GuestChecks.assertEnumerated(result, 1);
    GuestChecks.assertCtaphid(result, 1, 1024);
  }
}
