package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The GnuPG algorithm scenario of {@code gpg/gpg_algos.sh}: for each algorithm gpg sets the card's
 * key attributes, generates the three keys on the card, and gpg itself verifies a signature and
 * decrypts a message made with them; where OpenSSH knows the key type, ssh-keygen verifies a
 * signature made by the authentication key through gpg-agent's ssh support.
 */
public final class GpgAlgorithmScenario {

  public static final String SCRIPT = "gpg_algos.sh";

  /** Every algorithm issue 4 names for on-card generation, as gpg_algos.sh spells them. */
  public static final List<String> ALGORITHMS =
      List.of(
          "rsa2048",
          "rsa3072",
          "rsa4096",
          "nistp256",
          "nistp384",
          "nistp521",
          "brainpoolP256r1",
          "secp256k1",
          "ed25519");

  private final Path out;

  private GpgAlgorithmScenario(Path out) {
    this.out = out;
  }

  public static GpgAlgorithmScenario resultsIn(Path out) {
    return new GpgAlgorithmScenario(out);
  }

  /** Checks every step of every algorithm in {@link #ALGORITHMS}. */
  public void assertAll() {
    for (String algo : ALGORITHMS) {
      for (String step :
          List.of("key-attr", "generate", "status", "sign", "verify", "encrypt", "decrypt")) {
        assertThat(read("gpg-" + algo + "-" + step + ".rc").strip())
            .as("gpg %s %s:\n%s", algo, step, read("gpg-" + algo + "-" + step + ".err"))
            .isEqualTo("0");
      }
      // gpg names the decryption key of an Ed25519 set cv25519; every other set is uniform.
      String attributes =
          algo.equals("ed25519") ? "ed25519 cv25519 ed25519" : algo + " " + algo + " " + algo;
      assertThat(read("gpg-" + algo + "-status.out")).contains("Key attributes ...: " + attributes);
      assertThat(read("gpg-" + algo + "-verify.err")).contains("[GNUPG:] GOODSIG");
      assertThat(read(algo + ".dec"))
          .as("%s decryption", algo)
          .isEqualTo(read("algos-message.txt"));
      if (algo.equals("secp256k1") || algo.startsWith("brainpool")) {
        continue; // OpenSSH has no such key type
      }
      for (String step : List.of("ssh-export", "ssh-sign", "ssh-verify")) {
        assertThat(read("gpg-" + algo + "-" + step + ".rc").strip())
            .as("%s %s:\n%s", algo, step, read("gpg-" + algo + "-" + step + ".err"))
            .isEqualTo("0");
      }
      assertThat(read("gpg-" + algo + "-ssh-verify.out") + read("gpg-" + algo + "-ssh-verify.err"))
          .contains("Good \"file\" signature");
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
