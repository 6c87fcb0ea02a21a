package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The yubico-piv-tool 2.2 scenario of {@code piv/piv_tool.sh}, run on the host over vpcd or in a
 * guest over USB CCID, and its checks. Every expectation is what yubico-piv-tool, openssl or the
 * JDK's X.509 parser report: the tool's own messages (yubico-piv-tool 2.2.0, tool/
 * yubico-piv-tool.c), the tries left that SP 800-73-4 part 2, 3.2.1 status words 63CX carry, the
 * defaults of SP 800-73-4 and the YubiKey (PIN 123456, PUK 12345678, three tries), and the version
 * 5.7.0 our GET VERSION is specified to answer (issue 5).
 */
public final class PivToolScenario {

  /** The script, in src/test/resources/piv. */
  public static final String SCRIPT = "piv_tool.sh";

  /** The touch-policy script for a key run with {@code --touch deny}, in src/test/resources/piv. */
  public static final String TOUCH_SCRIPT = "piv_touch.sh";

  /** Every slot with every algorithm yubico-piv-tool 2.2 generates (the script's default). */
  public static final List<String> ALL_KEYS =
      List.of(
          "9a:RSA2048",
          "9c:RSA2048",
          "9d:RSA2048",
          "9e:RSA2048",
          "82:RSA2048",
          "9a:ECCP256",
          "9c:ECCP256",
          "9d:ECCP256",
          "9e:ECCP256",
          "82:ECCP256",
          "9a:ECCP384",
          "9c:ECCP384",
          "9d:ECCP384",
          "9e:ECCP384",
          "82:ECCP384");

  /** Each slot once and each algorithm at least once, for the slower guest. */
  public static final List<String> SOME_KEYS =
      List.of("9a:ECCP256", "9c:RSA2048", "9d:ECCP384", "9e:ECCP256", "82:RSA2048");

  /** The keys the script imports (made by openssl), as NAME:SLOT. */
  private static final List<String> IMPORTED =
      List.of("rsa2048:9a", "rsa1024:83", "p256:84", "p384:9d");

  private final Path out;

  private PivToolScenario(Path out) {
    this.out = out;
  }

  /**
   * The tools piv_tool.sh and piv_opensc.sh run; a missing one skips the test, or fails it in CI.
   */
  public static void requireTools() {
    HostTools.requireCommand("yubico-piv-tool", "yubico-piv-tool");
    HostTools.requireCommand("openssl", "openssl");
    HostTools.requireCommand("opensc-tool", "opensc");
    HostTools.requireCommand("pkcs15-tool", "opensc");
    HostTools.requireCommand("pkcs11-tool", "opensc");
    HostTools.requireCommand("piv-tool", "opensc");
    HostTools.requireFile(
        Path.of(PivOpenscScenario.MODULE), "OpenSC PKCS#11 module (opensc-pkcs11)");
  }

  /** The results the script left in {@code out}. */
  public static PivToolScenario resultsIn(Path out) {
    return new PivToolScenario(out);
  }

  /**
   * Checks every step; {@code serial} is the key's serial number as eight hex digits, {@code keys}
   * the SLOT:ALGORITHM list the script was given.
   */
  public void assertAll(String serial, List<String> keys) {
    assertStatusAndObjects(serial);
    for (String key : keys) {
      assertGeneratedKey(key);
    }
    assertStatusLists(keys);
    assertPinPolicies(keys);
    assertChosenPolicies();
    for (String imported : IMPORTED) {
      assertImportedKey(imported);
    }
    assertFailed("attest-imported", "Failed to attest data.");
    assertDataObjects();
    assertPinAndPuk();
    assertManagementKeyAndRetries();
    assertReset();
  }

  /**
   * Checks the results of {@link #TOUCH_SCRIPT} on a key that refuses every touch: a key with touch
   * policy "always" and a management key set to need a touch are refused, a key with touch policy
   * "never" works (Yubico PIV extensions: touch policy; issue 5: refusal answers 6982).
   */
  public void assertTouchRefused() {
    for (String step : List.of("ca", "cert-9a", "cert-9e")) {
      succeeded("touch-" + step);
    }
    succeeded("touch-gen-9a", "Successfully generated a new private key.");
    succeeded("touch-import-cert-9a", "Successfully imported a new certificate.");
    assertFailed("touch-sign-9a", "Failed signing test data.");
    assertThat(error("touch-sign-9a")).contains("Successfully verified PIN.");
    succeeded("touch-gen-9e", "Successfully generated a new private key.");
    succeeded("touch-import-cert-9e", "Successfully imported a new certificate.");
    succeeded("touch-sign-9e", "Successful ECDSA verification.");
    succeeded("touch-set-mgm-key", "Successfully set new management key.");
    assertFailed("touch-use-mgm-key", "Failed authentication with the application.");
  }

