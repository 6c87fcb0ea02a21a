package io.vcanokey.pcsc;

import io.vcanokey.guest.GuestImage;
import io.vcanokey.guest.KeyProcess;
import io.vcanokey.guest.PivOpenscScenario;
import io.vcanokey.guest.PivToolScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PIV applet (issue 5) through yubico-piv-tool 2.2 and OpenSC 0.23 on the host, over pcscd's
 * vpcd reader to {@code serve --vpcd}: every slot with every algorithm yubico-piv-tool generates,
 * attestation, certificates, signatures and decryption, imported keys, objects, PIN and PUK,
 * management key, retries and reset; then OpenSC's PIV driver, PKCS#11 module and piv-tool. A
 * second key that refuses every touch shows the touch policies.
 */
class PivToolVpcdIT extends PcscdTest {

  @TempDir Path temp;

  @Test
  @DisplayName("yubico-piv-tool and OpenSC (pkcs15-tool, pkcs11-tool, piv-tool) over vpcd")
  void pivTools_overVpcd_fullScenario() throws Exception {
    PivToolScenario.requireTools();
    Path scripts = temp.resolve("piv");
    Files.createDirectories(scripts);
    for (String file : List.of(PivToolScenario.SCRIPT, PivOpenscScenario.SCRIPT)) {
      Files.write(scripts.resolve(file), GuestImage.resource("piv/" + file));
    }
    Path out = temp.resolve("out");

    try (KeyProcess key =
        KeyProcess.startVpcd("piv-vpcd", temp.resolve("key.db"), Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);

      runScript(scripts.resolve(PivToolScenario.SCRIPT), out, PivToolScenario.ALL_KEYS);
      PivToolScenario.resultsIn(out).assertAll(key.serial(), PivToolScenario.ALL_KEYS);

      runScript(scripts.resolve(PivOpenscScenario.SCRIPT), out, List.of());
      PivOpenscScenario.resultsIn(out).assertAll();
    }
  }

  @Test
  @DisplayName("serve --touch deny: yubico-piv-tool's touch-policy keys and management key refused")
  void pivTool_touchDenied_refused() throws Exception {
    PivToolScenario.requireTools();
    Path script = temp.resolve(PivToolScenario.TOUCH_SCRIPT);
    Files.write(script, GuestImage.resource("piv/" + PivToolScenario.TOUCH_SCRIPT));
    Path out = temp.resolve("out");

    try (KeyProcess key =
        KeyProcess.startVpcd(
            "piv-deny", temp.resolve("key.db"), Pcscd.VPCD_ADDRESS, "--touch", "deny")) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);
      runScript(script, out, List.of());
      PivToolScenario.resultsIn(out).assertTouchRefused();
    }
  }

  /** Runs {@code sh SCRIPT OUT READER ARGS...} with HOME in the test directory, and waits. */
  private void runScript(Path script, Path out, List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("sh", script.toString(), out.toString(), Pcscd.READER));
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve(script.getFileName() + ".log").toFile());
    builder.environment().put("HOME", temp.toString()); // OpenSC's cache stays in the test
    Process process = builder.start();
    if (!process.waitFor(8, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(script.getFileName() + " timed out; see " + temp);
    }
  }
}
