#!/usr/bin/python3
"""CTAPHID check of a FIDO key through the guest kernel's hidraw driver.

Implements the host side of CTAP 2.1 section 11.2 (USB HID transport) with raw reads and writes
on /dev/hidrawN, independent of any FIDO library: CTAPHID_INIT on the broadcast channel
(11.2.9.1.3: the nonce is echoed and a new channel id is allocated) and CTAPHID_PING
(11.2.9.1.2: the payload is echoed unchanged), framed as init and continuation packets
(11.2.4). Writes key=value results, one key per line, prefixed by the device index.

The key's HID interface has no report IDs, so every write starts with a 0x00 report-ID byte that
hidraw strips, and every read returns the bare 64-byte report.
"""
import argparse
import glob
import os
import select
import statistics
import sys
import time

# CTAP 2.1, 11.2.9: command codes with the init-packet bit (0x80) set.
CTAPHID_PING = 0x81
CTAPHID_INIT = 0x86
CTAPHID_KEEPALIVE = 0xBB
CTAPHID_ERROR = 0xBF
CID_BROADCAST = 0xFFFFFFFF
REPORT_SIZE = 64  # the key's HID report size (CanoKey inventory, section 1.4)
INIT_DATA = REPORT_SIZE - 7
CONT_DATA = REPORT_SIZE - 5
FIDO_USAGE_PAGE = bytes([0x06, 0xD0, 0xF1])  # Usage Page (0xF1D0), the FIDO Alliance page


class CtapHidError(Exception):
    pass


def find_devices(vid, pid):
    """hidraw nodes whose HID_ID matches vid:pid and whose report descriptor is FIDO's."""
    found = []
    nodes = glob.glob("/sys/class/hidraw/hidraw*")
    for node in sorted(nodes, key=lambda p: int(os.path.basename(p)[len("hidraw") :])):
        try:
            with open(node + "/device/uevent") as f:
                uevent = dict(l.strip().split("=", 1) for l in f if "=" in l)
            with open(node + "/device/report_descriptor", "rb") as f:
                descriptor = f.read()
        except OSError:
            continue
        parts = uevent.get("HID_ID", "").split(":")
        if len(parts) != 3 or int(parts[1], 16) != vid or int(parts[2], 16) != pid:
            continue
        if FIDO_USAGE_PAGE in descriptor:
            found.append("/dev/" + os.path.basename(node))
    return found


class Device:
    def __init__(self, path, timeout):
        self.fd = os.open(path, os.O_RDWR)
        self.timeout = timeout

    def close(self):
        os.close(self.fd)

    def write_report(self, report):
        assert len(report) == REPORT_SIZE
        os.write(self.fd, b"\x00" + report)

    def read_report(self):
        ready, _, _ = select.select([self.fd], [], [], self.timeout)
        if not ready:
            raise CtapHidError("timeout after %.1f s waiting for a report" % self.timeout)
        report = os.read(self.fd, REPORT_SIZE + 1)
        if len(report) != REPORT_SIZE:
            raise CtapHidError("read %d bytes, expected %d" % (len(report), REPORT_SIZE))
        return report

    def send(self, cid, cmd, data):
        cid_bytes = cid.to_bytes(4, "big")
        first = data[:INIT_DATA]
        self.write_report(pad(cid_bytes + bytes([cmd]) + len(data).to_bytes(2, "big") + first))
        offset, seq = INIT_DATA, 0
        while offset < len(data):
            chunk = data[offset : offset + CONT_DATA]
            self.write_report(pad(cid_bytes + bytes([seq]) + chunk))
            offset += CONT_DATA
            seq += 1

    def receive(self, cid):
        """Reads one message on cid, skipping keepalives and other channels: (cmd, data)."""
        while True:
            report = self.read_report()
            if int.from_bytes(report[0:4], "big") != cid:
                continue
            cmd = report[4]
            if cmd == CTAPHID_KEEPALIVE:
                continue
            if not cmd & 0x80:
                raise CtapHidError("expected an init packet, got continuation seq %d" % cmd)
            length = int.from_bytes(report[5:7], "big")
            data = bytearray(report[7 : 7 + min(length, INIT_DATA)])
            seq = 0
            while len(data) < length:
                report = self.read_report()
                if int.from_bytes(report[0:4], "big") != cid:
                    continue
                if report[4] != seq:
                    raise CtapHidError("continuation seq %d, expected %d" % (report[4], seq))
                data += report[5 : 5 + min(length - len(data), CONT_DATA)]
                seq += 1
            return cmd, bytes(data)

    def transact(self, cid, cmd, data):
        self.send(cid, cmd, data)
        reply_cmd, reply = self.receive(cid)
        if reply_cmd == CTAPHID_ERROR:
            raise CtapHidError("CTAPHID_ERROR 0x%02X" % (reply[0] if reply else -1))
        if reply_cmd != cmd:
            raise CtapHidError("reply command 0x%02X, expected 0x%02X" % (reply_cmd, cmd))
        return reply


