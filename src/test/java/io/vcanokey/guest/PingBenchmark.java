package io.vcanokey.guest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Benchmark, not a test: CTAPHID PING round trips from inside a real guest, one guest per USB
 * controller, timed by the guest's python loop (ctaphid_check.py --bench), plus the time from
 * starting {@code java -jar vcanokey.jar serve} until its usbredir socket listens. Run it with
 * bench/guest-ping.sh [--rounds N] [--sizes 64,1024] [--controllers uhci,ehci,xhci] [--starts N].
 */
public final class PingBenchmark {

  private PingBenchmark() {}

  public static void main(String[] args) {
    int rounds = 200;
    int starts = 5;
    String sizes = "64,1024";
    List<UsbController> controllers = List.of(UsbController.values());
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--starts" -> starts = Integer.parseInt(args[++i]);
        case "--sizes" -> sizes = args[++i];
        case "--controllers" ->
            controllers =
                Arrays.stream(args[++i].split(","))
                    .map(c -> UsbController.valueOf(c.trim().toUpperCase(Locale.ROOT)))
                    .toList();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path stateFile = GuestPaths.newRunDir("bench-state").resolve("key.db");

    List<Long> startupMillis = new ArrayList<>();
    for (int i = 0; i <= starts; i++) {
      try (KeyProcess key = KeyProcess.start("bench-start", stateFile)) {
        // The first start also creates and provisions the state file; report it on its own.
        if (i == 0) {
          System.out.printf(
              "serve start to listening, fresh state file: %d ms%n", key.startup().toMillis());
        } else {
          startupMillis.add(key.startup().toMillis());
        }
      }
    }
    System.out.printf(
        "serve start to listening, existing state file: median %d ms of %d starts %s%n",
        median(startupMillis), startupMillis.size(), startupMillis);

    System.out.printf(
        "%-5s %6s %10s %10s %10s %12s %9s%n",
        "ctrl", "bytes", "median ms", "min ms", "max ms", "rounds/s", "boot s");
    for (UsbController controller : controllers) {
      try (KeyProcess key = KeyProcess.start("bench-" + controller, stateFile)) {
        GuestResult result =
            Guest.named("bench-" + controller)
                .controller(controller)
                .usbRedir(key.socket())
                .timeout(Duration.ofMinutes(10))
                .script(
                    ". ./lib.sh\nwait_for_keys 1 30\n"
                        + "/usr/bin/python3 ./ctaphid_check.py --out out/ctaphid.txt --sizes ''"
                        + " --bench "
                        + rounds
                        + " --bench-sizes "
                        + sizes
                        + "\n")
                .run()
                .requireCompleted();
        Properties p = result.properties("ctaphid.txt");
        if (p.getProperty("0.error") != null) {
          System.out.printf(
              "%-5s error: %s (see %s)%n", controller, p.getProperty("0.error"), result.runDir());
          continue;
        }
        for (String size : sizes.split(",")) {
          String k = "0.bench." + size + ".";
          System.out.printf(
              "%-5s %6s %10s %10s %10s %12s %9.1f%n",
              controller.name().toLowerCase(Locale.ROOT),
              size,
              p.getProperty(k + "median_ms"),
              p.getProperty(k + "min_ms"),
              p.getProperty(k + "max_ms"),
              p.getProperty(k + "rounds_per_s"),
              result.elapsed().toMillis() / 1000.0);
        }
      }
    }
  }

  private static long median(List<Long> values) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
