package io.vcanokey.pcsc;

import io.vcanokey.guest.GpgAlgorithmScenario;
import io.vcanokey.guest.GpgCardScenario;
import io.vcanokey.guest.GuestImage;
import io.vcanokey.guest.HostTools;
import io.vcanokey.guest.KeyProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GnuPG 2.2 on the host (gpg, gpg-agent, scdaemon with PC/SC) against {@code serve --vpcd}: card
 * status, personalisation, PIN changes, on-card Ed25519/Cv25519 keys used to sign, decrypt and
 * authenticate (ssh-keygen -Y), and factory reset.
 */
class GpgVpcdIT extends PcscdTest {

  @TempDir Path temp;

  @Test
  @DisplayName("gpg --card-status / --edit-card over vpcd: the card scenario of gpg_card.sh")
  void gpg_overVpcd_cardScenario() throws Exception {
    HostTools.requireCommand("gpg", "gnupg");
    HostTools.requireFile(Path.of("/usr/lib/gnupg/scdaemon"), "scdaemon (Debian scdaemon)");
    HostTools.requireCommand("ssh-keygen", "openssh-client");
    Path scripts = temp.resolve("gpg");
    Files.createDirectories(scripts);
    for (String file :
        List.of(GpgCardScenario.SCRIPT, GpgCardScenario.PINENTRY, GpgAlgorithmScenario.SCRIPT)) {
      Path target = scripts.resolve(file);
      Files.write(target, GuestImage.resource("gpg/" + file));
      target.toFile().setExecutable(true);
    }
    Path out = temp.resolve("out");

    try (KeyProcess key =
        KeyProcess.startVpcd("gpg-vpcd", temp.resolve("key.db"), Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);
      Process gpg =
          new ProcessBuilder(
                  List.of(
                      "sh",
                      scripts.resolve(GpgCardScenario.SCRIPT).toString(),
                      out.toString(),
                      Pcscd.READER))
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve("scenario.log").toFile())
              .start();
      if (!gpg.waitFor(5, TimeUnit.MINUTES)) {
        gpg.destroyForcibly();
        throw new AssertionError("gpg scenario timed out; see " + temp);
      }
      GpgCardScenario.resultsIn(out).assertAll(key.serial());

      List<String> algos =
          new ArrayList<>(
              List.of(
                  "sh",
                  scripts.resolve(GpgAlgorithmScenario.SCRIPT).toString(),
                  out.toString(),
                  Pcscd.READER));
      algos.addAll(GpgAlgorithmScenario.ALGORITHMS);
      Process generate =
          new ProcessBuilder(algos)
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve("algorithms.log").toFile())
              .start();
      if (!generate.waitFor(5, TimeUnit.MINUTES)) {
        generate.destroyForcibly();
        throw new AssertionError("gpg algorithm scenario timed out; see " + temp);
      }
      GpgAlgorithmScenario.resultsIn(out).assertAll();
    }
  }
}
