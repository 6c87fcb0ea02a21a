/**
 * Guest end-to-end tests: a real QEMU guest kernel and the guest's own tools talk to the key over
 * {@code usb-redir} (DESIGN.md, "Testing with real clients", layer 3, and "A guest in ten
 * seconds").
 *
 * <p>Role. {@link io.vcanokey.guest.GuestImage} builds, once per JVM, a busybox initramfs with the
 * modules from the guest kernel's modules.dep; {@link io.vcanokey.guest.Guest} boots it under TCG
 * with one USB controller ({@link io.vcanokey.guest.UsbController}) and any number of usb-redir
 * devices, mounts the host root read-only through virtio-9p under a tmpfs overlay, and runs a shell
 * script in a chroot; {@link io.vcanokey.guest.KeyProcess} runs the key under test as a separate
 * process from the shaded jar ({@code serve --usbredir unix:PATH}); the {@code *IT} classes are
 * failsafe integration tests; {@link io.vcanokey.guest.PingBenchmark} is a benchmark run by
 * bench/guest-ping.sh. The guest-side programs live in src/test/resources/guest/: {@code init.sh}
 * (the initramfs /init), {@code lib.sh} (lsusb, sysfs, pcscd and opensc-tool helpers) and {@code
 * ctaphid_check.py} (CTAPHID INIT and PING over raw hidraw), and the client scenarios run in a
 * guest, such as {@code fido2_tools.sh} (libfido2's tools and ssh-keygen, checked by {@link
 * io.vcanokey.guest.Fido2ToolsScenario}) and {@code fido2_bench.py} (python-fido2 timings for
 * {@link io.vcanokey.guest.FidoBenchmark}, bench/fido.sh).
 *
 * <p>Dependencies. Only the JDK, JUnit 5 and AssertJ, plus host tools: qemu-system-x86_64, a Debian
 * kernel with modules, busybox-static, and for the checks usbutils, pcscd, libccid, opensc,
 * fido2-tools, openssh-client, /usr/bin/python3 and tshark. The key is reached only through its
 * command line and its socket, so these tests see exactly what a user sees. A missing tool skips a
 * test, or fails it when CI=true.
 *
 * <p>Design notes.
 *
 * <ul>
 *   <li>Each run gets a directory under target/guest/runs holding the QEMU command line, the serial
 *       console log, the guest script, its {@code out/} files, the guest's dmesg and the key's log,
 *       so a failure can be read after the fact. Unix sockets live in short /tmp directories
 *       because sun_path holds at most 108 bytes.
 *   <li>Boots are the cost (about 8 s each with TCG on two host cores), so each test boots as few
 *       guests as it can and runs many checks per boot.
 *   <li>Guest scripts report key=value lines; assertions take expected values from the CanoKey
 *       inventory and the CTAP and CCID specifications, never from the key's output.
 * </ul>
 */
package io.vcanokey.guest;
