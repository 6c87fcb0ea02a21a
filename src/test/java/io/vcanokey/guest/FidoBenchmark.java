package io.vcanokey.guest;

import io.vcanokey.core.crypto.CardKey;
import io.vcanokey.core.crypto.KeyType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test: CTAP 2.1 authenticatorMakeCredential (6.1) and authenticatorGetAssertion
 * (6.2) with ES256 and EdDSA, each a full round trip from python-fido2's Ctap2 (script {@code
 * guest/fido2_bench.py}), over {@code serve --ctaphid-udp} on the host and over USB HID inside a
 * guest per USB controller, next to the bare signature (and key generation plus signature) in this
 * JVM, and authenticatorGetInfo (6.4) as the baseline of transport and client. Prints median, p90
 * and operations per second. Run it with bench/fido.sh [--rounds N] [--guest-rounds N]
 * [--controllers uhci,xhci].
 */
public final class FidoBenchmark {

  private static final String SCRIPT = "fido2_bench.py";

  /** The banner {@code serve --ctaphid-udp=0} prints once it listens. */
  private static final Pattern UDP_BANNER =
      Pattern.compile("serving CTAPHID over UDP on 127\\.0\\.0\\.1:([0-9]+)");

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final List<String> OPERATIONS = List.of("makecred", "getassert");
  private static final List<String> ALGORITHMS = List.of("es256", "eddsa");

