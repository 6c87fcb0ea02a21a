#!/bin/busybox sh
# /init of the guest-test initramfs (built by io.vcanokey.guest.GuestImage).
# Loads the modules listed in /lib/mod/order, mounts the host root read-only over virtio-9p
# (tag hostroot) under a tmpfs overlay, mounts the test's share (tag guesttest) at /guest-test,
# runs /guest-test/run.sh in a chroot, stores its exit status and the kernel log in the share,
# and powers off. Lines starting with "GUEST:" are for the harness and for people reading logs.
/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

for m in $(cat /lib/mod/order); do
  insmod "/lib/mod/$m.ko" || echo "GUEST: insmod $m failed"
done

P9=trans=virtio,version=9p2000.L,msize=512000
mkdir -p /mnt/lower /mnt/rw
mount -t 9p -o "$P9,ro,cache=loose" hostroot /mnt/lower || echo "GUEST: mount hostroot failed"
mount -t tmpfs -o mode=0755 tmpfs /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work \
  /newroot || echo "GUEST: mount overlay failed"
mkdir -p /newroot/guest-test
mount -t 9p -o "$P9" guesttest /newroot/guest-test || echo "GUEST: mount guesttest failed"
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
hostname guest

echo "GUEST: script start uptime $(cut -d' ' -f1 /proc/uptime)"
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  LANG=C.UTF-8 TERM=dumb \
  chroot /newroot /bin/sh -c \
  'cd /guest-test && mkdir -p out && { /bin/sh ./run.sh; echo $? > .exit; } 2>&1 | tee script.log'
status=$(cat /newroot/guest-test/.exit)
echo "GUEST: script end status $status uptime $(cut -d' ' -f1 /proc/uptime)"
dmesg > /newroot/guest-test/dmesg.txt
sync
poweroff -f
