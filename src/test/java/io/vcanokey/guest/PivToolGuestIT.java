package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PIV applet (issue 5) inside a guest over the key's USB CCID interface (xHCI), through the
 * guest's pcscd and libccid: the yubico-piv-tool scenario of {@code piv/piv_tool.sh} with each slot
 * and each algorithm once, then the OpenSC scenario of {@code piv/piv_opensc.sh}.
 */
class PivToolGuestIT {

  @TempDir Path temp;

  @Test
  @DisplayName("yubico-piv-tool and OpenSC in the guest over USB CCID (xHCI)")
  void guest_pivTools_scenarios() throws Exception {
    HostTools.requireCommand("pcscd", "pcscd");
    HostTools.requireFile(
        Path.of("/usr/lib/pcsc/drivers/ifd-ccid.bundle"), "libccid driver (Debian libccid)");
    PivToolScenario.requireTools();

    try (KeyProcess key = KeyProcess.start("piv-xhci", temp.resolve("key.db"))) {
      GuestResult result =
          Guest.named("piv-xhci")
              .controller(UsbController.XHCI)
              .usbRedir(key.socket())
              .timeout(Duration.ofMinutes(8))
              .file(PivToolScenario.SCRIPT, GuestImage.resource("piv/" + PivToolScenario.SCRIPT))
              .file(
                  PivOpenscScenario.SCRIPT, GuestImage.resource("piv/" + PivOpenscScenario.SCRIPT))
              .script(
                  GuestChecks.enumerate(1)
                      + "pcscd_up 1\nsh ./"
                      + PivToolScenario.SCRIPT
                      + " out canokey "
                      + String.join(" ", PivToolScenario.SOME_KEYS)
                      + "\nsh ./"
                      + PivOpenscScenario.SCRIPT
                      + " out canokey\npcscd_down\n")
              .run()
              .requireCompleted();

      Path out = result.runDir().resolve("out");
      PivToolScenario.resultsIn(out).assertAll(key.serial(), PivToolScenario.SOME_KEYS);
      PivOpenscScenario.resultsIn(out).assertAll();
      assertThat(key.isAlive()).isTrue();
    }
  }
}
