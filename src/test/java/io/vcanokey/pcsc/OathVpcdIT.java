package io.vcanokey.pcsc;

import io.vcanokey.guest.GuestImage;
import io.vcanokey.guest.HostTools;
import io.vcanokey.guest.KeyProcess;
import io.vcanokey.guest.OathYkmanScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ykman's OATH commands on the host, through pcscd's vpcd reader to {@code serve --vpcd}: add,
 * list, code, delete, password set, unlock and remove, reset, each code checked against oathtool.
 */
class OathVpcdIT extends PcscdTest {

  @TempDir Path temp;

  @Test
  @DisplayName("ykman --reader 'Virtual PCD 00 00' oath: full scenario; codes equal oathtool's")
  void ykmanOath_overVpcd_fullScenario() throws Exception {
    HostTools.requireCommand("ykman", "yubikey-manager");
    HostTools.requireCommand("oathtool", "oathtool");
    Path script = temp.resolve(OathYkmanScenario.SCRIPT);
    Files.write(script, GuestImage.resource("guest/" + OathYkmanScenario.SCRIPT));
    Path out = temp.resolve("out");

    try (KeyProcess key =
        KeyProcess.startVpcd("oath-vpcd", temp.resolve("key.db"), Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, Duration.ofSeconds(20));
      ProcessBuilder ykman =
          new ProcessBuilder(List.of("sh", script.toString(), out.toString(), Pcscd.READER))
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve("scenario.log").toFile());
      ykman.environment().put("HOME", temp.toString()); // ykman's settings stay in the test
      Process process = ykman.start();
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("ykman scenario timed out; see " + temp);
      }

      OathYkmanScenario.resultsIn(out).assertAll();
    }
  }
}