  private void assertStatusAndObjects(String serial) {
    succeeded("ca");
    String first = output("status-first");
    succeeded("status-first");
    assertThat(first).contains("Version:\t5.7.0\n");
    // yubico-piv-tool prints the 32-bit serial number with %d.
    int serialNumber = (int) Long.parseLong(serial, 16);
    assertThat(first).contains("Serial Number:\t" + serialNumber + "\n");
    assertThat(first).contains("CHUID:\tNo data available\n", "CCC:\tNo data available\n");
    assertThat(first).contains("PIN tries left:\t3\n").doesNotContain("Slot ");
    succeeded("version");
    assertThat(output("version")).contains("Application version 5.7.0 found.");

    // The attestation certificate (slot F9, object 5FFF01) reads both as a certificate and as a
    // raw object: tag 70 with the certificate's DER inside (Yubico's certificate object format).
    succeeded("read-f9");
    X509Certificate f9 = certificate("f9.pem");
    succeeded("read-object-f9");
    byte[] object = bytes("f9-object.bin");
    assertThat(object[0]).as("certificate tag 70").isEqualTo((byte) 0x70);
    assertThat(indexOf(object, encoded(f9))).as("F9 certificate inside object 5FFF01").isPositive();

    succeeded("set-ccc", "Successfully set new CCC.");
    succeeded("set-chuid", "Successfully set new CHUID.");
    String ccc = printedId("set-ccc", "CCC");
    String chuid = printedId("set-chuid", "CHUID");
    succeeded("status-ids");
    assertThat(statusField("status-ids", "CHUID")).contains(chuid);
    assertThat(statusField("status-ids", "CCC")).contains(ccc);
  }

  private void assertGeneratedKey(String key) {
    String t = key.replace(':', '-');
    String algorithm = key.substring(key.indexOf(':') + 1);
    succeeded("gen-" + t, "Successfully generated a new private key.");
    succeeded("pubkey-" + t);
    assertThat(output("pubkey-" + t)).contains(openSslDescription(algorithm));

    // Attestation: openssl verifies the statement against the F9 certificate, and the attested
    // public key is the one generate printed.
    succeeded("attest-" + t);
    succeeded("attest-verify-" + t);
    assertThat(output("attest-verify-" + t).strip()).endsWith("attest-" + t + ".pem: OK");
    succeeded("attest-pubkey-" + t);
    assertThat(output("attest-pubkey-" + t).strip()).isEqualTo(read("pub-" + t + ".pem").strip());

    assertCertifiedKeyWorks(t, algorithm);
  }

  private void assertImportedKey(String imported) {
    String name = imported.substring(0, imported.indexOf(':'));
    succeeded("keygen-" + name);
    succeeded("import-key-" + name, "Successfully imported a new private key.");
    String algorithm =
        switch (name) {
          case "rsa2048" -> "RSA2048";
          case "rsa1024" -> "RSA1024";
          case "p256" -> "ECCP256";
          default -> "ECCP384";
        };
    assertCertifiedKeyWorks("import-" + name, algorithm);
  }

  /** Certificate import and read-back, test-signature and test-decipher for one key. */
  private void assertCertifiedKeyWorks(String t, String algorithm) {
    succeeded("cert-" + t);
    succeeded("import-cert-" + t, "Successfully imported a new certificate.");
    succeeded("read-cert-" + t);
    assertThat(encoded(certificate("read-" + t + ".pem")))
        .as("read-certificate returns the imported certificate")
        .isEqualTo(encoded(certificate("cert-" + t + ".pem")));
    boolean rsa = algorithm.startsWith("RSA");
    succeeded("sign-" + t, "Successfully verified PIN.");
    assertThat(error("sign-" + t))
        .contains(rsa ? "Successful RSA verification." : "Successful ECDSA verification.");
    succeeded("decipher-" + t);
    assertThat(error("decipher-" + t))
        .contains(
            rsa
                ? "Successfully performed RSA decryption!"
                : "Successfully performed ECDH exchange with card.");
  }

