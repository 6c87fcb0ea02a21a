package io.vcanokey.pcsc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.guest.GpgAlgorithmScenario;
import io.vcanokey.guest.GpgCardScenario;
import io.vcanokey.guest.GpgExtrasScenario;
import io.vcanokey.guest.GpgKeyToCardScenario;
import io.vcanokey.guest.GuestImage;
import io.vcanokey.guest.HostTools;
import io.vcanokey.guest.KeyProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GnuPG 2.2 on the host (gpg, gpg-agent, scdaemon with PC/SC) against {@code serve --vpcd}: card
 * status, personalisation, PIN changes, on-card Ed25519/Cv25519 keys used to sign, decrypt and
 * authenticate (ssh-keygen -Y), factory reset; on-card generation, signing and decryption with
 * every algorithm of issue 4; keytocard of software keys of each algorithm; PIN lockout and Reset
 * Code, KDF-DO, a 2 KB certificate; then OpenSC's openpgp-tool and pkcs15-tool read the card.
 */
class GpgVpcdIT extends PcscdTest {

  private static final List<String> SCRIPTS =
      List.of(
          GpgCardScenario.SCRIPT,
          GpgCardScenario.PINENTRY,
          GpgAlgorithmScenario.SCRIPT,
          GpgExtrasScenario.SCRIPT,
          GpgKeyToCardScenario.SCRIPT);

  @TempDir Path temp;

  @Test
  @DisplayName("gpg --card-status / --edit-card over vpcd, every algorithm, PINs, KDF, certificate")
  void gpg_overVpcd_cardScenarios() throws Exception {
    HostTools.requireCommand("gpg", "gnupg");
    HostTools.requireFile(Path.of("/usr/lib/gnupg/scdaemon"), "scdaemon (Debian scdaemon)");
    HostTools.requireCommand("ssh-keygen", "openssh-client");
    HostTools.requireCommand("openpgp-tool", "opensc");
    Path scripts = temp.resolve("gpg");
    Files.createDirectories(scripts);
    for (String file : SCRIPTS) {
      Path target = scripts.resolve(file);
      Files.write(target, GuestImage.resource("gpg/" + file));
      target.toFile().setExecutable(true);
    }
    Path out = temp.resolve("out");

    try (KeyProcess key =
        KeyProcess.startVpcd("gpg-vpcd", temp.resolve("key.db"), Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);

      runScript(scripts.resolve(GpgCardScenario.SCRIPT), out, List.of());
      GpgCardScenario.resultsIn(out).assertAll(key.serial());

      runScript(scripts.resolve(GpgAlgorithmScenario.SCRIPT), out, GpgAlgorithmScenario.ALGORITHMS);
      GpgAlgorithmScenario.resultsIn(out).assertAll();

      runScript(scripts.resolve(GpgKeyToCardScenario.SCRIPT), out, GpgKeyToCardScenario.ALGORITHMS);
      GpgKeyToCardScenario.resultsIn(out).assertAll(GpgKeyToCardScenario.ALGORITHMS);

      runScript(scripts.resolve(GpgExtrasScenario.SCRIPT), out, List.of());
      GpgExtrasScenario.resultsIn(out).assertAll();

      // OpenSC reads the card gpg left behind: keys and the 2 KB certificate, without errors.
      String openpgpTool =
          HostTools.run(
              List.of("openpgp-tool", "-r", Pcscd.READER, "-v"),
              temp.resolve("openpgp-tool.err"),
              Duration.ofSeconds(60));
      assertThat(openpgpTool + Files.readString(temp.resolve("openpgp-tool.err")))
          .contains("Using card driver OpenPGP card");
      // The card has a PIV application too, which OpenSC's driver list tries first: pkcs15-tool
      // (unlike openpgp-tool) needs to be told to use the OpenPGP driver.
      String dump =
          HostTools.run(
              List.of("env", "OPENSC_DRIVER=openpgp", "pkcs15-tool", "-r", Pcscd.READER, "--dump"),
              temp.resolve("pkcs15-tool.err"),
              Duration.ofSeconds(60));
      assertThat(dump)
          .contains("PKCS#15 Card [OpenPGP card]")
          .contains("Private EDDSA Key [Signature key]")
          .contains("X.509 Certificate [AUT certificate]");
      assertThat(openpgpTool + Files.readString(temp.resolve("pkcs15-tool.err")))
          .doesNotContainIgnoringCase("error");
    }
  }

  /** Runs {@code sh SCRIPT OUT READER ARGS...} and waits for it. */
  private void runScript(Path script, Path out, List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("sh", script.toString(), out.toString(), Pcscd.READER));
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve(script.getFileName() + ".log").toFile())
            .start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(script.getFileName() + " timed out; see " + temp);
    }
  }
}
