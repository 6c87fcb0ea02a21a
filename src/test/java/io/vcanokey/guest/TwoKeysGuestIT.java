package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two keys, two state files, one guest (DESIGN.md: "we allow any number of keys", where the
 * original allows one per QEMU process): both enumerate, each with its own serial number, and both
 * answer CTAPHID and CCID.
 */
class TwoKeysGuestIT {

  /** Inventory section 1.2: iSerialNumber is 8 upper-case hex digits of the key's 4-byte SN. */
  private static final Pattern SERIAL = Pattern.compile("[0-9A-F]{8}");

  @TempDir Path temp;

  @Test
  @DisplayName("two keys on one xHCI guest enumerate with distinct serial numbers")
  void guest_twoKeyProcesses_bothEnumerateWithDistinctSerials() {
    HostTools.requireCommand("lsusb", "usbutils");
    HostTools.requireCommand("pcscd", "pcscd");
    HostTools.requireCommand("opensc-tool", "opensc");

    try (KeyProcess first = KeyProcess.start("first", temp.resolve("first.db"));
        KeyProcess second = KeyProcess.start("second", temp.resolve("second.db"))) {
      GuestResult result =
          Guest.named("two-keys")
              .controller(UsbController.XHCI)
              .usbRedir(first.socket())
              .usbRedir(second.socket())
              .script(GuestChecks.enumerate(2) + GuestChecks.ctaphid(2, "64") + GuestChecks.pcsc(2))
              .run()
              .requireCompleted();

      GuestChecks.assertEnumerated(result, 2);
      Properties sysfs = result.properties("usb-devices.txt");
      String serial0 = sysfs.getProperty("0.serial");
      String serial1 = sysfs.getProperty("1.serial");
      assertThat(serial0).matches(SERIAL);
      assertThat(serial1).matches(SERIAL).isNotEqualTo(serial0);
      assertThat(iSerials(result.out("lsusb-v.txt"))).containsExactlyInAnyOrder(serial0, serial1);
      GuestChecks.assertCtaphid(result, 2, 64);
      GuestChecks.assertPcsc(result, 2);
    }
  }

  /** The iSerial strings in `lsusb -v` output ("iSerial 3 0123ABCD"). */
  private static List<String> iSerials(String lsusbVerbose) {
    Matcher m = Pattern.compile("iSerial\\s+\\d+\\s+(\\S+)").matcher(lsusbVerbose);
    List<String> serials = new ArrayList<>();
    while (m.find()) {
      serials.add(m.group(1));
    }
    return serials;
  }
}
