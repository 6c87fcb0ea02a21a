package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * End to end over usb-redir (DESIGN.md, "How a guest reaches the key"): one guest per USB
 * controller, where the guest kernel enumerates the key, hidraw carries CTAPHID, and the guest's
 * pcscd with libccid reads the card's ATR.
 */
class UsbRedirGuestIT {

  @TempDir Path temp;

  @ParameterizedTest(name = "{0}")
  @EnumSource(UsbController.class)
  @DisplayName("guest lsusb, CTAPHID INIT + PING over hidraw, python-fido2 getInfo, opensc ATR")
  void guest_keyOnController_enumeratesAndTalksHidAndCcid(UsbController controller) {
    HostTools.requireCommand("lsusb", "usbutils");
    HostTools.requireCommand("pcscd", "pcscd");
    HostTools.requireCommand("opensc-tool", "opensc");
    HostTools.requireFile(Path.of("/usr/bin/python3"), "/usr/bin/python3 (Debian python3)");
    HostTools.requireFile(
        Path.of("/usr/lib/pcsc/drivers/ifd-ccid.bundle"), "libccid driver (Debian libccid)");

    try (KeyProcess key = KeyProcess.start(controller.name(), temp.resolve("key.db"))) {
      GuestResult result =
          Guest.named("usbredir-" + controller)
              .controller(controller)
              .usbRedir(key.socket())
              .script(
                  GuestChecks.enumerate(1)
                      + GuestChecks.ctaphid(1, "1024,1300")
                      + GuestChecks.fido2Info()
                      + GuestChecks.pcsc(1))
              .run()
              .requireCompleted();

      GuestChecks.assertEnumerated(result, 1);
      String speed = result.properties("usb-devices.txt").getProperty("0.speed");
      switch (controller) {
        case UHCI -> assertThat(speed).as("UHCI is full speed only").isEqualTo("12");
        case EHCI -> assertThat(speed).as("EHCI without companion is high speed").isEqualTo("480");
        case XHCI -> assertThat(speed).isIn("12", "480");
      }
      GuestChecks.assertCtaphid(result, 1, 1024, 1300);
      GuestChecks.assertFido2Info(result, 1);
      GuestChecks.assertPcsc(result, 1);
      assertThat(key.isAlive()).as("key survives the guest").isTrue();
    }
  }
}
