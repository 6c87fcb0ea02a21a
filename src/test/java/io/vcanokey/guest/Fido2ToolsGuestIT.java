package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * libfido2's tools and OpenSSH inside a guest over the key's USB FIDO HID interface (issue 6,
 * "Proof with real clients"): the scenario of {@code fido2_tools.sh} on UHCI and on xHCI, every
 * step of which must succeed and print what CTAP 2.1 and the CanoKey inventory say.
 */
class Fido2ToolsGuestIT {

  @TempDir Path temp;

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = UsbController.class,
      names = {"UHCI", "XHCI"})
  @DisplayName("fido2-token, fido2-cred, fido2-assert and ssh-keygen in the guest over USB HID")
  void guest_fido2Tools_fullScenario(UsbController controller) throws Exception {
    Fido2ToolsScenario.requireTools();

    try (KeyProcess key = KeyProcess.start("fido2-" + controller, temp.resolve("key.db"))) {
      GuestResult result =
          Guest.named("fido2-" + controller)
              .controller(controller)
              .usbRedir(key.socket())
              .timeout(Duration.ofMinutes(10))
              .file(
                  Fido2ToolsScenario.SCRIPT,
                  GuestImage.resource("guest/" + Fido2ToolsScenario.SCRIPT))
              .script(GuestChecks.enumerate(1) + "sh ./" + Fido2ToolsScenario.SCRIPT + " out\n")
              .run()
              .requireCompleted();

      Fido2ToolsScenario.resultsIn(result.runDir().resolve("out")).assertAll();
      assertThat(key.isAlive()).as("key survives the guest").isTrue();
    }
  }
}
