package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GnuPG 2.2 inside a guest over the key's USB CCID interface, through the guest's pcscd and
 * libccid: the card scenario of {@code gpg/gpg_card.sh} (card status, personalisation, PIN changes,
 * on-card Ed25519/Cv25519 keys signing, decrypting and authenticating, factory reset).
 */
class GpgGuestIT {

  @TempDir Path temp;

  @Test
  @DisplayName("gpg in the guest over USB CCID (xHCI): the card scenario of gpg_card.sh")
  void guest_gpg_cardScenario() throws Exception {
    HostTools.requireCommand("pcscd", "pcscd");
    HostTools.requireCommand("gpg", "gnupg");
    HostTools.requireFile(Path.of("/usr/lib/gnupg/scdaemon"), "scdaemon (Debian scdaemon)");
    HostTools.requireFile(
        Path.of("/usr/lib/pcsc/drivers/ifd-ccid.bundle"), "libccid driver (Debian libccid)");

    try (KeyProcess key = KeyProcess.start("gpg-xhci", temp.resolve("key.db"))) {
      GuestResult result =
          Guest.named("gpg-xhci")
              .controller(UsbController.XHCI)
              .usbRedir(key.socket())
              .timeout(Duration.ofMinutes(8))
              .file(GpgCardScenario.SCRIPT, GuestImage.resource("gpg/" + GpgCardScenario.SCRIPT))
              .file(
                  GpgCardScenario.PINENTRY, GuestImage.resource("gpg/" + GpgCardScenario.PINENTRY))
              .file(
                  GpgAlgorithmScenario.SCRIPT,
                  GuestImage.resource("gpg/" + GpgAlgorithmScenario.SCRIPT))
              .file(
                  GpgExtrasScenario.SCRIPT, GuestImage.resource("gpg/" + GpgExtrasScenario.SCRIPT))
              .file(
                  GpgKeyToCardScenario.SCRIPT,
                  GuestImage.resource("gpg/" + GpgKeyToCardScenario.SCRIPT))
              .script(
                  GuestChecks.enumerate(1)
                      + "chmod +x ./"
                      + GpgCardScenario.PINENTRY
                      + "\npcscd_up 1\nsh ./"
                      + GpgCardScenario.SCRIPT
                      + " out Canokey\nsh ./"
                      + GpgAlgorithmScenario.SCRIPT
                      + " out Canokey "
                      + String.join(" ", GpgAlgorithmScenario.ALGORITHMS)
                      + "\nsh ./"
                      + GpgKeyToCardScenario.SCRIPT
                      + " out Canokey "
                      + String.join(" ", GpgKeyToCardScenario.ALGORITHMS)
                      + "\nsh ./"
                      + GpgExtrasScenario.SCRIPT
                      + " out Canokey\npcscd_down\n")
              .run()
              .requireCompleted();

      GpgCardScenario.resultsIn(result.runDir().resolve("out")).assertAll(key.serial());
      GpgAlgorithmScenario.resultsIn(result.runDir().resolve("out")).assertAll();
      GpgKeyToCardScenario.resultsIn(result.runDir().resolve("out"))
          .assertAll(GpgKeyToCardScenario.ALGORITHMS);
      GpgExtrasScenario.resultsIn(result.runDir().resolve("out")).assertAll();
      assertThat(key.isAlive()).isTrue();
    }
  }
}
