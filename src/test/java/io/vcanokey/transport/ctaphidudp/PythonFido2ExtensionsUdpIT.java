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
 * The makeCredential and getAssertion extensions proven by a real client over {@code serve
 * --ctaphid-udp}: python-fido2's (Debian python3-fido2 0.9.1) HmacSecretExtension builds the
 * hmac-secret input (CTAP 2.1, 12.5) with PIN/UV auth protocols one and two and decrypts the output
 * (script {@code host/hmac_udp.py}); its AttestationObject, AssertionResponse and NoneAttestation
 * check largeBlobKey, none attestation and the user member (script {@code host/ext_udp.py}).
 */
class PythonFido2ExtensionsUdpIT {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final Pattern BANNER =
      Pattern.compile("serving CTAPHID over UDP on 127\\.0\\.0\\.1:([0-9]+)$");

  @TempDir Path dir;

  @Test
  @DisplayName(
      "CTAP 2.1 12.5 with python-fido2: same salt same output, two salts, both PIN protocols,"
          + " saltAuth and salt length errors, UV changes CredRandom, credProtect 2 and 3")
  void pythonFido2_hmacSecret_outputsDecryptAndRepeat() throws Exception {
    String output = runScript("hmac_udp.py", "auto");

    assertThat(output)
        .contains("ok makeCredential: authData extension hmac-secret true")
        .contains("ok one salt, protocol 1: same salt, same 32-byte output; signature verified")
        .contains("ok another salt: another output")
        .contains("ok two salts: output1 and output2 match the single-salt outputs")
        .contains("ok protocol 2: the same outputs as protocol 1")
        .contains("ok wrong saltAuth: PIN_AUTH_INVALID")
        .contains("ok 16-byte salt: INVALID_LENGTH")
        .contains("ok after UV: CredRandomWithUV gives another output, the same with both")
        .contains("ok credProtect 3: hidden without UV, hmac-secret output with UV")
        .contains("ok credProtect 2: hidden without allowList, hmac-secret output with it")
        .contains("ALL OK");
  }

  @Test
  @DisplayName(
      "CTAP 2.1 12.3 largeBlobKey, CTAP 2.2 attestationFormatsPreference none, 6.2.2 user member"
          + " after UV, checked with python-fido2's AttestationObject and NoneAttestation")
  void pythonFido2_largeBlobKeyNoneAttestationUser_asSpecified() throws Exception {
    String output = runScript("ext_udp.py", "auto");

    assertThat(output)
        .contains("ok largeBlobKey: 32 bytes from makeCredential, the same from getAssertion")
        .contains("ok largeBlobKey without rk: INVALID_OPTION")
        .contains("ok attestationFormatsPreference [none, packed]: fmt none, NONE")
        .contains("ok attestationFormatsPreference [packed, none]: fmt packed, BASIC")
        .contains("ok user member: id alone without UV; after UV id, name and displayName of both")
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
    for (String file : List.of("u2f_udp.py", name)) { // the scripts import u2f_udp
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
