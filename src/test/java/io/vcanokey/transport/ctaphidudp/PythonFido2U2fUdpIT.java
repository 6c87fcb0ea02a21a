package io.vcanokey.transport.ctaphidudp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vcanokey.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
 * A real client over {@code serve --ctaphid-udp}: python-fido2 (Debian python3-fido2) drives U2F
 * through its own CtapHidDevice and Ctap1 classes on a UDP connection, and checks the registration
 * and authentication signatures with its own RegistrationData.verify and SignatureData.verify
 * (script {@code host/u2f_udp.py}); and FIDO2 through its Fido2Client with a PIN, checked by its
 * Fido2Server (script {@code host/fido2_udp.py}).
 */
class PythonFido2U2fUdpIT {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final Pattern BANNER =
      Pattern.compile("serving CTAPHID over UDP on 127\\.0\\.0\\.1:([0-9]+)$");

  @TempDir Path dir;

  @Test
  @DisplayName("python-fido2 Ctap1 over UDP: version, register, check-only, authenticate verified")
  void pythonFido2_u2fOverUdp_signaturesVerify() throws Exception {
    String output = runScript("u2f_udp.py", "auto");

    assertThat(output)
        .contains("ok version: U2F_V2")
        .contains("ok register: key handle 70 bytes")
        .contains("signature verified")
        .contains("ok check-only: 6985 for our key handle")
        .contains("ok check-only: 6A80 for another application")
        .contains("ok authenticate: signatures verified, user presence set, counter 1 then 2")
        .contains("ALL OK");
  }

  @Test
  @DisplayName("U2F raw message formats 3.3 over UDP: with --touch deny REGISTER answers 6985")
  void pythonFido2_touchDenied_registerRefused() throws Exception {
    String output = runScript("u2f_udp.py", "deny");

    assertThat(output).contains("ok register refused: 6985").contains("ALL OK");
  }

  @Test
  @DisplayName(
      "python-fido2 Fido2Client over UDP: PIN set, makeCredential and getAssertion with a"
          + " pinUvAuthToken, packed attestation and signatures verified by Fido2Server")
  void pythonFido2_fido2WithPin_verifiedByServer() throws Exception {
    String output = runScript("fido2_udp.py", "auto");

    assertThat(output)
        .contains("ok clientPIN: PIN set, getInfo says clientPin true")
        .contains("ok attestation: packed BASIC")
        .contains("ok makeCredential: 70-byte credential ID, UV set, algorithm -7")
        .contains("ok getAssertion with allowList: signature verified by Fido2Server")
        .contains("ok getAssertion discoverable: found without allowList, user id b'user-1'")
        .contains("ALL OK");
  }

  /**
   * Runs the key with {@code --touch touch} and {@code name} (a script under {@code host/}) against
   * it; returns the script's output.
   */
  private String runScript(String name, String touch) throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!ci) {
      assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 missing");
      assumeTrue(
          new ProcessBuilder(PYTHON.toString(), "-c", "import fido2").start().waitFor() == 0,
          "python3-fido2 missing");
    }
    for (String file : List.of("u2f_udp.py", "fido2_udp.py")) { // fido2_udp imports u2f_udp
      try (InputStream in = getClass().getResourceAsStream("/host/" + file)) {
        Files.write(dir.resolve(file), in.readAllBytes());
      }
    }
    Path script = dir.resolve(name);

    Process key =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--file",
                dir.resolve("key").toString(),
                "--touch",
                touch,
                "--ctaphid-udp=0")
            .redirectError(dir.resolve("key.log").toFile())
            .start();
    try {
      int port = awaitPort(key);

      List<String> command =
          new ArrayList<>(List.of(PYTHON.toString(), script.toString(), Integer.toString(port)));
      if (touch.equals("deny")) {
        command.add("deny");
      }
      Process client = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();

      assertThat(client.exitValue()).as(output).isZero();
      return output;
    } finally {
      key.destroy();
      key.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int awaitPort(Process key) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(key.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      seen.add(line);
      Matcher m = BANNER.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("key ended without its UDP banner: " + seen);
  }
}
