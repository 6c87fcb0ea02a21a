package io.vcanokey.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModulesTest {

  /** The shape of Debian 6.1's modules.dep for these modules (depmod(8) "path: deps"). */
  private static final String MODULES_DEP =
      """
      kernel/drivers/usb/common/usb-common.ko:
      kernel/drivers/usb/core/usbcore.ko: kernel/drivers/usb/common/usb-common.ko
      kernel/drivers/hid/hid.ko:
      kernel/drivers/hid/usbhid/usbhid.ko: kernel/drivers/hid/hid.ko kernel/drivers/usb/core/usbcore.ko kernel/drivers/usb/common/usb-common.ko
      kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko
      kernel/net/9p/9pnet.ko:
      kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko
      kernel/fs/netfs/netfs.ko:
      """;

  @TempDir Path root;

  @Test
  @DisplayName("depmod(8): every module is loaded after the modules it depends on")
  void loadOrder_modulesWithDependencies_dependenciesFirst() throws IOException {
    Files.writeString(root.resolve("modules.dep"), MODULES_DEP);
    KernelModules modules = KernelModules.read(root);

    List<String> order = modules.loadOrder(List.of("usbhid", "9p", "usb-common"));

    assertThat(order)
        .containsExactly(
            "hid", "usb_common", "usbcore", "usbhid", "9pnet", "netfs", "fscache", "9p");
    assertThat(modules.file("usb-common"))
        .isEqualTo(root.resolve("kernel/drivers/usb/common/usb-common.ko"));
  }

  @Test
  void loadOrder_unknownModule_throwsNamingIt() throws IOException {
    Files.writeString(root.resolve("modules.dep"), MODULES_DEP);
    KernelModules modules = KernelModules.read(root);

    assertThatThrownBy(() -> modules.loadOrder(List.of("xhci-pci")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("xhci_pci");
  }
}
