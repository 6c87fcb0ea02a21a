package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One key process outlives its QEMU: after the first guest powers off (closing the usbredir
 * connection), a second QEMU connects to the same listening key and its guest enumerates the same
 * key again (usbredir protocol 0.7: one device per connection, so the key must accept a new one).
 */
class QemuRestartGuestIT {

  @TempDir Path temp;

  @Test
  @DisplayName("usbredir: a key accepts a new QEMU connection after the previous one closed")
  void secondQemu_sameKeyProcess_enumeratesAgain() {
    HostTools.requireCommand("lsusb", "usbutils");

    try (KeyProcess key = KeyProcess.start("restart", temp.resolve("key.db"))) {
      String script = GuestChecks.enumerate(1) + GuestChecks.ctaphid(1, "64");
      GuestResult first =
          Guest.named("restart-1")
              .controller(UsbController.XHCI)
              .usbRedir(key.socket())
              .script(script)
              .run()
              .requireCompleted();
      GuestChecks.assertEnumerated(first, 1);
      GuestChecks.assertCtaphid(first, 1, 64);
      assertThat(key.isAlive()).as("key still runs after QEMU exited").isTrue();

      GuestResult second =
          Guest.named("restart-2")
              .controller(UsbController.XHCI)
              .usbRedir(key.socket())
              .script(script)
              .run()
              .requireCompleted();
      GuestChecks.assertEnumerated(second, 1);
      GuestChecks.assertCtaphid(second, 1, 64);
      assertThat(second.properties("usb-devices.txt").getProperty("0.serial"))
          .as("the same key (same state file) reconnects")
          .isEqualTo(first.properties("usb-devices.txt").getProperty("0.serial"));
    }
  }
}
