"""FIDO2 (CTAP 2.1) against a vcanokey serving CTAPHID over UDP, with python-fido2's own client
and relying-party server.

Usage: fido2_udp.py PORT. Sets the PIN 1234 through ClientPin, registers a discoverable ES256
credential with Fido2Client (the PIN gives a pinUvAuthToken), has Fido2Server verify the packed
attestation and two assertions (with allowList and discoverable), and checks the UV flag. Prints
one "ok ..." line per check and "ALL OK" at the end; any failure raises.
"""

import sys

from fido2.attestation import Attestation
from fido2.client import Fido2Client
from fido2.ctap2 import ClientPin, Ctap2
from fido2.hid import CtapHidDevice
from fido2.hid.base import HidDescriptor
from fido2.server import Fido2Server

from u2f_udp import UdpCtapHidConnection

PIN = "1234"
RP = {"id": "example.com", "name": "Example"}
ORIGIN = "https://example.com"


def verify_attestation(attestation_object, client_data_hash):
    verifier = Attestation.for_type(attestation_object.fmt)()
    result = verifier.verify(
        attestation_object.att_statement, attestation_object.auth_data, client_data_hash)
    print("ok attestation: %s %s" % (attestation_object.fmt, result.attestation_type.name))


def main():
    port = int(sys.argv[1])
    descriptor = HidDescriptor("udp:127.0.0.1:%d" % port, 0x20A0, 0x42D4, 64, 64)
    device = CtapHidDevice(descriptor, UdpCtapHidConnection(port))
    ctap2 = Ctap2(device)
    info = ctap2.get_info()
    assert info.options.get("clientPin") is False, info.options
    ClientPin(ctap2).set_pin(PIN)
    assert ctap2.get_info().options.get("clientPin") is True
    print("ok clientPIN: PIN set, getInfo says clientPin true")

    server = Fido2Server(RP, attestation="direct", verify_attestation=verify_attestation)
    client = Fido2Client(device, ORIGIN)
    user = {"id": b"user-1", "name": "alice", "displayName": "Alice"}
    options, state = server.register_begin(user, resident_key=True)
    made = client.make_credential(options["publicKey"], pin=PIN)
    auth_data = server.register_complete(state, made.client_data, made.attestation_object)
    assert auth_data.is_user_verified(), "UV flag missing after a PIN token"
    credential = auth_data.credential_data
    print("ok makeCredential: %d-byte credential ID, UV set, algorithm %d"
          % (len(credential.credential_id), credential.public_key[3]))

    options, state = server.authenticate_begin([credential])
    selection = client.get_assertion(options["publicKey"], pin=PIN)
    response = selection.get_response(0)
    server.authenticate_complete(state, [credential], response.credential_id,
                                 response.client_data, response.authenticator_data,
                                 response.signature)
    assert response.authenticator_data.is_user_verified()
    print("ok getAssertion with allowList: signature verified by Fido2Server, counter %d"
          % response.authenticator_data.counter)

    options, state = server.authenticate_begin()
    selection = client.get_assertion(options["publicKey"], pin=PIN)
    response = selection.get_response(0)
    assert response.credential_id == credential.credential_id
    server.authenticate_complete(state, [credential], response.credential_id,
                                 response.client_data, response.authenticator_data,
                                 response.signature)
    user_id = selection.get_assertions()[0].user["id"]
    assert user_id == b"user-1", user_id
    print("ok getAssertion discoverable: found without allowList, user id %r" % user_id)

    device.close()
    print("ALL OK")


if __name__ == "__main__":
    main()
