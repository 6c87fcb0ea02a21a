package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The GnuPG scenario of {@code gpg/gpg_extras.sh}: wrong PINs count down and block PW1, the Reset
 * Code unblocks it (RESET RETRY COUNTER, OpenPGP card 3.4, 7.2.14), KDF-DO set up by gpg's
 * kdf-setup keeps every PIN operation working, and a 2 KB certificate written with writecert reads
 * back unchanged. Under KDF, PIN and Admin PIN change, Reset Code set, lockout and unblock are all
 * repeated with the hashed PINs gpg sends.
 */
public final class GpgExtrasScenario {

  public static final String SCRIPT = "gpg_extras.sh";

  private final Path out;

  private GpgExtrasScenario(Path out) {
    this.out = out;
  }

  public static GpgExtrasScenario resultsIn(Path out) {
    return new GpgExtrasScenario(out);
  }

  public void assertAll() {
    for (String step :
        List.of("factory-reset", "key-attr", "generate", "set-reset-code", "status-wrong-1")) {
      assertSucceeded(step);
    }
    for (String step : List.of("wrong-1", "wrong-2", "wrong-3", "blocked")) {
      assertThat(exitStatus(step)).as("signing in step %s must fail", step).isNotZero();
    }
    // C4 retry counters as gpg shows them: PW1, Reset Code, PW3.
    assertThat(output("status-wrong-1")).contains("PIN retry counter : 2 3 3");
    assertThat(output("status-blocked")).contains("PIN retry counter : 0 3 3");
    assertSucceeded("unblock");
    assertSucceeded("after-unblock");
    assertThat(output("status-unblocked")).contains("PIN retry counter : 3 3 3");

    assertSucceeded("kdf-setup");
    assertThat(output("status-kdf")).contains("KDF setting ......: on");
    assertSucceeded("kdf-sign");
    assertSucceeded("kdf-passwd");
    assertSucceeded("kdf-sign-new-pin");
    assertSucceeded("kdf-reset-code");
    assertThat(exitStatus("kdf-wrong-3")).isNotZero();
    assertThat(output("status-kdf-blocked")).contains("PIN retry counter : 0 3 3");
    assertSucceeded("kdf-unblock");
    assertSucceeded("kdf-sign-unblocked");

    assertSucceeded("writecert");
    assertSucceeded("readcert");
    assertThat(bytes("cert-read.der")).hasSize(2100).isEqualTo(bytes("cert.der"));
  }

  private void assertSucceeded(String step) {
    assertThat(exitStatus(step))
        .as("gpg step %s:\n%s\n%s", step, output(step), read("gpg-x-" + step + ".err"))
        .isZero();
  }

  private int exitStatus(String step) {
    return Integer.parseInt(read("gpg-x-" + step + ".rc").strip());
  }

  private String output(String step) {
    return read("gpg-x-" + step + ".out");
  }

  private String read(String file) {
    return new String(bytes(file), java.nio.charset.StandardCharsets.UTF_8);
  }

  private byte[] bytes(String file) {
    try {
      return Files.readAllBytes(out.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException("missing result " + file, e);
    }
  }
}
