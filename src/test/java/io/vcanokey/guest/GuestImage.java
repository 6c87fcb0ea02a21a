package io.vcanokey.guest;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The guest's kernel and its busybox initramfs, built once per JVM into {@code target/guest/}
 * (DESIGN.md, "A guest in ten seconds"). The initramfs holds a static busybox, the kernel modules a
 * test guest needs with their dependencies, and {@code /init} (resource guest/init.sh), which loads
 * the modules, mounts the host's root read-only over virtio-9p under a tmpfs overlay, mounts the
 * test's own 9p share and runs the test script in a chroot.
 *
 * <p>System properties override the defaults: {@code vcanokey.guest.kernel} (a vmlinuz; default the
 * newest /boot/vmlinuz-VERSION with /lib/modules/VERSION/modules.dep), {@code
 * vcanokey.guest.modules} (default /lib/modules/VERSION), {@code vcanokey.guest.busybox} (a
 * statically linked busybox; default /bin/busybox from Debian's busybox-static).
 */
public final class GuestImage {

  /** Modules named in DESIGN.md; modules.dep adds what they need (virtio_ring, netfs, ...). */
  static final List<String> MODULES =
      List.of(
          "virtio",
          "virtio_pci",
          "9pnet",
          "9pnet_virtio",
          "9p",
          "overlay",
          "usb-common",
          "usbcore",
          "hid",
          "usbhid",
          "hid-generic",
          // ehci before uhci, or the kernel warns that companion hand-off may fail.
          "ehci-hcd",
          "ehci-pci",
          "uhci-hcd",
          "xhci-hcd",
          "xhci-pci");

  private static GuestImage built;

  private final Path kernel;
  private final Path initramfs;
  private final List<String> loadOrder;

  private GuestImage(Path kernel, Path initramfs, List<String> loadOrder) {
    this.kernel = kernel;
    this.initramfs = initramfs;
    this.loadOrder = loadOrder;
  }

  /** The image, building the initramfs on first use in this JVM. */
  static synchronized GuestImage get() {
    if (built == null) {
      try {
        built = build(GuestPaths.workDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot build the guest initramfs", e);
      }
    }
    return built;
  }

  Path kernel() {
    return kernel;
  }

  Path initramfs() {
    return initramfs;
  }

  /** Modules in the order /init loads them, as the kernel names them. */
  List<String> loadOrder() {
    return loadOrder;
  }

  private static GuestImage build(Path workDir) throws IOException {
    Path kernel = findKernel();
    Path moduleRoot = moduleRoot(kernel);
    Path busybox = Path.of(System.getProperty("vcanokey.guest.busybox", "/bin/busybox"));
    HostTools.requireFile(kernel, "guest kernel (Debian package linux-image-amd64)");
    HostTools.requireFile(busybox, "static busybox (Debian package busybox-static)");

    KernelModules modules = KernelModules.read(moduleRoot);
    List<String> order = modules.loadOrder(MODULES);

    Files.createDirectories(workDir);
    Path target = workDir.resolve("initramfs.cpio");
    Path partial = workDir.resolve("initramfs.cpio.partial");
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial));
        CpioNewcWriter cpio = new CpioNewcWriter(file)) {
      for (String dir : List.of("bin", "dev", "proc", "sys", "mnt", "newroot", "lib", "lib/mod")) {
        cpio.directory(dir, 0755);
      }
      cpio.characterDevice("dev/console", 0600, 5, 1);
      cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
      cpio.file("init", 0755, resource("guest/init.sh"));
      cpio.file(
          "lib/mod/order",
          0644,
          (String.join("\n", order) + "\n").getBytes(StandardCharsets.UTF_8));
      for (String name : order) {
        cpio.file("lib/mod/" + name + ".ko", 0644, Files.readAllBytes(modules.file(name)));
      }
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    return new GuestImage(kernel, target, order);
  }

  private static Path findKernel() throws IOException {
    String override = System.getProperty("vcanokey.guest.kernel");
    if (override != null) {
      return Path.of(override);
    }
    Optional<Path> newest;
    try (Stream<Path> boot = Files.list(Path.of("/boot"))) {
      newest =
          boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz-"))
              .filter(p -> Files.exists(moduleRootFor(p).resolve("modules.dep")))
              .max(Comparator.comparing(p -> p.getFileName().toString()));
    }
    return newest.orElseThrow(
        () ->
            HostTools.missing(
                "no /boot/vmlinuz-VERSION with /lib/modules/VERSION/modules.dep"
                    + " (Debian package linux-image-amd64)"));
  }

  private static Path moduleRoot(Path kernel) {
    String override = System.getProperty("vcanokey.guest.modules");
    return override != null ? Path.of(override) : moduleRootFor(kernel);
  }

  private static Path moduleRootFor(Path kernel) {
    String version = kernel.getFileName().toString().substring("vmlinuz-".length());
    return Path.of("/lib/modules", version);
  }

  public static byte[] resource(String name) throws IOException {
    try (InputStream in = GuestImage.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
