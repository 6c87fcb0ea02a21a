package io.vcanokey.transport.ctaphidudp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vcanokey.cli.Main;
import java.io.BufferedReader;
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
 * A real client over {@code serve --ctaphid-udp}: python-fido2 (Debian python3-fido2 0.9.1) runs
 * authenticatorSelection, authenticatorReset (inside and outside its 10-second window),
 * authenticatorLargeBlobs through its LargeBlobs class (with and without a PIN),
 * authenticatorConfig through its Config class (setMinPINLength, toggleAlwaysUv) and the
 * minPinLength extension (script {@code host/fido2_config_udp.py}).
 */
class PythonFido2ConfigUdpIT {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final Pattern BANNER =
      Pattern.compile("serving CTAPHID over UDP on 127\\.0\\.0\\.1:([0-9]+)$");

  @TempDir Path dir;

  @Test
  @DisplayName(
      "python-fido2 over UDP: selection, reset, largeBlobs, setMinPINLength, toggleAlwaysUv and"
          + " the minPinLength extension as CTAP 2.1 6.6 and 6.9 to 6.11 and 12.4 describe")
  void pythonFido2_configCommands_behaveAsSpecified() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!ci) {
      assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 missing");
      assumeTrue(
          new ProcessBuilder(PYTHON.toString(), "-c", "import fido2").start().waitFor() == 0,
          "python3-fido2 missing");
    }
    for (String file : List.of("u2f_udp.py", "fido2_config_udp.py")) { // imports u2f_udp
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
    String output;
    Process client;
    try {
      int port = awaitPort(key);
      client =
          new ProcessBuilder(
                  PYTHON.toString(),
                  dir.resolve("fido2_config_udp.py").toString(),
                  Integer.toString(port))
              .redirectErrorStream(true)
              .start();
      output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      key.destroy();
      key.waitFor(10, TimeUnit.SECONDS);
    }

    assertThat(client.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("ok getInfo: largeBlobs, authnrCfg, setMinPINLength true, alwaysUv false")
        .contains("ok selection: CTAP2_OK")
        .contains("ok reset within 10 s of power-up: PIN gone")
        .contains("ok largeBlobs without PIN: empty array, put_blob then get_blob round trip")
        .contains("ok largeBlobs with PIN: PUAT_REQUIRED without a token")
        .contains("ok setMinPINLength 6: forcePINChange set, token refused (0x37)")
        .contains("ok toggleAlwaysUv: alwaysUv true, U2F_V2 gone")
        .contains("ok makeCredential minPinLength extension: {'minPinLength': 6}")
        .contains("ok toggleAlwaysUv again: off; enableEnterpriseAttestation 0x2B")
        .contains("ok reset after 10 s: NOT_ALLOWED")
        .contains("ALL OK");
  }

  private static int awaitPort(Process key) throws Exception {
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
