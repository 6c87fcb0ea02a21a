package io.vcanokey.guest;

import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.KeyType;
import io.vcanokey.pcsc.Pcscd;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import javax.smartcardio.TerminalFactory;

/**
 * Benchmark, not a test: the OpenPGP applet through pcscd and the vpcd reader, next to the same
 * primitive called directly in this JVM (io.vcanokey.core.crypto). Prints medians of on-card key
 * generation (GENERATE ASYMMETRIC KEY PAIR) per algorithm and of PSO COMPUTE DIGITAL SIGNATURE for
 * RSA 2048, NIST P-256 and Ed25519. Run it with bench/openpgp.sh [--rounds N].
 */
public final class OpenPgpBenchmark {

  private static final HexFormat HEX = HexFormat.of();

  /** Algorithm attributes (OpenPGP card 3.4, 4.4.3.9) for the signature key slot, C1. */
  private static final List<Object[]> ALGORITHMS =
      List.of(
          new Object[] {"RSA 2048", "010800002000", KeyType.RSA_2048, 10},
          new Object[] {"RSA 3072", "010C00002000", KeyType.RSA_3072, 5},
          new Object[] {"RSA 4096", "011000002000", KeyType.RSA_4096, 5},
          new Object[] {"NIST P-256", "132A8648CE3D030107", KeyType.NIST_P256, 20},
          new Object[] {"NIST P-384", "132B81040022", KeyType.NIST_P384, 20},
          new Object[] {"NIST P-521", "132B81040023", KeyType.NIST_P521, 20},
          new Object[] {"secp256k1", "132B8104000A", KeyType.SECP256K1, 20},
          new Object[] {"brainpoolP256r1", "132B2403030208010107", KeyType.BRAINPOOL_P256R1, 20},
          new Object[] {"Ed25519", "162B06010401DA470F01", KeyType.ED25519, 20});

  private OpenPgpBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = 200;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--rounds")) {
        rounds = Integer.parseInt(args[++i]);
      } else {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.setProperty(
        "sun.security.smartcardio.library", "/usr/lib/x86_64-linux-gnu/libpcsclite.so.1");
    SecureRandom random = new SecureRandom();
    java.nio.file.Path state = GuestPaths.newRunDir("bench-openpgp").resolve("key.db");
    try (Pcscd.Lease pcscd = Pcscd.acquire();
        KeyProcess key = KeyProcess.startVpcd("bench-openpgp", state, Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, Duration.ofSeconds(20));
      CardChannel card = connect(Pcscd.READER);
      send(card, "00A4040006D27600012401");
      send(card, "00200083083132333435363738"); // PW3 12345678
      send(card, "00DA00C40101"); // PW1 valid for several signatures

      System.out.printf("%-16s %14s %14s%n", "key generation", "card via vpcd", "JVM primitive");
      for (Object[] algo : ALGORITHMS) {
        String name = (String) algo[0];
        int n = (Integer) algo[3];
        send(card, "00DA00C1" + String.format("%02X", algo[1].toString().length() / 2) + algo[1]);
        double onCard = median(n, () -> send(card, "00478000000002B6000000"));
        KeyType type = (KeyType) algo[2];
        double direct = median(n, () -> CardKey.generate(type, random));
        System.out.printf(Locale.ROOT, "%-16s %11.2f ms %11.2f ms%n", name, onCard, direct);
      }

      System.out.printf("%n%-16s %14s %14s%n", "signature", "card via vpcd", "JVM primitive");
      byte[] hash = new byte[32];
      random.nextBytes(hash);
      // DigestInfo for SHA-256 (RFC 8017, 9.2 note 1) followed by the hash.
      byte[] digestInfo =
          HEX.parseHex("3031300D060960864801650304020105000420" + HEX.formatHex(hash));
      for (Object[] algo : List.of(ALGORITHMS.get(0), ALGORITHMS.get(3), ALGORITHMS.get(8))) {
        String name = (String) algo[0];
        KeyType type = (KeyType) algo[2];
        send(card, "00DA00C1" + String.format("%02X", algo[1].toString().length() / 2) + algo[1]);
        send(card, "00478000000002B6000000");
        send(card, "00200081063132333435 36".replace(" ", "")); // PW1 123456 for signing
        byte[] input = type.isRsa() ? digestInfo : hash;
        String pso = "002A9E9A" + String.format("%02X", input.length) + HEX.formatHex(input) + "00";
        double onCard = median(rounds, () -> send(card, pso));
        CardKey direct = CardKey.generate(type, random);
        double jvm =
            median(
                rounds,
                () ->
                    type.isRsa()
                        ? direct.signPkcs1(digestInfo)
                        : type.isEdwards() ? direct.signEd25519(hash) : direct.signEcdsa(hash));
        System.out.printf(Locale.ROOT, "%-16s %11.2f ms %11.2f ms%n", name, onCard, jvm);
      }
    }
  }

  interface Operation {
    Object run() throws Exception;
  }

  private static double median(int rounds, Operation operation) throws Exception {
    operation.run(); // warm-up
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      operation.run();
      nanos.add(System.nanoTime() - start);
    }
    Collections.sort(nanos);
    return nanos.get(rounds / 2) / 1e6;
  }

  private static CardChannel connect(String reader) throws CardException {
    for (CardTerminal terminal : TerminalFactory.getDefault().terminals().list()) {
      if (terminal.getName().equals(reader)) {
        return terminal.connect("*").getBasicChannel();
      }
    }
    throw new IllegalStateException("no reader " + reader);
  }

  private static ResponseAPDU send(CardChannel card, String hex) throws CardException {
    ResponseAPDU r = card.transmit(new CommandAPDU(HEX.parseHex(hex)));
    if (r.getSW() != 0x9000) {
      throw new IllegalStateException(
          hex.substring(0, 8) + " answered " + Integer.toHexString(r.getSW()));
    }
    return r;
  }
}
