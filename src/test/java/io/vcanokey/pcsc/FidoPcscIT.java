package io.vcanokey.pcsc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vcanokey.guest.KeyProcess;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FIDO applet over PC/SC (CTAP 2.1, 11.3, the NFC binding) with a real client: Debian's
 * python-fido2 drives {@code serve --vpcd} through pcscd's vpcd reader with its own CtapPcscDevice
 * (pyscard), Ctap1, Ctap2, ClientPin, Fido2Client and Fido2Server, which verify every signature and
 * the packed attestation themselves (scripts {@code host/fido_pcsc.py} and, with CTAPHID over UDP
 * beside the card, {@code host/fido_shared.py}).
 */
class FidoPcscIT extends PcscdTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final Pattern UDP_BANNER =
      Pattern.compile("serving CTAPHID over UDP on 127\\.0\\.0\\.1:([0-9]+)");

  @TempDir Path temp;

  @Test
  @DisplayName(
      "python-fido2 CtapPcscDevice over vpcd: getInfo, U2F register/authenticate verified, PIN"
          + " set, makeCredential/getAssertion verified by Fido2Server, malformed APDUs answered")
  void pythonFido2_overPcsc_allVerified() throws Exception {
    String output;
    try (KeyProcess key = startKey("fido-pcsc")) {
      output = runScript(key, "fido_pcsc.py", Pcscd.READER);
    }

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

  @Test
  @DisplayName(
      "U2F raw messages 4.3 and CTAP 2.1 6.1.2 step 14 over vpcd: with --touch deny REGISTER"
          + " answers 6985 and makeCredential CTAP2_ERR_OPERATION_DENIED")
  void pythonFido2_touchDenied_refused() throws Exception {
    String output;
    try (KeyProcess key = startKey("fido-pcsc-deny", "--touch", "deny")) {
      output = runScript(key, "fido_pcsc.py", Pcscd.READER, "deny");
    }

    assertThat(output)
        .contains("ok U2F register refused: 6985")
        .contains("ok makeCredential refused: OPERATION_DENIED")
        .contains("ALL OK");
  }

  @Test
  @DisplayName(
      "One FIDO state: PIN and discoverable credential made over CTAPHID (UDP) serve a"
          + " getAssertion over PC/SC; a U2F key handle from PC/SC signs over CTAPHID")
  void pythonFido2_ctapHidAndPcsc_shareState() throws Exception {
    String output;
    try (KeyProcess key = startKey("fido-shared", "--ctaphid-udp=0")) {
      output = runScript(key, "fido_shared.py", Pcscd.READER, Integer.toString(udpPort(key)));
    }

    assertThat(output)
        .contains("ok CTAPHID: PIN set, discoverable credential registered")
        .contains("ok PC/SC: PIN from CTAPHID accepted, credential from CTAPHID found and verified")
        .contains("ok U2F: key handle registered over PC/SC signs over CTAPHID")
        .contains("ALL OK");
  }

  private KeyProcess startKey(String label, String... serveOptions) throws Exception {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 missing");
      assumeTrue(
          new ProcessBuilder(PYTHON.toString(), "-c", "import fido2.pcsc, smartcard")
                  .start()
                  .waitFor()
              == 0,
          "python3-fido2 or python3-pyscard missing");
    }
    KeyProcess key =
        KeyProcess.startVpcd(label, temp.resolve("key.db"), Pcscd.VPCD_ADDRESS, serveOptions);
    Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);
    return key;
  }

  /** The UDP port the key chose for {@code --ctaphid-udp=0}, from its banner. */
  private static int udpPort(KeyProcess key) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      Matcher m = UDP_BANNER.matcher(key.logText());
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no CTAPHID UDP banner in the key's log:\n" + key.logText());
  }

  /** Runs host script {@code name} with {@code args}; returns its output once it exited 0. */
  private String runScript(KeyProcess key, String name, String... args) throws Exception {
    for (String file : List.of("fido_pcsc.py", "fido_shared.py", "u2f_udp.py")) {
      try (InputStream in = getClass().getResourceAsStream("/host/" + file)) {
        Files.write(temp.resolve(file), in.readAllBytes());
      }
    }
    List<String> command =
        new ArrayList<>(List.of(PYTHON.toString(), temp.resolve(name).toString()));
    command.addAll(List.of(args));
    Process client = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(client.waitFor(120, TimeUnit.SECONDS)).isTrue();
    System.out.print(output); // the client's own account of each check, for the test log
    assertThat(client.exitValue()).as(output + "\n--- key.log ---\n" + key.logText()).isZero();
    return output;
  }
}
