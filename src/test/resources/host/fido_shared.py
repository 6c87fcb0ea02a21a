"""One FIDO state behind two transports: a vcanokey serving CTAPHID over UDP and a card in pcscd's
vpcd reader at once, both driven by python-fido2 (UdpCtapHidConnection from u2f_udp.py, and
CtapPcscDevice over pyscard).

Usage: fido_shared.py READER PORT. Sets a PIN and registers a discoverable credential over
CTAPHID, then over PC/SC finds the PIN set, gets a discoverable assertion with that PIN (verified
by Fido2Server against the credential registered over CTAPHID); registers a U2F key over PC/SC and
authenticates with it over CTAPHID. Prints one "ok ..." line per check and "ALL OK" at the end.
"""

import hashlib
import sys

from fido2.client import Fido2Client
from fido2.ctap1 import Ctap1
from fido2.ctap2 import ClientPin, Ctap2
from fido2.hid import CtapHidDevice
from fido2.hid.base import HidDescriptor
from fido2.server import Fido2Server

from fido_pcsc import open_device
from u2f_udp import UdpCtapHidConnection

PIN = "5678"
RP = {"id": "example.com", "name": "Example"}
ORIGIN = "https://example.com"


def sha256(text):
    return hashlib.sha256(text.encode()).digest()


def main():
    reader, port = sys.argv[1], int(sys.argv[2])
    descriptor = HidDescriptor("udp:127.0.0.1:%d" % port, 0x20A0, 0x42D4, 64, 64)
    hid = CtapHidDevice(descriptor, UdpCtapHidConnection(port))
    card = open_device(reader)

    ClientPin(Ctap2(hid)).set_pin(PIN)
    server = Fido2Server(RP)
    user = {"id": b"shared-user", "name": "carol", "displayName": "Carol"}
    options, state = server.register_begin(user, resident_key=True)
    made = Fido2Client(hid, ORIGIN).make_credential(options["publicKey"], pin=PIN)
    credential = server.register_complete(
        state, made.client_data, made.attestation_object).credential_data
    print("ok CTAPHID: PIN set, discoverable credential registered")

    assert Ctap2(card).get_info().options.get("clientPin") is True
    options, state = server.authenticate_begin()
    selection = Fido2Client(card, ORIGIN).get_assertion(options["publicKey"], pin=PIN)
    response = selection.get_response(0)
    assert response.credential_id == credential.credential_id
    server.authenticate_complete(state, [credential], response.credential_id,
                                 response.client_data, response.authenticator_data,
                                 response.signature)
    assert response.authenticator_data.is_user_verified()
    print("ok PC/SC: PIN from CTAPHID accepted, credential from CTAPHID found and verified")

    app_param = sha256("https://vcanokey.example")
    registration = Ctap1(card).register(sha256("enroll"), app_param)
    signature = Ctap1(hid).authenticate(sha256("sign"), app_param, registration.key_handle)
    signature.verify(app_param, sha256("sign"), registration.public_key)
    print("ok U2F: key handle registered over PC/SC signs over CTAPHID, counter %d"
          % signature.counter)

    card.close()
    hid.close()
    print("ALL OK")


if __name__ == "__main__":
    main()
