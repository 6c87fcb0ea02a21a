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
 * authenticatorCredentialManagement (CTAP 2.1, 6.8) with a real client over {@code serve
 * --ctaphid-udp}: python-fido2's (Debian python3-fido2 0.9.1) CredentialManagement class reads the
 * metadata, enumerates RPs and credentials, updates and deletes, and checks the errors (script
 * {@code host/credmgmt_udp.py}, which imports the UDP connection from {@code host/u2f_udp.py}).
 */
class PythonFido2CredMgmtUdpIT {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final Pattern BANNER =
      Pattern.compile("serving CTAPHID over UDP on 127\\.0\\.0\\.1:([0-9]+)$");

  @TempDir Path dir;

  @Test
  @DisplayName(
      "python-fido2 CredentialManagement over UDP: metadata, enumerate RPs and credentials with"
          + " credProtect and attested public keys, update, delete, errors, and command 0x41")
  void pythonFido2_credentialManagement_allSubcommands() throws Exception {
    String output = runScript("credmgmt_udp.py");

    assertThat(output)
        .contains("ok getInfo: credMgmt true, credentialMgmtPreview absent")
        .contains("ok getCredsMetadata: existing 3, remaining 253")
        .contains("ok enumerateRPs: ['example.com', 'example.org'] with their rpIDHash, totalRPs 2")
        .contains("ok enumerateCredentials example.com: users ['user-a1', 'user-a2']")
        .contains("ok enumerateCredentials example.org: users ['user-b1']")
        .contains("ok updateUserInformation: name renamed, displayName removed")
        .contains("ok updateUserInformation with another user.id: 0x02")
        .contains("ok deleteCredential: 2 left, example.com keeps user-a2 only")
        .contains("ok deleteCredential again: 0x2E")
        .contains("ok enumerateRPsGetNextRP without Begin: 0x30")
        .contains("ok getCredsMetadata with a ga token: 0x33")
        .contains("ok enumerateCredentials of another RP with a token bound to example.org: 0x33")
        .contains("ok getCredsMetadata without pinUvAuthParam: 0x36")
        .contains("ok command 0x41: getCredsMetadata existing 2")
        .contains("ALL OK");
  }

  /** Runs the key and {@code name} (a script under {@code host/}) against it; its output. */
  private String runScript(String name) throws Exception {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 missing");
      assumeTrue(
          new ProcessBuilder(PYTHON.toString(), "-c", "import fido2").start().waitFor() == 0,
          "python3-fido2 missing");
    }
    for (String file : List.of("u2f_udp.py", name)) {
      try (InputStream in = getClass().getResourceAsStream("/host/" + file)) {
        Files.write(dir.resolve(file), in.readAllBytes());
      }
    }
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
                "auto",
                "--ctaphid-udp=0")
            .redirectError(dir.resolve("key.log").toFile())
            .start();
    try {
      int port = awaitPort(key);
      Process client =
          new ProcessBuilder(
                  PYTHON.toString(), dir.resolve(name).toString(), Integer.toString(port))
              .redirectErrorStream(true)
              .start();
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
