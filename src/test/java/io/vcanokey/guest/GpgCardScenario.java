package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The GnuPG scenario of {@code gpg/gpg_card.sh}, run on the host over vpcd (or in a guest over USB
 * CCID), and its checks: what {@code gpg --card-status} shows must be what the scenario wrote
 * through {@code --edit-card}, PIN changes must take, and the card's keys must sign, decrypt and
 * authenticate in ways gpg and ssh-keygen verify on their own.
 */
public final class GpgCardScenario {

  /** The scripts, in src/test/resources/gpg. */
  public static final String SCRIPT = "gpg_card.sh";

  public static final String PINENTRY = "pinentry.py";

  private final Path out;

  private GpgCardScenario(Path out) {
    this.out = out;
  }

  public static GpgCardScenario resultsIn(Path out) {
    return new GpgCardScenario(out);
  }

  /** Checks every step; {@code serial} is the key's serial number as eight hex digits. */
  public void assertAll(String serial) {
    assertSucceeded("status-first");
    String first = output("status-first");
    // OpenPGP card 3.4, 4.2.1: D2 76 00 01 24 01, version 03 04, manufacturer F1 D0, serial, 00 00.
    assertThat(first).contains("D276000124010304F1D0" + serial + "0000");
    assertThat(first).containsPattern("Version \\.+: 3\\.4");
    assertThat(first).containsPattern("Serial number \\.+: " + serial);
    assertThat(first).containsPattern("PIN retry counter : 3 0 3");
    assertThat(first).containsPattern("Signature key \\.+: \\[none\\]");

    assertSucceeded("personalize");
    String personal = output("status-personal");
    assertThat(personal).containsPattern("Name of cardholder: John Doe");
    assertThat(personal).containsPattern("Language prefs \\.+: en");
    assertThat(personal).containsPattern("Salutation \\.+: Mr\\.");
    assertThat(personal).containsPattern("URL of public key : https://example.org/john.asc");
    assertThat(personal).containsPattern("Login data \\.+: jdoe");

    assertSucceeded("passwd");
    assertSucceeded("reset-code");
    assertThat(error("passwd") + error("reset-code")).doesNotContain("SC_OP_FAILURE");
    // PW1, reset code, PW3: a reset code is now set, and no wrong PIN was ever sent.
    assertThat(output("status-pins")).containsPattern("PIN retry counter : 3 3 3");

    assertSucceeded("key-attr-25519");
    assertSucceeded("generate-25519");
    String keys = output("status-keys");
    assertThat(keys).containsPattern("Key attributes \\.+: ed25519 cv25519 ed25519");
    assertThat(keys).containsPattern("PIN retry counter : 3 3 3");

    assertSucceeded("sign");
    assertSucceeded("verify");
    assertThat(error("verify")).contains("[GNUPG:] GOODSIG");
    assertSucceeded("encrypt");
    assertSucceeded("decrypt");
    assertThat(read("message.dec")).isEqualTo(read("message.txt"));

    assertSucceeded("ssh-export");
    assertThat(output("ssh-export")).startsWith("ssh-ed25519 ");
    assertSucceeded("ssh-sign");
    assertSucceeded("ssh-verify");
    assertThat(output("ssh-verify") + error("ssh-verify")).contains("Good \"file\" signature");

    assertSucceeded("factory-reset");
    String reset = output("status-after-reset");
    assertThat(reset).containsPattern("Signature key \\.+: \\[none\\]");
    assertThat(reset).containsPattern("PIN retry counter : 3 0 3");
    assertThat(reset).doesNotContain("John Doe");
  }

  private void assertSucceeded(String step) {
    assertThat(exitStatus(step))
        .as("gpg step %s:\n%s\n%s", step, output(step), error(step))
        .isZero();
  }

  private int exitStatus(String step) {
    return Integer.parseInt(read("gpg-" + step + ".rc").strip());
  }

  private String output(String step) {
    return read("gpg-" + step + ".out");
  }

  private String error(String step) {
    return read("gpg-" + step + ".err");
  }

  private String read(String file) {
    try {
      return Files.readString(out.resolve(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("missing result " + file, e);
    }
  }
}
