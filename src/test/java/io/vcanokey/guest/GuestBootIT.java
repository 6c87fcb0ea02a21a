package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Self-test of the guest harness with no key attached: the initramfs loads every module, the chroot
 * of the host root works, the guest's own tools run, and the share carries files back.
 */
class GuestBootIT {

  @Test
  @DisplayName("DESIGN.md 'A guest in ten seconds': modules load, chroot runs host tools")
  void boot_noKey_runsScriptWithHostTools() {
    GuestResult result =
        Guest.named("boot")
            .controller(UsbController.XHCI)
            .script(
                """
                lsmod > out/lsmod.txt 2>&1 || cat /proc/modules > out/lsmod.txt
                lsusb > out/lsusb.txt 2>&1
                /usr/bin/python3 -c 'import sys; print(sys.version_info[0])' > out/python.txt
                echo ok > out/ok.txt
                """)
            .run()
            .requireCompleted();

    System.out.printf(
        "guest boot took %d ms%n%s", result.elapsed().toMillis(), result.guestLines());
    assertThat(result.console()).doesNotContain("GUEST: insmod").doesNotContain("failed");
    assertThat(result.scriptStatus()).isZero();
    assertThat(result.out("ok.txt")).isEqualTo("ok\n");
    assertThat(result.out("python.txt")).isEqualTo("3\n");
    // xHCI gives the guest a USB 2.0 and a USB 3.0 root hub (Linux Foundation 1d6b:0002/0003).
    assertThat(result.out("lsusb.txt")).contains("1d6b:0002").contains("1d6b:0003");
    assertThat(result.out("lsmod.txt")).contains("xhci_pci", "usbhid", "overlay", "9pnet_virtio");
  }
}
