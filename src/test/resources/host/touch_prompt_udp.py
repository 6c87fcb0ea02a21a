"""User presence with a key run as `serve --touch prompt --ctaphid-udp`, seen by python-fido2.

Usage: touch_prompt_udp.py PORT. The key asks its terminal for each touch; the test that runs this
script plays the user: whenever the script prints a line "touch-needed", the test presses Enter on
the key's terminal. Checks, with python-fido2's own CtapHidDevice, Ctap2 and Ctap1 classes:

1. makeCredential waiting for a touch gets KEEPALIVE with STATUS_UPNEEDED about every 100 ms
   (CTAP 2.1, 11.2.9.1.7), and setting python-fido2's cancel event (which sends CTAPHID_CANCEL)
   ends it with CTAP2_ERR_KEEPALIVE_CANCEL (11.2.9.1.5);
2. makeCredential completes once the user touches;
3. U2F REGISTER answers 6985 at once while the prompt is open and succeeds on a retry after the
   touch (FIDO U2F raw message formats, 4.1).

Prints one "ok ..." line per check and "ALL OK" at the end; any failure raises.
"""

import hashlib
import statistics
import sys
import threading
import time

from fido2.ctap import CtapError
from fido2.ctap1 import ApduError, Ctap1
from fido2.ctap2 import Ctap2
from fido2.hid import STATUS, CtapHidDevice
from fido2.hid.base import HidDescriptor

from u2f_udp import UdpCtapHidConnection

KEEPALIVE = 0xBB


class TimedConnection(UdpCtapHidConnection):
    """Notes when each KEEPALIVE report arrives."""

    def __init__(self, port):
        super().__init__(port)
        self.keepalives = []

    def read_packet(self):
        data = super().read_packet()
        if data[4] == KEEPALIVE:
            self.keepalives.append((time.monotonic(), data[7]))
        return data


def make_credential(ctap2, **kwargs):
    return ctap2.make_credential(
        hashlib.sha256(b"client data").digest(),
        {"id": "example.com", "name": "Example"},
        {"id": b"user-1", "name": "alice"},
        [{"type": "public-key", "alg": -7}],
        **kwargs)


def touch_needed():
    print("touch-needed", flush=True)


def main():
    port = int(sys.argv[1])
    connection = TimedConnection(port)
    device = CtapHidDevice(HidDescriptor("udp", 0x20A0, 0x42D4, 64, 64), connection)
    ctap2 = Ctap2(device)

    # 1. Keepalives while waiting, then CANCEL.
    cancel = threading.Event()

    def on_keepalive(status):
        if status == STATUS.UPNEEDED:
            threading.Timer(0.6, cancel.set).start()

    try:
        make_credential(ctap2, event=cancel, on_keepalive=on_keepalive)
        raise AssertionError("makeCredential completed without a touch")
    except CtapError as e:
        assert e.code == CtapError.ERR.KEEPALIVE_CANCEL, e
    statuses = {status for _, status in connection.keepalives}
    assert statuses == {STATUS.UPNEEDED}, statuses
    times = [t for t, _ in connection.keepalives]
    gaps = [(b - a) * 1000 for a, b in zip(times, times[1:])]
    assert len(gaps) >= 3, gaps
    median = statistics.median(gaps)
    assert 60 <= median <= 200, gaps
    print("ok keepalive: %d x STATUS_UPNEEDED, median gap %.0f ms" % (len(times), median))
    print("ok cancel: CTAP2_ERR_KEEPALIVE_CANCEL")

    # 2. The user touches.
    connection.keepalives.clear()
    touched = []

    def press_enter(status):
        if status == STATUS.UPNEEDED and not touched:
            touched.append(True)
            touch_needed()

    made = make_credential(ctap2, on_keepalive=press_enter)
    assert touched, "no STATUS_UPNEEDED keepalive before the touch"
    assert made.auth_data.is_user_present()
    print("ok makeCredential after the touch: %s attestation, UP set" % made.fmt)

    # 3. U2F never waits: 6985 at once, then success after the touch.
    ctap1 = Ctap1(device)
    challenge = hashlib.sha256(b"challenge").digest()
    application = hashlib.sha256(b"example.com").digest()
    started = time.monotonic()
    try:
        ctap1.register(challenge, application)
        raise AssertionError("REGISTER succeeded without a touch")
    except ApduError as e:
        assert e.code == 0x6985, hex(e.code)
    assert time.monotonic() - started < 1.0
    touch_needed()
    deadline = time.monotonic() + 10
    while True:
        try:
            registration = ctap1.register(challenge, application)
            break
        except ApduError as e:
            assert e.code == 0x6985 and time.monotonic() < deadline, hex(e.code)
            time.sleep(0.1)
    registration.verify(application, challenge)
    print("ok U2F register: 6985 at once, then verified after the touch")
    print("ALL OK")


if __name__ == "__main__":
    main()
