package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.pcsc.Pcscd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
  void guest_ykmanOath_fullScenario(UsbController controller) throws Exception {
    HostTools.requireCommand("pcscd", "pcscd");
    HostTools.requireCommand("ykman", "yubikey-manager");
    HostTools.requireCommand("oathtool", "oathtool");
    HostTools.requireFile(Path.of("/usr/lib/pcsc/drivers/serial/libifdvpcd.so"), "vsmartcard-vpcd");
    HostTools.requireFile(
        Path.of("/usr/lib/pcsc/drivers/ifd-ccid.bundle"), "libccid driver (Debian libccid)");

    try (Pcscd.Lease pcscd = Pcscd.acquire();
        KeyProcess key =
            KeyProcess.start(
                "oath-" + controller, temp.resolve("key.db"), "--vpcd=" + Pcscd.VPCD_ADDRESS)) {
      // One key on both transports: what the host stores over vpcd, the guest reads over USB.
      Pcscd.awaitCard(Pcscd.READER, Duration.ofSeconds(20));
      HostTools.run(
          List.of(
              "ykman",
              "--reader",
              Pcscd.READER,
              "oath",
              "accounts",
              "add",
              "-f",
              "from-host",
              "JBSWY3DPEHPK3PXP"),
          temp.resolve("ykman-host.err"),
          Duration.ofSeconds(60));

      GuestResult result =
          Guest.named("oath-" + controller)
              .controller(controller)
              .usbRedir(key.socket())
              .timeout(Duration.ofMinutes(6))
              .script(
                  GuestChecks.enumerate(1)
                      + "pcscd_up 1\n"
                      + "ykman --reader canokey oath accounts list < /dev/null > out/shared.txt\n"
                      + "sh ./"
                      + OathYkmanScenario.SCRIPT
                      + " out canokey\n"
                      + "pcscd_down\n")
              .run()
              .requireCompleted();

      assertThat(result.out("shared.txt").lines())
          .as("the guest's ykman over USB lists what the host's ykman added over vpcd")
          .containsExactly("from-host");
      OathYkmanScenario.resultsIn(result.runDir().resolve("out")).assertAll();
      assertThat(key.isAlive()).as("key survives the guest").isTrue();
    }
  }
}
