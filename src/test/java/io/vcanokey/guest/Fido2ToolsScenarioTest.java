package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks of {@link Fido2ToolsScenario} on result files shaped like those of a passing run, with
 * libfido2 1.12's own output formats (fido2-token -I, -L), so that a guest run fails exactly when a
 * step failed or printed something the specification does not allow.
 */
class Fido2ToolsScenarioTest {

  /** fido2-token -I of an authenticator with every feature the scenario needs, no PIN set. */
  private static final String INFO =
      """
      proto: 0x02
      major: 0x01
      minor: 0x00
      build: 0x00
      caps: 0x05 (wink, cbor, msg)
      version strings: U2F_V2, FIDO_2_0, FIDO_2_1
      extension strings: credBlob, credProtect, hmac-secret, largeBlobKey, minPinLength
      transport strings: usb
      algorithms: es256 (public-key), eddsa (public-key)
      aaguid: 244eb29ee0904e4981fe1f20f8d3b8f4
      options: rk, credMgmt, noclientPin, largeBlobs, pinUvAuthToken, nomakeCredUvNotRqd
      maxmsgsiz: 1300
      pin protocols: 1, 2
      """;

  @TempDir Path out;

  @BeforeEach
  void passingRun() throws IOException {
    for (String step : Fido2ToolsScenario.steps()) {
      write("fido2-" + step + ".rc", "0");
      write("fido2-" + step + ".out", "");
      write("fido2-" + step + ".err", "");
    }
    write("fido2-list.out", "/dev/hidraw0: vendor=0x20a0, product=0x42d4 (Canokeys CanoKey QEMU)");
    write("fido2-info.out", INFO);
    write("fido2-info-after-pin.out", INFO.replace("noclientPin", "clientPin"));
    write("fido2-info-after-reset.out", INFO);
    for (String id : new String[] {"es256-hmac", "es256-rk-hmac", "eddsa-hmac", "eddsa-rk-hmac"}) {
      write("fido2-assert-" + id + "-a.hmac", "c2FsdEE=");
      write("fido2-assert-" + id + "-a2.hmac", "c2FsdEE=");
      write("fido2-assert-" + id + "-b.hmac", "c2FsdEI=");
    }
    write("fido2-cred-es256-rk.id", "Y3JlZElk");
    write("fido2-list-rps.out", "rGk: es256-rk.vcanokey.test\nxYz: eddsa-rk.vcanokey.test");
    write("fido2-list-creds.out", "00: Y3JlZElk dXNlcg== user-es256-rk es256 uvopt");
    write("fido2-list-creds-after-delete.out", "");
    write("fido2-list-rps-after-delete.out", "xYz: eddsa-rk.vcanokey.test");
    write("fido2-ssh-id_sk.pub", "sk-ssh-ed25519@openssh.com AAAAGnNr vcanokey-guest");
    write("fido2-ssh-rk.pub", "sk-ssh-ed25519@openssh.com AAAAGnNr");
  }

  @Test
  void assertAll_everyStepPassed_passes() {
    assertThatCode(() -> Fido2ToolsScenario.resultsIn(out).assertAll()).doesNotThrowAnyException();
  }

  @Test
  void assertAll_oneStepFailed_namesIt() throws IOException {
    write("fido2-reset.rc", "1");
    write("fido2-reset.err", "fido2-token: fido_dev_reset: FIDO_ERR_INVALID_COMMAND");

    assertThatThrownBy(() -> Fido2ToolsScenario.resultsIn(out).assertAll())
        .hasMessageContaining("reset")
        .hasMessageContaining("FIDO_ERR_INVALID_COMMAND");
    assertThat(Fido2ToolsScenario.resultsIn(out).summary()).containsPattern("reset\\s+FAIL 1");
  }

  @Test
  @DisplayName("CTAP 2.1 12.5: hmac-secret output depends only on the credential and the salt")
  void assertAll_sameSaltDifferentOutput_fails() throws IOException {
    write("fido2-assert-eddsa-hmac-a2.hmac", "b3RoZXI=");

    assertThatThrownBy(() -> Fido2ToolsScenario.resultsIn(out).assertAll())
        .hasMessageContaining("same salt, same output (eddsa-hmac)");
  }

  @Test
  @DisplayName("Inventory 3.3: the AAGUID is 244eb29ee0904e4981fe1f20f8d3b8f4")
  void assertAll_otherAaguid_fails() throws IOException {
    write("fido2-info.out", INFO.replace("244eb29e", "00000000"));

    assertThatThrownBy(() -> Fido2ToolsScenario.resultsIn(out).assertAll())
        .hasMessageContaining("aaguid");
  }

  @Test
  void assertAll_deletedCredentialStillListed_fails() throws IOException {
    write("fido2-list-creds-after-delete.out", "00: Y3JlZElk dXNlcg== user-es256-rk es256 uvopt");

    assertThatThrownBy(() -> Fido2ToolsScenario.resultsIn(out).assertAll())
        .hasMessageContaining("Y3JlZElk");
  }

  @Test
  void assertAll_missingResults_failsWithoutCrashing() throws IOException {
    try (var files = Files.list(out)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }

    assertThatThrownBy(() -> Fido2ToolsScenario.resultsIn(out).assertAll())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("missing");
  }

  private void write(String name, String content) throws IOException {
    Files.writeString(out.resolve(name), content);
  }
}
