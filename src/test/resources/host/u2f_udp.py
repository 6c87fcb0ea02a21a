"""U2F (CTAP1) against a vcanokey serving CTAPHID over UDP, with python-fido2's own classes.

Usage: u2f_udp.py PORT [deny]. With "deny" (a key run with --touch deny) it checks that
REGISTER answers 6985. Prints one "ok ..." line per check and "ALL OK" at the end; any failure
raises, so the exit status is non-zero.
"""

import hashlib
import socket
import sys

from fido2.ctap1 import ApduError, Ctap1
from fido2.hid import CtapHidDevice
from fido2.hid.base import CtapHidConnection, HidDescriptor

REPORT_SIZE = 64


class UdpCtapHidConnection(CtapHidConnection):
    """One CTAPHID report per datagram to and from the key on loopback."""

    def __init__(self, port):
        self.peer = ("127.0.0.1", port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(5.0)

    def write_packet(self, data):
        if len(data) != REPORT_SIZE:
            raise ValueError("report of %d bytes" % len(data))
        self.sock.sendto(bytes(data), self.peer)

    def read_packet(self):
        while True:
            data, source = self.sock.recvfrom(REPORT_SIZE + 1)
            if source == self.peer:
                return data

    def close(self):
        self.sock.close()


def sha256(text):
    return hashlib.sha256(text.encode()).digest()


def expect_sw(sw, action):
    try:
        action()
    except ApduError as e:
        if e.code != sw:
            raise AssertionError("expected SW %04X, got %04X" % (sw, e.code))
        return
    raise AssertionError("expected SW %04X, got success" % sw)


def main():
    port = int(sys.argv[1])
    descriptor = HidDescriptor("udp:127.0.0.1:%d" % port, 0x20A0, 0x42D4, 64, 64)
    device = CtapHidDevice(descriptor, UdpCtapHidConnection(port))
    print("ok init: CTAPHID version %d, device version %s, capabilities 0x%02X"
          % (device.version, device.device_version, device.capabilities))

    ctap1 = Ctap1(device)
    version = ctap1.get_version()
    assert version == "U2F_V2", version
    print("ok version: %s" % version)

    app_param = sha256("https://vcanokey.example")
    client_param = sha256('{"typ":"navigator.id.finishEnrollment","challenge":"c1"}')
    if sys.argv[2:] == ["deny"]:
        expect_sw(0x6985, lambda: ctap1.register(client_param, app_param))
        print("ok register refused: 6985 without user presence")
        device.close()
        print("ALL OK")
        return
    registration = ctap1.register(client_param, app_param)
    registration.verify(app_param, client_param)
    assert len(registration.key_handle) == 70, len(registration.key_handle)
    print("ok register: key handle %d bytes, attestation certificate %d bytes, signature verified"
          % (len(registration.key_handle), len(registration.certificate)))

    expect_sw(0x6985, lambda: ctap1.authenticate(
        client_param, app_param, registration.key_handle, check_only=True))
    print("ok check-only: 6985 for our key handle")

    expect_sw(0x6A80, lambda: ctap1.authenticate(
        client_param, sha256("https://other.example"), registration.key_handle, check_only=True))
    print("ok check-only: 6A80 for another application")

    counters = []
    for i in range(2):
        client_auth = sha256('{"typ":"navigator.id.getAssertion","challenge":"a%d"}' % i)
        signature = ctap1.authenticate(client_auth, app_param, registration.key_handle)
        signature.verify(app_param, client_auth, registration.public_key)
        assert signature.user_presence & 0x01, signature.user_presence
        counters.append(signature.counter)
    assert counters[1] > counters[0], counters
    print("ok authenticate: signatures verified, user presence set, counter %d then %d"
          % tuple(counters))

    device.close()
    print("ALL OK")


if __name__ == "__main__":
    main()
