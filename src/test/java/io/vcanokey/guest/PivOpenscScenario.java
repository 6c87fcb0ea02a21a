package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The OpenSC 0.23 scenario of {@code piv/piv_opensc.sh}, run on the host over vpcd or in a guest
 * over USB CCID, and its checks: OpenSC's PIV driver recognises the card, its PKCS#15 emulation and
 * PKCS#11 module list the keys and certificates yubico-piv-tool put there (labels from OpenSC's
 * pkcs15-piv.c), signatures made through the PKCS#11 module verify with openssl against the public
 * keys, ECDH and RSA decryption through the module agree with openssl, and piv-tool's
 * management-key authentication (SP 800-73-4 part 2, 3.2.4 GENERAL AUTHENTICATE, external and
 * mutual) opens PUT DATA, which refuses without it (6982).
 */
public final class PivOpenscScenario {

  /** The script, in src/test/resources/piv. */
  public static final String SCRIPT = "piv_opensc.sh";

  /** OpenSC's PKCS#11 module on Debian (package opensc-pkcs11). */
  public static final String MODULE = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

  private final Path out;

  private PivOpenscScenario(Path out) {
    this.out = out;
  }

  /** The results the script left in {@code out}. */
  public static PivOpenscScenario resultsIn(Path out) {
    return new PivOpenscScenario(out);
  }