  /** status lists each slot's certificate: the algorithm of the last key, subject and issuer. */
  private void assertStatusLists(List<String> keys) {
    succeeded("status-keys");
    Map<String, String> last = new LinkedHashMap<>();
    for (String key : keys) {
      last.put(key.substring(0, key.indexOf(':')), key.substring(key.indexOf(':') + 1));
    }
    String status = output("status-keys");
    for (Map.Entry<String, String> slot : last.entrySet()) {
      String t = slot.getKey() + "-" + slot.getValue();
      assertThat(status)
          .contains(
              "Slot "
                  + slot.getKey()
                  + ":\t\n\tAlgorithm:\t"
                  + slot.getValue()
                  + "\n\tSubject DN:\tCN=vcanokey "
                  + t
                  + "\n\tIssuer DN:\tCN=vcanokey test CA\n");
    }
  }

  /** SP 800-73-4 part 1, table 4b: the PIV Authentication key needs the PIN, 9E not. */
  private void assertPinPolicies(List<String> keys) {
    if (keys.stream().anyMatch(k -> k.startsWith("9a:"))) {
      assertFailed("sign-without-pin-9a", "Failed signing test data.");
    }
    if (keys.stream().anyMatch(k -> k.startsWith("9a:"))) {
      succeeded("sign-twice-9a", "Successfully verified PIN.");
      assertThat(error("sign-twice-9a"))
          .containsPattern("(Successful (RSA|ECDSA) verification\\.\\s+){2}");
    }
    if (keys.stream().anyMatch(k -> k.startsWith("9c:"))) {
      assertSignedOnceThenRefused("sign-twice-9c");
    }
    if (keys.stream().anyMatch(k -> k.startsWith("9e:"))) {
      succeeded("sign-without-pin-9e");
      assertThat(error("sign-without-pin-9e"))
          .containsPattern("Successful (RSA|ECDSA) verification");
    }
  }

  /** PIN and touch policies chosen with --pin-policy and --touch-policy, delete-certificate. */
  private void assertChosenPolicies() {
    succeeded("gen-pin-never", "Successfully generated a new private key.");
    succeeded("import-cert-pin-never");
    succeeded("sign-pin-never", "Successful ECDSA verification.");
    succeeded("gen-pin-always", "Successfully generated a new private key.");
    succeeded("import-cert-pin-always");
    assertSignedOnceThenRefused("sign-twice-pin-always");
    succeeded("gen-touch-always", "Successfully generated a new private key.");
    succeeded("import-cert-touch");
    succeeded("sign-touch", "Successful ECDSA verification.");
    succeeded("delete-cert");
    assertFailed("read-deleted-cert", "Failed fetching certificate.");
  }

  /** One VERIFY, two signatures: the first works, the second needs the PIN again. */
  private void assertSignedOnceThenRefused(String step) {
    assertThat(exitStatus(step)).as("piv step %s:\n%s", step, error(step)).isNotZero();
    assertThat(error(step))
        .containsPattern(
            "Successfully verified PIN\\.\\s+Successful (RSA|ECDSA) verification\\.\\s+"
                + "Failed signing test data\\.");
  }

  private void assertDataObjects() {
    succeeded("write-object");
    succeeded("read-object");
    assertThat(bytes("object-read.bin")).as("3063-byte object").isEqualTo(bytes("object.bin"));
    succeeded("write-printed");
    assertFailed("read-printed-without-pin", "Failed fetching object.");
    succeeded("read-printed", "Successfully verified PIN.");
    assertThat(bytes("printed-read.bin")).isEqualTo(bytes("printed.bin"));
  }

  private void assertPinAndPuk() {
    succeeded("verify-pin", "Successfully verified PIN.");
    assertFailed("verify-wrong-1", "Pin verification failed, 2 tries left before pin is blocked.");
    assertFailed("verify-wrong-2", "Pin verification failed, 1 tries left before pin is blocked.");
    assertThat(output("status-tries")).contains("PIN tries left:\t1\n");
    assertFailed("verify-wrong-3", "Pin code blocked, use unblock-pin action to unblock.");
    assertFailed("verify-blocked", "Pin code blocked, use unblock-pin action to unblock.");
    succeeded("unblock-pin", "Successfully unblocked the pin code.");
    succeeded("verify-unblocked", "Successfully verified PIN.");
    succeeded("change-pin", "Successfully changed the pin code.");
    assertFailed("verify-old-pin", "Pin verification failed, 2 tries left before pin is blocked.");
    succeeded("verify-changed-pin", "Successfully verified PIN.");
    assertFailed("change-pin-wrong", "Failed verifying pin code, now 2 tries left before blocked.");
    succeeded("change-puk", "Successfully changed the puk code.");
    assertFailed("unblock-old-puk", "Failed verifying puk code, now 2 tries left before blocked.");
    succeeded("unblock-new-puk", "Successfully unblocked the pin code.");
    succeeded("verify-after-unblock", "Successfully verified PIN.");
  }

