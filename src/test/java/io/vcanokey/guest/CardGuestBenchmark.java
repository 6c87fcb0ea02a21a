package io.vcanokey.guest;

import io.vcanokey.bench.CardBenchmark;
import io.vcanokey.pcsc.Pcscd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark, not a test: {@link CardBenchmark} (YKOATH CALCULATE ALL over 32 credentials, SELECT
 * plus a data read) on the host through pcscd's vpcd reader, then inside one guest per USB
 * controller through the guest's pcscd, libccid and the key's CCID interface. The same key process
 * serves both. Run it with bench/card.sh [--rounds N] [--controllers xhci,uhci].
 */
public final class CardGuestBenchmark {

  private static final String PCSC_LIBRARY = "/usr/lib/x86_64-linux-gnu/libpcsclite.so.1";

  private CardGuestBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = 200;
    List<UsbController> controllers = List.of(UsbController.XHCI, UsbController.UHCI);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--controllers" ->
            controllers =
                Arrays.stream(args[++i].split(","))
                    .map(c -> UsbController.valueOf(c.trim().toUpperCase(Locale.ROOT)))
                    .toList();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.setProperty("sun.security.smartcardio.library", PCSC_LIBRARY);
    Path stateFile = GuestPaths.newRunDir("bench-card-state").resolve("key.db");

    try (Pcscd.Lease pcscd = Pcscd.acquire();
        KeyProcess key =
            KeyProcess.start("bench-card", stateFile, "--vpcd=" + Pcscd.VPCD_ADDRESS)) {
      Pcscd.awaitCard(Pcscd.READER, Duration.ofSeconds(20));
      System.out.println("== host, pcscd + vpcd");
      CardBenchmark.main(new String[] {"--reader", Pcscd.READER, "--rounds", "" + rounds});

      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Path classes = Path.of("target/test-classes").toAbsolutePath();
      for (UsbController controller : controllers) {
        GuestResult result =
            Guest.named("bench-card-" + controller)
                .controller(controller)
                .usbRedir(key.socket())
                .timeout(Duration.ofMinutes(15))
                .script(
                    GuestChecks.enumerate(1)
                        + "pcscd_up 1\n"
                        + java
                        + " -Dsun.security.smartcardio.library="
                        + PCSC_LIBRARY
                        + " -cp "
                        + classes
                        + " io.vcanokey.bench.CardBenchmark --reader canokey --rounds "
                        + rounds
                        + " > out/bench.txt 2>&1\n"
                        + "pcscd_down\n")
                .run()
                .requireCompleted();
        System.out.println(
            "== guest, " + controller.name().toLowerCase(Locale.ROOT) + ", pcscd + libccid + USB");
        System.out.print(result.out("bench.txt"));
      }
    }
  }
}