  private FidoBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = 200;
    int guestRounds = 50;
    List<UsbController> controllers = List.of(UsbController.UHCI, UsbController.XHCI);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--guest-rounds" -> guestRounds = Integer.parseInt(args[++i]);
        case "--controllers" ->
            controllers =
                Arrays.stream(args[++i].split(","))
                    .filter(c -> !c.isBlank())
                    .map(c -> UsbController.valueOf(c.trim().toUpperCase(Locale.ROOT)))
                    .toList();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        "%-10s %-6s %-14s %7s %10s %10s %10s%n",
        "operation", "alg", "where", "rounds", "median ms", "p90 ms", "per s");
    jvm(rounds);
    print("udp", udp(rounds));
    for (UsbController controller : controllers) {
      print("guest " + controller.name().toLowerCase(Locale.ROOT), guest(controller, guestRounds));
    }
  }

  /**
   * The primitives in this JVM, as the key computes them per request: getAssertion rebuilds the
   * credential key from the 32-byte secret its credential id wraps (CardKey.fromScalar, which
   * computes the public point) and signs; makeCredential does the same for a fresh secret and adds
   * the packed attestation signature by the batch key (ES256, CTAP 2.1 8.2). The HMAC that derives
   * the secret and the CBOR coding are left out: they are microseconds.
   */
  private static void jvm(int rounds) throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] message = new byte[37 + 32]; // authenticator data without extensions || clientDataHash
    random.nextBytes(message);
    CardKey batch = CardKey.generate(KeyType.NIST_P256, random);
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    secret[0] &= 0x7F; // below the P-256 group order
    for (String alg : ALGORITHMS) {
      KeyType type = alg.equals("es256") ? KeyType.NIST_P256 : KeyType.ED25519;
      Operation assertion = () -> sign(CardKey.fromScalar(type, secret), message);
      Operation make =
          () -> {
            sign(CardKey.fromScalar(type, secret), message);
            return batch.signEcdsaDer(sha256(message));
          };
      row("makecred", alg, "JVM", rounds, times(rounds, make));
      row("getassert", alg, "JVM", rounds, times(rounds, assertion));
    }
  }

  private static Object sign(CardKey key, byte[] message) throws Exception {
    return key.type() == KeyType.ED25519
        ? key.signEd25519(message)
        : key.signEcdsaDer(sha256(message));
  }

  private static byte[] sha256(byte[] message) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(message);
  }

  /** python-fido2 on this host against {@code serve --ctaphid-udp=0}. */
  private static Properties udp(int rounds) throws Exception {
    Path dir = GuestPaths.newRunDir("bench-fido-udp");
    Files.write(dir.resolve(SCRIPT), GuestImage.resource("guest/" + SCRIPT));
    Files.write(dir.resolve("u2f_udp.py"), GuestImage.resource("host/u2f_udp.py"));
    List<String> command = new ArrayList<>(KeyProcess.javaCommand());
    command.addAll(List.of("serve", "--file", dir.resolve("key.db").toString(), "--ctaphid-udp=0"));
    Process key =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectError(dir.resolve("key.log").toFile())
            .start();
    try {
      int port = awaitPort(key);
      Path results = dir.resolve("fido2-bench.txt");
      Process client =
          new ProcessBuilder(
                  PYTHON.toString(),
                  dir.resolve(SCRIPT).toString(),
                  results.toString(),
                  Integer.toString(rounds),
                  "--udp",
                  Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("client.log").toFile())
              .start();
      if (!client.waitFor(10, TimeUnit.MINUTES)) {
        client.destroyForcibly();
      }
      return load(results);
    } finally {
      key.destroy();
      key.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** python-fido2 inside a guest on the key's /dev/hidraw node, the key on usb-redir. */
  private static Properties guest(UsbController controller, int rounds) throws Exception {
    Path state = GuestPaths.newRunDir("bench-fido-state").resolve("key.db");
    try (KeyProcess key = KeyProcess.start("bench-fido-" + controller, state)) {
      GuestResult result =
          Guest.named("bench-fido-" + controller)
              .controller(controller)
              .usbRedir(key.socket())
              .timeout(Duration.ofMinutes(15))
              .file(SCRIPT, GuestImage.resource("guest/" + SCRIPT))
              .script(
                  ". ./lib.sh\nwait_for_keys 1 30\n/usr/bin/python3 ./"
                      + SCRIPT
                      + " out/fido2-bench.txt "
                      + rounds
                      + "\n")
              .run();
      Properties p = load(result.runDir().resolve("out/fido2-bench.txt"));
      if (result.timedOut()) {
        p.setProperty("error", "guest timed out; see " + result.runDir());
      }
      return p;
    }
  }

  private static int awaitPort(Process key) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(key.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      Matcher m = UDP_BANNER.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new IllegalStateException("key ended without its CTAPHID UDP banner");
  }

  private static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(in);
      }
    } else {
      p.setProperty("error", "no results in " + file);
    }
    return p;
  }

  private static void print(String where, Properties p) {
    if (p.getProperty("error") != null) {
      System.out.printf("%-32s error: %s%n", where, p.getProperty("error"));
      return;
    }
    System.out.printf(
        "%-10s %-6s %-14s %7s %10s %10s %10s%n",
        "getinfo",
        "-",
        where,
        p.getProperty("rounds"),
        p.getProperty("getinfo.median_ms"),
        p.getProperty("getinfo.p90_ms"),
        p.getProperty("getinfo.per_s"));
    for (String alg : ALGORITHMS) {
      for (String op : OPERATIONS) {
        String k = op + "." + alg + ".";
        System.out.printf(
            "%-10s %-6s %-14s %7s %10s %10s %10s%n",
            op,
            alg,
            where,
            p.getProperty("rounds"),
            p.getProperty(k + "median_ms"),
            p.getProperty(k + "p90_ms"),
            p.getProperty(k + "per_s"));
      }
    }
  }

  private static void row(String op, String alg, String where, int rounds, List<Long> nanos) {
    long total = nanos.stream().mapToLong(Long::longValue).sum();
    System.out.printf(
        Locale.ROOT,
        "%-10s %-6s %-14s %7d %10.2f %10.2f %10.1f%n",
        op,
        alg,
        where,
        rounds,
        percentile(nanos, 50),
        percentile(nanos, 90),
        rounds / (total / 1e9));
  }

  interface Operation {
    Object run() throws Exception;
  }

  /** Times {@code rounds} runs after a warm-up of as many, sorted, in nanoseconds. */
  private static List<Long> times(int rounds, Operation operation) throws Exception {
    for (int i = 0; i < rounds; i++) {
      operation.run();
    }
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
}
