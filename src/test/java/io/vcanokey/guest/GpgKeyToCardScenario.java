package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The GnuPG scenario of {@code gpg/gpg_keytocard.sh}: software keys of each algorithm moved to the
 * card with keytocard (the card's key import through the extended header list, OpenPGP card 3.4,
 * 4.4.3.12), then used from the card: gpg verifies the signature and decrypts the message.
 */
public final class GpgKeyToCardScenario {

  public static final String SCRIPT = "gpg_keytocard.sh";

  /** Every algorithm issue 4 names for keytocard, as gpg_keytocard.sh spells them. */
  public static final List<String> ALGORITHMS =
      List.of(
          "rsa2048",
          "rsa4096",
          "nistp256",
          "nistp384",
          "nistp521",
          "brainpoolP256r1",
          "secp256k1",
          "ed25519");

  private final Path out;

  private GpgKeyToCardScenario(Path out) {
    this.out = out;
  }

  public static GpgKeyToCardScenario resultsIn(Path out) {
    return new GpgKeyToCardScenario(out);
  }

  /** Checks every step of each of {@code algorithms}. */
  public void assertAll(List<String> algorithms) {
    for (String algo : algorithms) {
      for (String step :
          List.of(
              "create",
              "add-encr",
              "add-auth",
              "factory-reset",
              "keytocard",
              "status",
              "sign",
              "verify",
              "encrypt",
              "decrypt")) {
        assertThat(read("gpg-k2c-" + algo + "-" + step + ".rc").strip())
            .as("gpg %s %s:\n%s", algo, step, read("gpg-k2c-" + algo + "-" + step + ".err"))
            .isEqualTo("0");
      }
      String status = read("gpg-k2c-" + algo + "-status.out");
      String attributes =
          algo.equals("ed25519") ? "ed25519 cv25519 ed25519" : algo + " " + algo + " " + algo;
      assertThat(status).contains("Key attributes ...: " + attributes);
      // gpg lists each of the three keys as living on the card ("card-no: F1D0 <serial>").
      assertThat(status.split("card-no: F1D0 ", -1)).as("%s keys on the card", algo).hasSize(4);
      assertThat(read("gpg-k2c-" + algo + "-verify.err")).contains("[GNUPG:] GOODSIG");
      assertThat(read("k2c-" + algo + ".dec")).isEqualTo(read("k2c-message.txt"));
    }
  }

  private String read(String file) {
    try {
      return Files.readString(out.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException("missing result " + file, e);
    }
  }
}
