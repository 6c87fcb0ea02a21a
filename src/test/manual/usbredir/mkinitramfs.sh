#!/bin/sh
# Builds a busybox initramfs for the manual usbredir check: it loads Debian's USB host-controller
# and HID modules (built as modules in linux-image 6.1, so a kernel without initrd never sees the
# device), waits for 20a0:42d4, prints what sysfs knows about it and, with "urcheck" on the kernel
# command line, runs urcheck against the device. Needs busybox-static, gcc and libc6-dev.
# Usage: mkinitramfs.sh OUTPUT.cpio.gz
set -e
out=$(realpath "$1")
kver=$(ls /lib/modules | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/proc" "$work/sys" "$work/dev" "$work/lib/modules"
cp /usr/bin/busybox "$work/bin/busybox"
gcc -static -O2 -o "$work/bin/urcheck" "$(dirname "$0")/urcheck.c"
for m in drivers/usb/common/usb-common drivers/usb/core/usbcore drivers/usb/host/uhci-hcd \
    drivers/usb/host/ehci-hcd drivers/usb/host/ehci-pci drivers/usb/host/xhci-hcd \
    drivers/usb/host/xhci-pci drivers/hid/hid drivers/hid/usbhid/usbhid drivers/hid/hid-generic; do
  cp "/lib/modules/$kver/kernel/$m.ko" "$work/lib/modules/"
done
cat > "$work/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in usb-common usbcore uhci-hcd ehci-hcd ehci-pci xhci-hcd xhci-pci hid usbhid hid-generic; do
  insmod /lib/modules/$m.ko || echo "insmod $m failed"
done
i=0
while [ $i -lt 20 ] && ! grep -qs 42d4 /sys/bus/usb/devices/*/idProduct; do sleep 1; i=$((i+1)); done
sleep 2
echo "=== SMOKE sysfs"
for d in /sys/bus/usb/devices/*; do
  [ -f $d/idVendor ] || continue
  echo "$(basename $d) $(cat $d/idVendor):$(cat $d/idProduct) speed=$(cat $d/speed) product=$(cat $d/product 2>/dev/null) manufacturer=$(cat $d/manufacturer 2>/dev/null) serial=$(cat $d/serial 2>/dev/null) config=$(cat $d/bConfigurationValue)"
done
d=/sys/bus/usb/devices/1-1
if [ -f $d/busnum ] && grep -q urcheck /proc/cmdline; then
  node=$(printf "/dev/bus/usb/%03d/%03d" $(cat $d/busnum) $(cat $d/devnum))
  echo "=== URCHECK on $node"
  urcheck $node 0
  urcheck $node 100
fi
echo "=== SMOKE end"
poweroff -f
INIT
chmod +x "$work/init"
(cd "$work" && find . | busybox cpio -o -H newc 2>/dev/null | gzip > "$out")
echo "wrote $out"
