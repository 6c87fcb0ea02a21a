"""Times authenticatorMakeCredential and authenticatorGetAssertion with python-fido2's Ctap2.

Benchmark, not a test. Runs as /usr/bin/python3 (Debian's python3-fido2 0.9.1) either in a guest,
on the key's /dev/hidraw node, or on the host against `serve --ctaphid-udp` (option --udp PORT,
with u2f_udp.py from src/test/resources/host next to this file for its UdpCtapHidConnection).
For ES256 (COSE -7) and EdDSA (COSE -8) it makes ROUNDS non-discoverable credentials, then gets
ROUNDS assertions with one of them, each loop after ROUNDS/2 untimed warm-up calls (the key's JIT),
with no PIN set and user presence granted by the key (--touch auto), and writes key=value lines:
OP.ALG.median_ms, OP.ALG.p90_ms, OP.ALG.per_s (rounds divided by the loop's wall time); and the
same for authenticatorGetInfo as the baseline of transport and client (getinfo.median_ms, ...).

Usage: fido2_bench.py OUT ROUNDS [--udp PORT]
"""

import os
import signal
import sys
import time

from fido2.ctap2 import Ctap2
from fido2.hid import CtapHidDevice
from fido2.hid.base import HidDescriptor

VID, PID = 0x20A0, 0x42D4
ALGORITHMS = [("es256", -7), ("eddsa", -8)]
RP = {"id": "bench.vcanokey.test", "name": "bench"}
LIMIT_S = 300  # python-fido2 reads without a timeout: a lost answer would hang the run

phase = "start"


def give_up(signum, frame):
    raise TimeoutError("no progress for %d s in phase %s" % (LIMIT_S, phase))


def open_device(udp_port):
    if udp_port is not None:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from u2f_udp import UdpCtapHidConnection

        descriptor = HidDescriptor("udp:127.0.0.1:%d" % udp_port, VID, PID, 64, 64)
        return CtapHidDevice(descriptor, UdpCtapHidConnection(udp_port))
    for dev in CtapHidDevice.list_devices():
        if (dev.descriptor.vid, dev.descriptor.pid) == (VID, PID):
            return dev
    raise RuntimeError("no key 20a0:42d4 among the HID devices")


def timed(rounds, action):
    """Runs action rounds/2 times to warm up the key's JIT, then rounds times; returns sorted
    seconds and the wall time of the timed loop."""
    for _ in range(max(1, rounds // 2)):
        action()
    samples = []
    start = time.perf_counter()
    for _ in range(rounds):
        t = time.perf_counter()
        action()
        samples.append(time.perf_counter() - t)
    wall = time.perf_counter() - start
    return sorted(samples), wall


def percentile(sorted_samples, p):
    rank = max(1, -(-p * len(sorted_samples) // 100))
    return sorted_samples[rank - 1]


def main():
    out_path, rounds = sys.argv[1], int(sys.argv[2])
    udp_port = int(sys.argv[4]) if sys.argv[3:4] == ["--udp"] else None
    global phase
    lines = ["rounds=%d" % rounds]
    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(LIMIT_S)
    device = None
    try:
        phase = "open"
        device = open_device(udp_port)
        phase = "getinfo"
        ctap2 = Ctap2(device)
        cdh = os.urandom(32)
        # The transport's and python-fido2's own cost: getInfo touches neither keys nor storage.
        samples, wall = timed(rounds, ctap2.get_info)
        lines.append("getinfo.median_ms=%.2f" % (percentile(samples, 50) * 1000))
        lines.append("getinfo.p90_ms=%.2f" % (percentile(samples, 90) * 1000))
        lines.append("getinfo.per_s=%.1f" % (rounds / wall))
        for name, alg in ALGORITHMS:
            signal.alarm(LIMIT_S)
            phase = "makecred " + name
            params = [{"type": "public-key", "alg": alg}]
            made = []

            def make():
                user = {"id": os.urandom(16), "name": "bench"}
                made.append(ctap2.make_credential(cdh, RP, user, params))

            results = {"makecred": timed(rounds, make)}
            credential = made[0].auth_data.credential_data
            allow = [{"type": "public-key", "id": credential.credential_id}]
            signal.alarm(LIMIT_S)
            phase = "getassert " + name
            results["getassert"] = timed(
                rounds, lambda: ctap2.get_assertion(RP["id"], cdh, allow))
            for op, (samples, wall) in results.items():
                key = "%s.%s." % (op, name)
                lines.append(key + "median_ms=%.2f" % (percentile(samples, 50) * 1000))
                lines.append(key + "p90_ms=%.2f" % (percentile(samples, 90) * 1000))
                lines.append(key + "per_s=%.1f" % (rounds / wall))
    except Exception as e:  # reported to the host, which prints it
        lines.append("error=%s: %s" % (type(e).__name__, e))
    finally:
        signal.alarm(0)
        if device is not None:
            device.close()
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join("GUEST: fido2 bench " + line for line in lines))


if __name__ == "__main__":
    main()
