package io.vcanokey.pcsc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vcanokey.guest.GuestImage;
import io.vcanokey.guest.HostTools;
import io.vcanokey.guest.KeyProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenPGP user-interaction flags (UIF, OpenPGP card 3.4, 4.1.3.6) set with raw PUT DATA, proven
 * by gpg: with {@code --touch deny} an operation whose UIF is on fails and the signature counter
 * does not move; the same key file under {@code --touch auto} signs and decrypts; a permanent UIF
 * cannot be turned off (6985); with UIF off, deny no longer matters.
 */
class GpgTouchIT extends PcscdTest {

  private static final String SCRIPT = "gpg_uif.sh";

  @TempDir Path temp;

  @Test
  @DisplayName("UIF on: gpg sign/decrypt fail under --touch deny, work under auto; permanent stays")
  void uif_touchDenyThenAuto_asSpecified() throws Exception {
    HostTools.requireCommand("gpg", "gnupg");
    HostTools.requireCommand("opensc-tool", "opensc");
    Path scripts = temp.resolve("gpg");
    Files.createDirectories(scripts);
    for (String file : List.of(SCRIPT, "pinentry.py")) {
      Files.write(scripts.resolve(file), GuestImage.resource("gpg/" + file));
      scripts.resolve(file).toFile().setExecutable(true);
    }
    Path gnupgHome = Files.createTempDirectory(Path.of("/tmp"), "vckg-uif-");
    Path out = temp.resolve("out");
    Path keyFile = temp.resolve("key.db");

    phase(scripts, gnupgHome, out, keyFile, "setup", "deny");
    phase(scripts, gnupgHome, out, keyFile, "use", "auto");
    phase(scripts, gnupgHome, out, keyFile, "off", "deny");

    for (String step : List.of("factory-reset", "key-attr", "generate", "put-uif")) {
      assertThat(rc(out, "setup-" + step)).as("setup step %s", step).isZero();
    }
    assertThat(rc(out, "setup-sign")).as("sign with UIF on, touch denied").isNotZero();
    assertThat(rc(out, "setup-decrypt")).as("decrypt with UIF on, touch denied").isNotZero();
    int before = signatureCounter(out, "setup-status-before");
    assertThat(signatureCounter(out, "setup-status"))
        .as("refused: counter unchanged")
        .isEqualTo(before);

    assertThat(rc(out, "use-sign")).as("sign with UIF on, touch granted").isZero();
    assertThat(rc(out, "use-decrypt")).as("decrypt with UIF on, touch granted").isZero();
    assertThat(signatureCounter(out, "use-status")).isEqualTo(before + 1);
    // SELECT, VERIFY PW3, then PUT DATA D8 = 00 20 on a permanent flag: 6985.
    assertThat(Files.readString(out.resolve("gpg-uif-use-put-permanent-off.out")))
        .containsSubsequence(
            "Received (SW1=0x90, SW2=0x00)",
            "Received (SW1=0x90, SW2=0x00)",
            "Received (SW1=0x69, SW2=0x85)");

    assertThat(rc(out, "off-put-sign-off")).isZero();
    assertThat(rc(out, "off-sign")).as("sign with UIF off, touch denied").isZero();
    assertThat(rc(out, "off-decrypt")).as("decrypt with UIF still on, touch denied").isNotZero();
  }

  private void phase(
      Path scripts, Path gnupgHome, Path out, Path keyFile, String phase, String touch)
      throws Exception {
    try (KeyProcess key =
        KeyProcess.startVpcd("uif-" + phase, keyFile, Pcscd.VPCD_ADDRESS, "--touch", touch)) {
      Pcscd.awaitCard(Pcscd.READER, CARD_TIMEOUT);
      ProcessBuilder builder =
          new ProcessBuilder(
                  List.of(
                      "sh",
                      scripts.resolve(SCRIPT).toString(),
                      out.toString(),
                      Pcscd.READER,
                      phase))
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve(phase + ".log").toFile());
      builder.environment().put("GNUPGHOME", gnupgHome.toString());
      Process process = builder.start();
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("phase " + phase + " timed out; see " + temp);
      }
    }
    Pcscd.awaitNoCard(Pcscd.READER, CARD_TIMEOUT);
  }

  private static int rc(Path out, String step) throws IOException {
    return Integer.parseInt(Files.readString(out.resolve("gpg-uif-" + step + ".rc")).strip());
  }

  private static int signatureCounter(Path out, String step) throws IOException {
    Matcher m =
        Pattern.compile("Signature counter : (\\d+)")
            .matcher(Files.readString(out.resolve("gpg-uif-" + step + ".out")));
    assertThat(m.find()).as("signature counter in %s", step).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