  /** Checks every step. */
  public void assertAll() {
    assertThat(read("opensc-reader.txt").strip()).as("reader found by opensc-tool -l").isNotEmpty();
    for (String slot : new String[] {"9a", "9c", "9d"}) {
      succeeded("gen-" + slot);
      succeeded("cert-" + slot);
      succeeded("import-cert-" + slot);
    }

    // OpenSC picks its PIV driver by itself, although the ATR is the OpenPGP applet's too: the
    // PIV driver comes before the OpenPGP one in OpenSC's list and finds the PIV application.
    succeeded("name");
    assertThat(output("name")).contains("Personal Identity Verification Card");

    // OpenSC's PIV emulation (pkcs15-piv.c): PIN and PUK, and one private key, public key and
    // certificate per filled slot, with the algorithm and size of the certificate's key.
    succeeded("pkcs15-dump");
    assertThat(output("pkcs15-dump"))
        .contains("Manufacturer ID: piv_II")
        .contains("PIN [PIN]", "PIN [PIV PUK]")
        .contains("X.509 Certificate [Certificate for PIV Authentication]")
        .contains("X.509 Certificate [Certificate for Digital Signature]")
        .contains("X.509 Certificate [Certificate for Key Management]")
        // SP 800-73-4 part 1, 3.3.2: discovery object with the PIV AID and the PIN usage policy.
        .contains("7E124F0BA0000003080000100001005F2F02");
    assertThat(block("pkcs15-dump", "Private EC Key [PIV AUTH key]"))
        .contains("FieldLength    : 256");
    assertThat(block("pkcs15-dump", "Private RSA Key [SIGN key]"))
        .contains("ModLength      : 2048");
    assertThat(block("pkcs15-dump", "Private EC Key [KEY MAN key]"))
        .contains("FieldLength    : 384");
    succeeded("pkcs15-pubkey-9a");
    assertThat(output("pkcs15-pubkey-9a").strip())
        .as("pkcs15-tool --read-public-key 01 is the key yubico-piv-tool generated in 9A")
        .isEqualTo(read("opensc-pub-9a.pem").strip());

    succeeded("pkcs11-list");
    assertThat(output("pkcs11-list"))
        .contains("Certificate Object; type = X.509 cert")
        .contains("label:      Certificate for PIV Authentication")
        .contains("label:      Certificate for Digital Signature")
        .contains("label:      Certificate for Key Management")
        .contains("Public Key Object; EC  EC_POINT 256 bits")
        .contains("Public Key Object; RSA 2048 bits")
        .contains("Public Key Object; EC  EC_POINT 384 bits")
        .doesNotContain("Private Key Object");
    succeeded("pkcs11-list-login");
    assertThat(output("pkcs11-list-login"))
        .containsPattern("Private Key Object; EC\\s+label:      PIV AUTH key")
        .containsPattern("Private Key Object; RSA\\s+label:      SIGN key")
        .containsPattern("Private Key Object; EC\\s+label:      KEY MAN key")
        // 9C is "PIN Always" (SP 800-73-4 part 1, table 4b): CKA_ALWAYS_AUTHENTICATE.
        .contains("Access:     always authenticate, sensitive");

    succeeded("pkcs11-sign-ec");
    succeeded("verify-ec");
    assertThat(output("verify-ec")).contains("Verified OK");
    succeeded("pkcs11-sign-rsa");
    succeeded("verify-rsa");
    assertThat(output("verify-rsa")).contains("Verified OK");
    succeeded("pkcs11-derive");
    succeeded("derive-openssl");
    assertThat(bytes("opensc-secret-card.bin"))
        .as("ECDH secret of 9D through PKCS#11 equals openssl's")
        .hasSize(48)
        .isEqualTo(bytes("opensc-secret-host.bin"));
    succeeded("encrypt");
    succeeded("pkcs11-decrypt");
    assertThat(bytes("opensc-decrypted.txt")).isEqualTo(bytes("opensc-plain.txt"));
    assertThat(exitStatus("pkcs11-wrong-pin")).as("pkcs11-tool with a wrong PIN").isNotZero();
    assertThat(error("pkcs11-wrong-pin")).contains("CKR_PIN_INCORRECT");
    assertThat(output("tries-after-wrong")).contains("PIN tries left:\t2\n");

    // PUT DATA without the management key: SP 800-73-4 part 2, 3.3.1, security status 6982.
    assertThat(output("piv-put-no-auth")).contains("Received (SW1=0x69, SW2=0x82)");
    if (exitStatus("piv-external") == 0) {
      assertThat(output("piv-external")).contains("Received (SW1=0x90, SW2=0x00)");
      assertThat(output("piv-get-1")).contains("53 02 CA FE");
    } else {
      // OpenSC 0.23.0 fails external authentication itself, with any card, before it sends the
      // response (its length check is wrong: OpenSC issue 2658, fixed in 0.24.0).
      assertThat(error("piv-external")).contains("admin_mode failed -1400");
      assertThat(output("piv-get-1")).contains("Received (SW1=0x6A, SW2=0x82)");
    }
    succeeded("piv-mutual");
    assertThat(output("piv-mutual")).contains("Received (SW1=0x90, SW2=0x00)");
    assertThat(output("piv-get-2"))
        .contains("Received (SW1=0x90, SW2=0x00)")
        .contains("53 02 BE EF");
    // A wrong key: the card refuses the host's response to its witness with 6982 (part 2, 3.2.4).
    assertThat(exitStatus("piv-wrong-key")).as("piv-tool -A M with a wrong key").isNotZero();
    assertThat(error("piv-wrong-key")).contains("admin_mode failed -1211");
    assertThat(exitStatus("piv-wrong-key-external")).as("piv-tool -A A, wrong key").isNotZero();
    assertThat(output("piv-get-3")).as("nothing written with a wrong key").contains("53 02 BE EF");
  }

  /** The lines of a pkcs15-tool --dump entry, from its header to the next blank line. */
  private String block(String step, String header) {
    String text = output(step);
    int start = text.indexOf(header + "\n");
    assertThat(start).as("%s in:\n%s", header, text).isNotNegative();
    int end = text.indexOf("\n\n", start);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  private void succeeded(String step) {
    assertThat(exitStatus(step))
        .as("opensc step %s:\n%s\n%s", step, output(step), error(step))
        .isZero();
  }

  private int exitStatus(String step) {
    return Integer.parseInt(read("opensc-" + step + ".rc").strip());
  }

  private String output(String step) {
    return read("opensc-" + step + ".out");
  }

  private String error(String step) {
    return read("opensc-" + step + ".err");
  }

  private byte[] bytes(String file) {
    try {
      return Files.readAllBytes(out.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException("missing result " + file, e);
    }
  }

  private String read(String file) {
    return new String(bytes(file), StandardCharsets.UTF_8);
  }
}
