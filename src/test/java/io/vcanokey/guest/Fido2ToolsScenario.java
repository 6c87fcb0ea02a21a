package io.vcanokey.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;

/**
 * The libfido2 and OpenSSH scenario of {@code fido2_tools.sh} (issue 6, "Proof with real clients"),
 * run in a guest over USB HID, and its checks: every step must succeed, getInfo must show the
 * versions and AAGUID of the CanoKey inventory (section 3.3), hmac-secret (CTAP 2.1 section 12.5)
 * must give the same output for the same salt and a different one for another, and a deleted
 * discoverable credential must no longer be listed.
 */
final class Fido2ToolsScenario {

  /** The script, in src/test/resources/guest; copied into the guest's run directory. */
  static final String SCRIPT = "fido2_tools.sh";

  /** Inventory section 3.3: the AAGUID, as fido2-token -I prints it (lower-case hex). */
  static final String AAGUID = "244eb29ee0904e4981fe1f20f8d3b8f4";

  private static final List<String> TYPES = List.of("es256", "eddsa");

  private final Path out;

  private Fido2ToolsScenario(Path out) {
    this.out = out;
  }

  /** The results the script left in {@code out}. */
  static Fido2ToolsScenario resultsIn(Path out) {
    return new Fido2ToolsScenario(out);
  }

  /** The host tools the guest borrows: libfido2's tools, usbreset and OpenSSH's ssh-keygen. */
  static void requireTools() {
    HostTools.requireCommand("fido2-token", "fido2-tools");
    HostTools.requireCommand("fido2-cred", "fido2-tools");
    HostTools.requireCommand("fido2-assert", "fido2-tools");
    HostTools.requireCommand("usbreset", "usbutils");
    HostTools.requireCommand("ssh-keygen", "openssh-client");
    HostTools.requireFile(Path.of("/usr/lib/openssh/ssh-sk-helper"), "openssh-client");
  }

  /** Every step the script runs, in order. */
  static List<String> steps() {
    List<String> steps =
        new ArrayList<>(List.of("list", "info", "set-pin", "change-pin", "info-after-pin"));
    for (String type : TYPES) {
      for (String variant : List.of("plain", "rk", "hmac", "rk-hmac")) {
        String id = type + "-" + variant;
        steps.add("cred-make-" + id);
        steps.add("cred-verify-" + id);
        List<String> tags = variant.contains("hmac") ? List.of("a", "a2", "b") : List.of("a");
        for (String tag : tags) {
          steps.add("assert-get-" + id + "-" + tag);
          steps.add("assert-verify-" + id + "-" + tag);
        }
        if (variant.contains("hmac")) {
          steps.add("hmac-same-salt-" + id);
          steps.add("hmac-other-salt-" + id);
        }
      }
    }
    steps.addAll(
        List.of(
            "list-rps",
            "list-creds",
            "delete-cred",
            "list-creds-after-delete",
            "list-rps-after-delete",
            "usb-reset",
            "reenumerated",
            "reset",
            "info-after-reset",
            "set-pin-after-reset",
            "ssh-keygen-resident",
            "ssh-keygen-K",
            "ssh-keygen-K-found",
            "ssh-sign",
            "ssh-verify",
            "ssh-sign-rk",
            "ssh-verify-rk"));
    return steps;
  }

  /** One line per step: "ok" or "FAIL (rc)" and the start of its messages. */
  String summary() {
    StringBuilder s = new StringBuilder();
    for (String step : steps()) {
      Path rc = out.resolve("fido2-" + step + ".rc");
      String status = Files.exists(rc) ? read("fido2-" + step + ".rc").strip() : "missing";
      s.append(String.format("%-32s %s%n", step, status.equals("0") ? "ok" : "FAIL " + status));
    }
    return s.toString();
  }

