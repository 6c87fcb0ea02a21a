package io.vcanokey.guest;

import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.KeyType;
import io.vcanokey.pcsc.Pcscd;
import java.security.MessageDigest;
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
 * Benchmark, not a test: the PIV applet through pcscd and the vpcd reader, next to the same
 * primitive called directly in this JVM (io.vcanokey.core.crypto). Prints median and p90 of on-card
 * key generation (GENERATE ASYMMETRIC KEY PAIR, NIST SP 800-73-4 part 2, 3.3.2) for RSA 2048, 3072
 * and 4096, P-256, P-384 and Ed25519, and of signatures (GENERAL AUTHENTICATE, 3.2.4) with RSA
 * 2048, P-256 and Ed25519, each a full client round trip. Run it with bench/piv.sh [--rounds N].
 */
public final class PivBenchmark {

  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  /** Name, Yubico/SP 800-78-4 algorithm id, the primitive's type, key generation rounds. */
  private record Algorithm(String name, int id, KeyType type, int rounds) {}

  private static final List<Algorithm> ALGORITHMS =
      List.of(
          new Algorithm("RSA 2048", 0x07, KeyType.RSA_2048, 10),
          new Algorithm("RSA 3072", 0x05, KeyType.RSA_3072, 5),
          new Algorithm("RSA 4096", 0x16, KeyType.RSA_4096, 5),
          new Algorithm("NIST P-256", 0x11, KeyType.NIST_P256, 30),
          new Algorithm("NIST P-384", 0x14, KeyType.NIST_P384, 30),
          new Algorithm("Ed25519", 0xE0, KeyType.ED25519, 30));

  /** RFC 8017 9.2 note 1: DigestInfo prefix of a SHA-256 hash. */
  private static final String SHA256_DIGEST_INFO = "3031300D060960864801650304020105000420";

  private PivBenchmark() {}

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
    java.nio.file.Path state = GuestPaths.newRunDir("bench-piv").resolve("key.db");
    try (Pcscd.Lease pcscd = Pcscd.acquire();
        KeyProcess key = KeyProcess.startVpcd("bench-piv", state, Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, Duration.ofSeconds(20));
      CardChannel card = connect(Pcscd.READER);
      send(card, "00A4040005A000000308");
      authenticate(card);
      send(card, "0020008008313233343536FFFF"); // VERIFY PIN 123456, padded with FF

      System.out.printf(
          "%-16s %8s %12s %12s %12s%n",
          "key generation", "rounds", "card median", "card p90", "JVM median");
      for (Algorithm algo : ALGORITHMS) {
        // GENERATE in 9A: AC { 80 algorithm }, Le 00.
        String apdu = String.format("0047009A05AC038001%02X00", algo.id());
        List<Long> onCard = times(algo.rounds(), () -> send(card, apdu));
        List<Long> direct = times(algo.rounds(), () -> CardKey.generate(algo.type(), random));
        System.out.printf(
            Locale.ROOT,
            "%-16s %8d %9.2f ms %9.2f ms %9.2f ms%n",
            algo.name(),
            algo.rounds(),
            percentile(onCard, 50),
            percentile(onCard, 90),
            percentile(direct, 50));
      }

      System.out.printf(
          "%n%-16s %8s %12s %12s %12s%n",
          "signature", "rounds", "card median", "card p90", "JVM median");
      byte[] message = new byte[64];
      random.nextBytes(message);
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(message);
      for (Algorithm algo : List.of(ALGORITHMS.get(0), ALGORITHMS.get(3), ALGORITHMS.get(5))) {
        send(card, String.format("0047009A05AC038001%02X00", algo.id()));
        byte[] input;
        CardKey direct = CardKey.generate(algo.type(), random);
        Operation primitive;
        if (algo.type().isRsa()) {
          byte[] digestInfo = HEX.parseHex(SHA256_DIGEST_INFO + HEX.formatHex(hash));
          input = new byte[256];
          input[1] = 0x01;
          java.util.Arrays.fill(input, 2, 256 - digestInfo.length - 1, (byte) 0xFF);
          System.arraycopy(digestInfo, 0, input, 256 - digestInfo.length, digestInfo.length);
          primitive = () -> direct.signPkcs1(digestInfo);
        } else if (algo.type().isEdwards()) {
          input = message;
          primitive = () -> direct.signEd25519(message);
        } else {
          input = hash;
          primitive = () -> direct.signEcdsa(hash);
        }
        String apdu = generalAuthenticate(algo.id(), input);
        List<Long> onCard = times(rounds, () -> send(card, apdu));
        List<Long> jvm = times(rounds, primitive);
        System.out.printf(
            Locale.ROOT,
            "%-16s %8d %9.2f ms %9.2f ms %9.2f ms%n",
            algo.name(),
            rounds,
            percentile(onCard, 50),
            percentile(onCard, 90),
            percentile(jvm, 50));
      }
    }
  }

  /**
   * GENERAL AUTHENTICATE on 9A with 7C { 82 00, 81 input } (SP 800-73-4 part 2, 3.2.4), extended
   * when the data exceeds 255 bytes, Le 00 or 0000.
   */
  private static String generalAuthenticate(int algorithm, byte[] input) {
    String inner = "8200" + "81" + length(input.length) + HEX.formatHex(input);
    String data = "7C" + length(inner.length() / 2) + inner;
    int n = data.length() / 2;
    String header = String.format("0087%02X9A", algorithm);
    return n <= 255
        ? header + String.format("%02X", n) + data + "00"
        : header + String.format("00%04X", n) + data + "0000";
  }

  /** BER-TLV definite length (ISO/IEC 7816-4 5.2). */
  private static String length(int n) {
    if (n < 0x80) {
      return String.format("%02X", n);
    }
    return n <= 0xFF ? String.format("81%02X", n) : String.format("82%04X", n);
  }

  /**
   * Mutual authentication with the default TDES management key (SP 800-73-4 part 2, appendix A).
   */
  private static void authenticate(CardChannel card) throws Exception {
    javax.crypto.Cipher tdes = javax.crypto.Cipher.getInstance("DESede/ECB/NoPadding");
    javax.crypto.spec.SecretKeySpec key =
        new javax.crypto.spec.SecretKeySpec(
            HEX.parseHex("010203040506070801020304050607080102030405060708"), "DESede");
    byte[] answer = send(card, "0087039B047C02800000").getData();
    byte[] witness = java.util.Arrays.copyOfRange(answer, 4, 12);
    tdes.init(javax.crypto.Cipher.DECRYPT_MODE, key);
    byte[] plain = tdes.doFinal(witness);
    byte[] challenge = new byte[8];
    new SecureRandom().nextBytes(challenge);
    send(
        card,
        "0087039B167C148008" + HEX.formatHex(plain) + "8108" + HEX.formatHex(challenge) + "00");
  }

  interface Operation {
    Object run() throws Exception;
  }

  /** Times {@code rounds} runs after one warm-up, sorted, in nanoseconds. */
  private static List<Long> times(int rounds, Operation operation) throws Exception {
    operation.run();
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      operation.run();
      nanos.add(System.nanoTime() - start);
    }
    Collections.sort(nanos);
    return nanos;
  }

  /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
  private static double percentile(List<Long> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1)) / 1e6;
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
