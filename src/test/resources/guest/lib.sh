# Shell helpers for guest test scripts (sourced by run.sh as `. ./lib.sh`).
# Every helper writes its findings under out/ in the run directory, which the host reads back.
# Key identity from the CanoKey inventory, section 1.1: idVendor 20A0, idProduct 42D4.
KEY_VID=20a0
KEY_PID=42d4

# key_devices: sysfs directories of every attached key, one per line.
key_devices() {
  for d in /sys/bus/usb/devices/*; do
    [ -f "$d/idVendor" ] || continue
    [ "$(cat "$d/idVendor")" = "$KEY_VID" ] && [ "$(cat "$d/idProduct")" = "$KEY_PID" ] && echo "$d"
  done
}

# wait_for_keys N [SECONDS]: waits until N keys have enumerated; writes out/enumerate.txt.
wait_for_keys() {
  want=$1 limit=${2:-30} start=$(cut -d' ' -f1 /proc/uptime) n=0 i=0
  while [ "$i" -lt $((limit * 10)) ]; do
    n=$(key_devices | wc -l)
    [ "$n" -ge "$want" ] && break
    sleep 0.1
    i=$((i + 1))
  done
  {
    echo "count=$n"
    echo "waited_from=$start"
    echo "uptime=$(cut -d' ' -f1 /proc/uptime)"
  } > out/enumerate.txt
  echo "GUEST: $n of $want keys enumerated"
}

# usb_report: lsusb, lsusb -v of the keys, and the keys' sysfs attributes as key=value lines
# (prefix = index in sysfs order) in out/usb-devices.txt.
usb_report() {
  lsusb > out/lsusb.txt 2>&1
  lsusb -v -d "$KEY_VID:$KEY_PID" > out/lsusb-v.txt 2>&1
  i=0
  : > out/usb-devices.txt
  for d in $(key_devices); do
    for attr in manufacturer product serial speed version bcdDevice busnum devnum; do
      [ -f "$d/$attr" ] && echo "$i.$attr=$(cat "$d/$attr")" >> out/usb-devices.txt
    done
    echo "$i.sysfs=$d" >> out/usb-devices.txt
    i=$((i + 1))
  done
  echo "count=$i" >> out/usb-devices.txt
  cat out/lsusb.txt
}

# pcsc_report N: starts the guest's own pcscd (libccid finds the key's CCID interface through
# libusb and /dev/bus/usb), waits for N readers, then writes out/opensc-l.txt and, per reader R,
# out/opensc-a-R.txt with the ATR. pcscd's debug log goes to out/pcscd.log.
pcsc_report() {
  want=${1:-1}
  pcscd_up "$want"
  r=0
  while [ "$r" -lt "$want" ]; do
    opensc-tool -r "$r" -a > "out/opensc-a-$r.txt" 2>&1
    r=$((r + 1))
  done
  cat out/opensc-l.txt out/opensc-a-*.txt
  pcscd_down
}

# pcscd_up N: starts the guest's pcscd in the background (pid in $pcscd_pid, debug log in
# out/pcscd.log) and waits until it lists N CanoKey readers. Stop it with pcscd_down. The host's
# vsmartcard-vpcd reader configuration is removed from the guest's (tmpfs) overlay first, so the
# key's readers are the only ones.
pcscd_up() {
  want=${1:-1}
  rm -f /etc/reader.conf.d/vpcd
  mkdir -p /run/pcscd
  pcscd --foreground --debug > out/pcscd.log 2>&1 &
  pcscd_pid=$!
  i=0
  while [ "$i" -lt 100 ]; do
    opensc-tool -l > out/opensc-l.txt 2>&1
    [ "$(grep -ci canokey out/opensc-l.txt)" -ge "$want" ] && break
    sleep 0.2
    i=$((i + 1))
  done
  echo "GUEST: pcscd lists $(grep -ci canokey out/opensc-l.txt) CanoKey readers"
}

pcscd_down() {
  kill "$pcscd_pid"
  wait "$pcscd_pid" 2>/dev/null
}
