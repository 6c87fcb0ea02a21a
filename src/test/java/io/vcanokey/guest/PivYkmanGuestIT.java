package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ykman 4.0.9's PIV commands inside a guest, over the key's USB CCID interface on xHCI and the
 * guest's own pcscd with libccid: the scenario of {@code piv_ykman.sh}, checked on the host by
 * {@link PivYkmanScenario} with openssl and the JDK.
 */
class PivYkmanGuestIT {

  @TempDir Path temp;

  @Test
  @DisplayName("ykman piv in the guest over USB CCID (xHCI): full scenario")
  void guest_ykmanPiv_fullScenario() throws Exception {
    HostTools.requireCommand("pcscd", "pcscd");
    HostTools.requireCommand("ykman", "yubikey-manager");
    HostTools.requireCommand("openssl", "openssl");
    HostTools.requireFile(
        Path.of("/usr/lib/pcsc/drivers/ifd-ccid.bundle"), "libccid driver (Debian libccid)");

    try (KeyProcess key = KeyProcess.start("piv-ykman-xhci", temp.resolve("key.db"))) {
      GuestResult result =
          Guest.named("piv-ykman-xhci")
              .controller(UsbController.XHCI)
              .usbRedir(key.socket())
              .timeout(Duration.ofMinutes(20))
              .file(
                  PivYkmanScenario.SCRIPT, GuestImage.resource("guest/" + PivYkmanScenario.SCRIPT))
              .file(
                  PivYkmanScenario.METADATA_SCRIPT,
                  GuestImage.resource("guest/" + PivYkmanScenario.METADATA_SCRIPT))
              .script(
                  GuestChecks.enumerate(1)
                      + "pcscd_up 1\nsh ./"
                      + PivYkmanScenario.SCRIPT
                      + " out canokey\npcscd_down\n")
              .run()
              .requireCompleted();

      PivYkmanScenario.resultsIn(result.runDir().resolve("out")).assertAll(key.serial());
      assertThat(key.isAlive()).as("key survives the guest").isTrue();
    }
  }
}
