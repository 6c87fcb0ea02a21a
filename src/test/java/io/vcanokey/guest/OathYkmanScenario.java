package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ykman OATH scenario of {@code oath_ykman.sh}, run on the host over vpcd or in a guest over
 * USB CCID, and its checks: every code ykman read from the key must be the code {@code oathtool}
 * computes for the same secret and time (RFC 4226 / RFC 6238), and each step must succeed or fail
 * as a YubiKey's would.
 */
public final class OathYkmanScenario {

  /** The script, in src/test/resources/guest; copied into guests with the other helpers. */
  public static final String SCRIPT = "oath_ykman.sh";

  // The secrets the script stores, in base32: RFC 4226 appendix D and RFC 6238 appendix B seeds.
  private static final String SEED20 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  private static final String SEED32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
  private static final String SEED64 =
      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
          + "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";

  private final Path out;

  private OathYkmanScenario(Path out) {
    this.out = out;
  }

  /** The results the script left in {@code out}. */
  public static OathYkmanScenario resultsIn(Path out) {
    return new OathYkmanScenario(out);
  }

  /** Checks every step against ykman's expected outcome and every code against oathtool. */
  public void assertAll() {
    HostTools.requireCommand("oathtool", "oathtool");
    for (String step :
        List.of("reset-first", "info", "add-totp", "add-hotp", "add-sha256", "add-sha512")) {
      assertSucceeded(step);
    }
    assertSucceeded("add-touch");
    assertThat(output("info")).contains("OATH version");

    // ykman prints credential ids as stored: [period/][issuer:]name (YKOATH, yubikit oath.py).
    assertSucceeded("list");
    assertThat(lines("list"))
        .containsExactlyInAnyOrder("mail", "counter", "60/Example:sha256", "sha512", "touched");

    assertSucceeded("code-all");
    assertThat(codeOf("code-all", "mail")).isIn(totp("code-all", SEED20, "sha1", 6, 30));
    assertThat(codeOf("code-all", "sha512")).isIn(totp("code-all", SEED64, "sha512", 7, 30));
    assertThat(codeOf("code-all", "60/Example:sha256"))
        .isIn(totp("code-all", SEED32, "sha256", 8, 60));

    // RFC 4226: the first code of a credential with initial counter 5 uses counter 5.
    assertSucceeded("code-hotp-1");
    assertThat(output("code-hotp-1").strip()).isEqualTo(hotp(SEED20, 5, 8));
    assertSucceeded("code-hotp-2");
    assertThat(output("code-hotp-2").strip()).isEqualTo(hotp(SEED20, 6, 8));

    assertSucceeded("code-touch");
    assertThat(output("code-touch").strip()).isIn(totp("code-touch", SEED20, "sha1", 6, 30));

    assertSucceeded("delete");
    assertThat(lines("list-after-delete"))
        .containsExactlyInAnyOrder("mail", "counter", "60/Example:sha256", "touched");

    assertSucceeded("password-set");
    assertThat(exitStatus("list-locked")).as("list without the password").isNotZero();
    assertSucceeded("list-unlocked");
    assertThat(lines("list-unlocked"))
        .containsExactlyInAnyOrder("mail", "counter", "60/Example:sha256", "touched");
    assertSucceeded("code-unlocked");
    assertThat(output("code-unlocked").strip()).isIn(totp("code-unlocked", SEED20, "sha1", 6, 30));

    assertSucceeded("password-remove");
    assertSucceeded("list-after-remove");
    assertThat(lines("list-after-remove")).hasSize(4);

    assertSucceeded("reset");
    assertSucceeded("list-after-reset");
    assertThat(lines("list-after-reset")).isEmpty();
  }

  private void assertSucceeded(String step) {
    assertThat(exitStatus(step)).as("ykman oath step %s: %s", step, output(step)).isZero();
  }

  private int exitStatus(String step) {
    return Integer.parseInt(read("oath-" + step + ".rc").strip());
  }

  private String output(String step) {
    return read("oath-" + step + ".out");
  }

  private List<String> lines(String step) {
    List<String> lines = new ArrayList<>();
    for (String line : output(step).split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return lines;
  }

  /** The code ykman printed for {@code name} in an "accounts code" listing. */
  private String codeOf(String step, String name) {
    for (String line : lines(step)) {
      String[] fields = line.split("\\s+");
      if (fields.length == 2 && fields[0].equals(name)) {
        return fields[1];
      }
    }
    throw new AssertionError("no code for " + name + " in:\n" + output(step));
  }

  /** The TOTP codes valid at any second the step ran (two when it crossed a period boundary). */
  private List<String> totp(String step, String seed, String hash, int digits, int period) {
    String[] span = read("oath-" + step + ".time").strip().split(" ");
    long start = Long.parseLong(span[0]);
    long end = Long.parseLong(span[1]);
    List<String> codes = new ArrayList<>();
    for (long t = start / period * period; t <= end; t += period) {
      codes.add(
          oathtool(
              List.of(
                  "oathtool",
                  "--totp=" + hash,
                  "--digits=" + digits,
                  "--time-step-size=" + period + "s",
                  "--now=@" + t,
                  "--base32",
                  seed)));
    }
    return codes;
  }

  private String hotp(String seed, long counter, int digits) {
    return oathtool(
        List.of(
            "oathtool", "--hotp", "--digits=" + digits, "--counter=" + counter, "--base32", seed));
  }

  private String oathtool(List<String> command) {
    return HostTools.run(command, out.resolve("oathtool.err"), Duration.ofSeconds(10)).strip();
  }

  private String read(String file) {
    try {
      return Files.readString(out.resolve(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("missing result " + file, e);
    }
  }
}