  private void assertManagementKeyAndRetries() {
    succeeded("set-mgm-key", "Successfully set new management key.");
    assertFailed("old-mgm-key", "Failed authentication with the application.");
    succeeded("new-mgm-key", "Successfully set new CHUID.");
    succeeded(
        "pin-retries",
        "Successfully changed pin retries to 5 and puk retries to 4, both codes have been reset"
            + " to default now.");
    assertFailed(
        "retries-pin-wrong", "Pin verification failed, 4 tries left before pin is blocked.");
    assertFailed(
        "retries-puk-wrong", "Failed verifying puk code, now 3 tries left before blocked.");
    succeeded("retries-default-pin", "Successfully verified PIN.");
    succeeded("retries-default-puk", "Successfully unblocked the pin code.");
  }

  private void assertReset() {
    assertFailed("reset-refused", "Reset failed, are pincodes blocked?");
    for (int i = 1; i <= 4; i++) {
      assertFailed(
          "block-pin-" + i,
          "Pin verification failed, " + (5 - i) + " tries left before pin is blocked.");
    }
    assertFailed("block-pin-5", "Pin code blocked, use unblock-pin action to unblock.");
    for (int i = 1; i <= 4; i++) {
      assertFailed(
          "block-puk-" + i,
          "Failed verifying puk code, now " + (4 - i) + " tries left before blocked.");
    }
    assertFailed(
        "block-puk-5", "The puk code is blocked, you will have to reinitialize the application.");
    succeeded("reset", "Successfully reset the application.");
    // Yubico: reset restores the factory state; no keys, certificates or data objects remain.
    String status = output("status-after-reset");
    assertThat(status).contains("CHUID:\tNo data available\n", "CCC:\tNo data available\n");
    assertThat(status).contains("PIN tries left:\t3\n").doesNotContain("Slot ");
    succeeded("default-pin-after-reset", "Successfully verified PIN.");
    succeeded("default-puk-after-reset", "Successfully changed the puk code.");
    succeeded("default-mgm-key-after-reset", "Successfully set new CCC.");
    assertFailed(
        "wrong-pin-after-reset", "Pin verification failed, 2 tries left before pin is blocked.");
    succeeded("verify-pin-after-reset", "Successfully verified PIN.");
  }

  /** What {@code openssl pkey -pubin -text} prints for a public key of the algorithm. */
  private static String openSslDescription(String algorithm) {
    return switch (algorithm) {
      case "RSA1024" -> "Public-Key: (1024 bit)";
      case "RSA2048" -> "Public-Key: (2048 bit)";
      case "ECCP256" -> "ASN1 OID: prime256v1";
      case "ECCP384" -> "ASN1 OID: secp384r1";
      default -> throw new IllegalArgumentException(algorithm);
    };
  }

  /** The identifier {@code -v set-ccc} / {@code -v set-chuid} printed, as status prints hex. */
  private String printedId(String step, String what) {
    Matcher m =
        Pattern.compile("Set the " + what + " ID to: ((?:[0-9a-f]{2} )+)").matcher(error(step));
    assertThat(m.find()).as("%s printed its ID:\n%s", step, error(step)).isTrue();
    return m.group(1).replace(" ", "");
  }

  /** The value status printed after "NAME:\t". */
  private String statusField(String step, String name) {
    for (String line : output(step).split("\n")) {
      if (line.startsWith(name + ":\t")) {
        return line.substring(name.length() + 2).toLowerCase(Locale.ROOT);
      }
    }
    throw new AssertionError("no " + name + " in status:\n" + output(step));
  }

  private void succeeded(String step, String... messages) {
    assertThat(exitStatus(step))
        .as("piv step %s:\n%s\n%s", step, output(step), error(step))
        .isZero();
    for (String message : messages) {
      assertThat(error(step)).as("piv step %s", step).contains(message);
    }
  }

  private void assertFailed(String step, String message) {
    assertThat(exitStatus(step))
        .as("piv step %s must fail:\n%s\n%s", step, output(step), error(step))
        .isNotZero();
    assertThat(error(step)).contains(message);
  }

  private int exitStatus(String step) {
    return Integer.parseInt(read("piv-" + step + ".rc").strip());
  }

  private String output(String step) {
    return read("piv-" + step + ".out");
  }

  private String error(String step) {
    return read("piv-" + step + ".err");
  }

  private X509Certificate certificate(String file) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(bytes(file)));
    } catch (CertificateException e) {
      throw new AssertionError("not a certificate: " + file, e);
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateException e) {
      throw new AssertionError(e);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
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
