package io.vcanokey.pcsc;

import io.vcanokey.guest.GuestImage;
import io.vcanokey.guest.HostTools;
import io.vcanokey.guest.KeyProcess;
import io.vcanokey.guest.PivYkmanScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ykman 4.0.9's PIV commands on the host, through pcscd's vpcd reader to {@code serve --vpcd}: the
 * scenario of {@code piv_ykman.sh} (reset, info, generate, certificates, attestation, import and
 * export, objects, PIN, PUK, management keys), checked by {@link PivYkmanScenario} with openssl and
 * the JDK as independent verifiers.
 */
class PivYkmanVpcdIT extends PcscdTest {

  @TempDir Path temp;

  @Test
  @DisplayName("ykman --reader 'Virtual PCD 00 00' piv: full scenario, verified by openssl and JDK")
  void ykmanPiv_overVpcd_fullScenario() throws Exception {
    HostTools.requireCommand("ykman", "yubikey-manager");
    HostTools.requireCommand("openssl", "openssl");
    Path script = temp.resolve(PivYkmanScenario.SCRIPT);
    Files.write(script, GuestImage.resource("guest/" + PivYkmanScenario.SCRIPT));
    Files.write(
        temp.resolve(PivYkmanScenario.METADATA_SCRIPT),
        GuestImage.resource("guest/" + PivYkmanScenario.METADATA_SCRIPT));
    // The results stay under target/pcsc for a look after a failure.
    Path logs = Files.createDirectories(Path.of("target", "pcsc").toAbsolutePath());
    Path out = Files.createTempDirectory(logs, "piv-ykman-");

    try (KeyProcess key =
        KeyProcess.startVpcd("piv-ykman", temp.resolve("key.db"), Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);
      ProcessBuilder ykman =
          new ProcessBuilder(List.of("sh", script.toString(), out.toString(), Pcscd.READER))
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve("scenario.log").toFile());
      ykman.environment().put("HOME", temp.toString()); // ykman's settings stay in the test
      Process process = ykman.start();
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("ykman piv scenario timed out; see " + temp);
      }

      PivYkmanScenario.resultsIn(out).assertAll(key.serial());
    }
  }
}
