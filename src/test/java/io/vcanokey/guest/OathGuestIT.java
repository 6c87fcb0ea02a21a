package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ykman's OATH commands inside a guest, over the key's USB CCID interface and the guest's own pcscd
 * with libccid: add, list, code, delete, password set, unlock and remove, reset, each code checked
 * against oathtool on the host.
 */
class OathGuestIT {

  @TempDir Path temp;

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = UsbController.class,
      names = {"UHCI", "XHCI"})
  @DisplayName("ykman oath in the guest over USB CCID; codes equal oathtool's")
  void guest_ykmanOath_fullScenario(UsbController controller) {
    HostTools.requireCommand("pcscd", "pcscd");
    HostTools.requireCommand("ykman", "yubikey-manager");
    HostTools.requireCommand("oathtool", "oathtool");
    HostTools.requireFile(
        Path.of("/usr/lib/pcsc/drivers/ifd-ccid.bundle"), "libccid driver (Debian libccid)");

    try (KeyProcess key = KeyProcess.start("oath-" + controller, temp.resolve("key.db"))) {
      GuestResult result =
          Guest.named("oath-" + controller)
              .controller(controller)
              .usbRedir(key.socket())
              .timeout(Duration.ofMinutes(6))
              .script(
                  GuestChecks.enumerate(1)
                      + "pcscd_up 1\n"
                      + "sh ./"
                      + OathYkmanScenario.SCRIPT
                      + " out canokey\n"
                      + "pcscd_down\n")
              .run()
              .requireCompleted();

      OathYkmanScenario.resultsIn(result.runDir().resolve("out")).assertAll();
      assertThat(key.isAlive()).as("key survives the guest").isTrue();
    }
  }
}
