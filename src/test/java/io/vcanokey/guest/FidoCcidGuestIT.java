package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FIDO applet over the key's USB CCID interface (CTAP 2.1, 11.3, the NFC binding on a contact
 * reader) inside a guest: the guest's pcscd with libccid, and python-fido2's CtapPcscDevice running
 * the same checks as over vpcd ({@code host/fido_pcsc.py}): getInfo, U2F register and authenticate,
 * PIN, makeCredential and getAssertion verified by Fido2Server, malformed APDUs.
 */
class FidoCcidGuestIT {

  @TempDir Path temp;

  @Test
  @DisplayName(
      "python-fido2 CtapPcscDevice in the guest over USB CCID and libccid: U2F and FIDO2 verified")
  void guest_pythonFido2OverCcid_allVerified() throws Exception {
    HostTools.requireCommand("pcscd", "pcscd");
    HostTools.requireFile(
        Path.of("/usr/lib/pcsc/drivers/ifd-ccid.bundle"), "libccid driver (Debian libccid)");

    try (KeyProcess key = KeyProcess.start("fido-ccid", temp.resolve("key.db"))) {
      GuestResult result =
          Guest.named("fido-ccid")
              .controller(UsbController.UHCI)
              .usbRedir(key.socket())
              .timeout(Duration.ofMinutes(5))
              .file("fido_pcsc.py", GuestImage.resource("host/fido_pcsc.py"))
              .script(
                  GuestChecks.enumerate(1)
                      + "pcscd_up 1\n"
                      + "/usr/bin/python3 ./fido_pcsc.py canokey > out/fido_pcsc.txt 2>&1\n"
                      + "pcscd_down\n")
              .run()
              .requireCompleted();

      String output = result.out("fido_pcsc.txt");
      System.out.print(output);
      assertThat(output)
          .contains("ok getInfo: versions U2F_V2,FIDO_2_0,FIDO_2_1")
          .contains("ok U2F register: key handle 70 bytes")
          .contains("ok U2F authenticate: check-only 6985, signatures verified")
          .contains("ok clientPIN: PIN set over PC/SC")
          .contains("ok attestation: packed BASIC")
          .contains("ok getAssertion with allowList: signature verified by Fido2Server")
          .contains("ok getAssertion discoverable: user id b'pcsc-user'")
          .contains("ok malformed: 6A86 6985 6D00 6700 6700")
          .contains("ALL OK");
      assertThat(key.isAlive()).as("key survives the guest").isTrue();
    }
  }
}
