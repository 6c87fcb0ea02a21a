package io.vcanokey.pcsc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vcanokey.guest.KeyProcess;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FIDO applet over PC/SC (CTAP 2.1, 11.3, the NFC binding) with a real client: Debian's
 * python-fido2 drives {@code serve --vpcd} through pcscd's vpcd reader with its own CtapPcscDevice
 * (pyscard), Ctap1, Ctap2, ClientPin, Fido2Client and Fido2Server, which verify every signature and
 * the packed attestation themselves (script {@code host/fido_pcsc.py}).
 */
class FidoPcscIT extends PcscdTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path temp;

  @Test
  @DisplayName(
      "python-fido2 CtapPcscDevice over vpcd: getInfo, U2F register/authenticate verified, PIN"
          + " set, makeCredential/getAssertion verified by Fido2Server, malformed APDUs answered")
  void pythonFido2_overPcsc_allVerified() throws Exception {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 missing");
      assumeTrue(
          new ProcessBuilder(PYTHON.toString(), "-c", "import fido2.pcsc, smartcard")
                  .start()
                  .waitFor()
              == 0,
          "python3-fido2 or python3-pyscard missing");
    }
    Path script = temp.resolve("fido_pcsc.py");
    try (InputStream in = getClass().getResourceAsStream("/host/fido_pcsc.py")) {
      Files.write(script, in.readAllBytes());
    }

    String output;
    try (KeyProcess key =
        KeyProcess.startVpcd("fido-pcsc", temp.resolve("key.db"), Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);
      Process client =
          new ProcessBuilder(List.of(PYTHON.toString(), script.toString(), Pcscd.READER))
              .redirectErrorStream(true)
              .start();
      output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(client.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(client.exitValue()).as(output + "\n--- key.log ---\n" + key.logText()).isZero();
    }

    System.out.print(output); // the client's own account of each check, for the test log
    assertThat(output)
        .contains("ok getInfo: versions U2F_V2,FIDO_2_0,FIDO_2_1")
        .contains("ok U2F version: U2F_V2")
        .contains("ok U2F register: key handle 70 bytes")
        .contains("signature verified")
        .contains("ok U2F authenticate: check-only 6985, signatures verified")
        .contains("ok clientPIN: PIN set over PC/SC")
        .contains("ok attestation: packed BASIC")
        .contains("ok makeCredential: 70-byte credential ID, UV set, algorithm -7")
        .contains("ok getAssertion with allowList: signature verified by Fido2Server")
        .contains("ok getAssertion discoverable: user id b'pcsc-user'")
        .contains("ok malformed: 6A86 6985 6D00 6700 6700")
        .contains("ALL OK");
  }
}