  /** Every step succeeded and printed what the specifications say. */
  void assertAll() {
    SoftAssertions soft = new SoftAssertions();
    List<String> failed = steps().stream().filter(step -> exitStatus(step) != 0).toList();
    soft.assertThat(failed).as("failed steps of %s:%n%s", SCRIPT, summary()).isEmpty();
    for (String step : failed) {
      soft.fail("step %s: %s%s", step, output(step), errors(step));
    }

    // fido2-token -L: "/dev/hidrawN: vendor=0x20a0, product=0x42d4 (...)".
    soft.assertThat(output("list")).contains("vendor=0x20a0, product=0x42d4");

    // fido2-token -I: CTAP 2.1 6.4 getInfo, inventory section 3.3.
    String info = output("info");
    soft.assertThat(info)
        .containsPattern("version strings: U2F_V2, FIDO_2_0, FIDO_2_1")
        .contains("aaguid: " + AAGUID)
        .containsPattern("options:.*\\brk\\b")
        .containsPattern("options:.*(?<!no)credMgmt")
        .containsPattern("options:.*\\bnoclientPin\\b")
        .containsPattern("extension strings:.*\\bhmac-secret\\b")
        .containsPattern("extension strings:.*\\bcredProtect\\b")
        .containsPattern("algorithms:.*es256")
        .containsPattern("algorithms:.*eddsa");
    soft.assertThat(output("info-after-pin")).containsPattern("options:.*\\bclientPin\\b");
    soft.assertThat(output("info-after-pin")).doesNotContainPattern("options:.*noclientPin");
    soft.assertThat(output("info-after-reset")).containsPattern("options:.*\\bnoclientPin\\b");

    // CTAP 2.1 12.5: hmac-secret is a function of the credential and the salt.
    for (String type : TYPES) {
      for (String id : List.of(type + "-hmac", type + "-rk-hmac")) {
        String a = read("fido2-assert-" + id + "-a.hmac").strip();
        String a2 = read("fido2-assert-" + id + "-a2.hmac").strip();
        String b = read("fido2-assert-" + id + "-b.hmac").strip();
        soft.assertThat(a).as("hmac-secret output %s", id).isNotEmpty();
        soft.assertThat(a2).as("same salt, same output (%s)", id).isEqualTo(a);
        soft.assertThat(b).as("other salt, other output (%s)", id).isNotEqualTo(a);
      }
    }

    // Credential management (CTAP 2.1 6.8): the deleted credential is gone, its RP too.
    String deleted = read("fido2-cred-es256-rk.id").strip();
    soft.assertThat(output("list-creds")).contains(deleted);
    soft.assertThat(output("list-rps")).contains("es256-rk.vcanokey.test");
    soft.assertThat(output("list-creds-after-delete")).doesNotContain(deleted);
    soft.assertThat(output("list-rps-after-delete"))
        .doesNotContain("es256-rk.vcanokey.test")
        .contains("eddsa-rk.vcanokey.test");

    // ssh-keygen -K fetched back the key ssh-keygen -O resident made.
    String made = keyPart(read("fido2-ssh-id_sk.pub"));
    soft.assertThat(made).startsWith("sk-ssh-ed25519@openssh.com ");
    soft.assertThat(read("fido2-ssh-rk.pub")).contains(made);
    soft.assertAll();
  }

  /** The type and base64 fields of an OpenSSH public key line, without the comment. */
  private static String keyPart(String line) {
    String[] fields = line.strip().split(" ");
    return fields.length >= 2 ? fields[0] + " " + fields[1] : line.strip();
  }

  private int exitStatus(String step) {
    Path rc = out.resolve("fido2-" + step + ".rc");
    return Files.exists(rc) ? Integer.parseInt(read("fido2-" + step + ".rc").strip()) : -1;
  }

  private String output(String step) {
    return read("fido2-" + step + ".out");
  }

  private String errors(String step) {
    String err = read("fido2-" + step + ".err");
    return err.isEmpty() ? "" : "\n" + err;
  }

  private String read(String file) {
    Path path = out.resolve(file);
    if (!Files.exists(path)) {
      return "";
    }
    try (Stream<String> lines = Files.lines(path, StandardCharsets.UTF_8)) {
      return String.join("\n", lines.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read result " + file, e);
    }
  }
}