def pad(packet):
    return packet + bytes(REPORT_SIZE - len(packet))


def init_channel(dev, results, prefix):
    nonce = os.urandom(8)
    reply = dev.transact(CID_BROADCAST, CTAPHID_INIT, nonce)
    cid = int.from_bytes(reply[8:12], "big") if len(reply) >= 12 else 0
    results[prefix + "init.length"] = len(reply)
    results[prefix + "init.nonce_echo"] = str(reply[:8] == nonce).lower()
    results[prefix + "init.cid"] = "%08X" % cid
    results[prefix + "init.cid_valid"] = str(cid not in (0, CID_BROADCAST)).lower()
    if len(reply) >= 17:
        results[prefix + "init.protocol"] = reply[12]
        results[prefix + "init.version"] = "%d.%d.%d" % (reply[13], reply[14], reply[15])
        results[prefix + "init.capabilities"] = "%02X" % reply[16]
    return cid


def ping(dev, cid, size):
    payload = os.urandom(size)
    start = time.monotonic()
    echo = dev.transact(cid, CTAPHID_PING, payload)
    elapsed = time.monotonic() - start
    return echo == payload, len(echo), elapsed


def check(path, index, args, results):
    prefix = "%d." % index
    results[prefix + "device"] = path
    dev = Device(path, args.timeout)
    try:
        cid = init_channel(dev, results, prefix)
        for size in args.sizes:
            ok, length, elapsed = ping(dev, cid, size)
            results["%sping.%d" % (prefix, size)] = "ok" if ok else "mismatch"
            results["%sping.%d.echo_length" % (prefix, size)] = length
            results["%sping.%d.ms" % (prefix, size)] = "%.1f" % (elapsed * 1000)
        for size in args.bench_sizes:
            bench(dev, cid, size, args.bench, results, prefix)
    except (CtapHidError, OSError) as e:
        results[prefix + "error"] = str(e)
    finally:
        dev.close()


def bench(dev, cid, size, rounds, results, prefix):
    ping(dev, cid, size)  # warm-up round, not counted
    times = []
    start = time.monotonic()
    for _ in range(rounds):
        ok, _, elapsed = ping(dev, cid, size)
        if not ok:
            raise CtapHidError("benchmark ping of %d bytes came back altered" % size)
        times.append(elapsed)
    total = time.monotonic() - start
    key = "%sbench.%d." % (prefix, size)
    results[key + "rounds"] = rounds
    results[key + "median_ms"] = "%.2f" % (statistics.median(times) * 1000)
    results[key + "min_ms"] = "%.2f" % (min(times) * 1000)
    results[key + "max_ms"] = "%.2f" % (max(times) * 1000)
    results[key + "rounds_per_s"] = "%.1f" % (rounds / total)


def sizes(text):
    return [int(s) for s in text.split(",") if s]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="key=value result file")
    parser.add_argument("--devices", type=int, default=1, help="keys to wait for and check")
    parser.add_argument("--wait", type=float, default=30, help="seconds to wait for hidraw nodes")
    parser.add_argument("--timeout", type=float, default=10, help="seconds per report read")
    parser.add_argument("--sizes", type=sizes, default=[1024, 1300], help="PING payload sizes")
    parser.add_argument("--bench", type=int, default=0, help="benchmark rounds per size")
    parser.add_argument("--bench-sizes", type=sizes, default=[], help="benchmark payload sizes")
    args = parser.parse_args()
    if not args.bench:
        args.bench_sizes = []

    deadline = time.monotonic() + args.wait
    paths = find_devices(0x20A0, 0x42D4)
    while len(paths) < args.devices and time.monotonic() < deadline:
        time.sleep(0.1)
        paths = find_devices(0x20A0, 0x42D4)

    results = {"devices": len(paths)}
    for index, path in enumerate(paths):
        check(path, index, args, results)
    with open(args.out, "w") as f:
        for key, value in results.items():
            f.write("%s=%s\n" % (key, value))
    for key, value in results.items():
        print("CTAPHID %s=%s" % (key, value))
    return 0 if len(paths) >= args.devices and not any(k.endswith("error") for k in results) else 1


if __name__ == "__main__":
    sys.exit(main())
