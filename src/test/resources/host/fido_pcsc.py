"""FIDO over PC/SC (CTAP 2.1 section 11.3, the NFC binding) against a vcanokey in pcscd's vpcd
reader, with python-fido2's own CtapPcscDevice (pyscard), Ctap1, Ctap2, Fido2Client and
Fido2Server.

Usage: fido_pcsc.py READER [deny], READER a part of the reader's name. Checks getInfo, U2F register and authenticate (signatures verified by
python-fido2's RegistrationData and SignatureData), a PIN set through ClientPin, makeCredential and
getAssertion through Fido2Client (packed attestation and assertion verified by Fido2Server), and
the status words of malformed APDUs sent raw. Prints one "ok ..." line per check and "ALL OK" at
the end; any failure raises, so the exit status is non-zero. With "deny" (a key run with
--touch deny) it checks instead that U2F REGISTER answers 6985 and makeCredential
CTAP2_ERR_OPERATION_DENIED.
"""

import hashlib
import sys

from smartcard.System import readers

from fido2.attestation import Attestation
from fido2.client import Fido2Client
from fido2.ctap import CtapError
from fido2.ctap1 import ApduError, Ctap1
from fido2.ctap2 import ClientPin, Ctap2
from fido2.hid import CAPABILITY
from fido2.pcsc import CtapPcscDevice
from fido2.server import Fido2Server

PIN = "4321"
RP = {"id": "example.com", "name": "Example"}
ORIGIN = "https://example.com"


def sha256(text):
    return hashlib.sha256(text.encode()).digest()


def open_device(name):
    """The first reader whose name contains name, ignoring case (as ykman's --reader does)."""
    for reader in readers():
        if name.lower() in reader.name.lower():
            return CtapPcscDevice(reader.createConnection(), reader.name)
    raise AssertionError("no reader %r among %r" % (name, [r.name for r in readers()]))


def expect_sw(sw, action):
    try:
        action()
    except ApduError as e:
        if e.code != sw:
            raise AssertionError("expected SW %04X, got %04X" % (sw, e.code))
        return
    raise AssertionError("expected SW %04X, got success" % sw)


def check_info(device):
    assert device.capabilities & CAPABILITY.CBOR, "getInfo probe failed: no CBOR capability"
    info = Ctap2(device).get_info()
    assert "FIDO_2_0" in info.versions and "U2F_V2" in info.versions, info.versions
    assert info.aaguid.hex() == "244eb29ee0904e4981fe1f20f8d3b8f4", info.aaguid.hex()
    print("ok getInfo: versions %s, AAGUID %s" % (",".join(info.versions), info.aaguid.hex()))


def check_u2f(device):
    ctap1 = Ctap1(device)
    version = ctap1.get_version()
    assert version == "U2F_V2", version
    print("ok U2F version: %s" % version)

    app_param = sha256("https://vcanokey.example")
    client_param = sha256('{"typ":"navigator.id.finishEnrollment","challenge":"p1"}')
    registration = ctap1.register(client_param, app_param)
    registration.verify(app_param, client_param)
    print("ok U2F register: key handle %d bytes, attestation certificate %d bytes,"
          " signature verified" % (len(registration.key_handle), len(registration.certificate)))

    expect_sw(0x6985, lambda: ctap1.authenticate(
        client_param, app_param, registration.key_handle, check_only=True))
    counters = []
    for i in range(2):
        client_auth = sha256('{"typ":"navigator.id.getAssertion","challenge":"q%d"}' % i)
        signature = ctap1.authenticate(client_auth, app_param, registration.key_handle)
        signature.verify(app_param, client_auth, registration.public_key)
        assert signature.user_presence & 0x01, signature.user_presence
        counters.append(signature.counter)
    assert counters[1] > counters[0], counters
    print("ok U2F authenticate: check-only 6985, signatures verified, counter %d then %d"
          % tuple(counters))


def verify_attestation(attestation_object, client_data_hash):
    verifier = Attestation.for_type(attestation_object.fmt)()
    result = verifier.verify(
        attestation_object.att_statement, attestation_object.auth_data, client_data_hash)
    print("ok attestation: %s %s" % (attestation_object.fmt, result.attestation_type.name))


def check_fido2(device):
    ctap2 = Ctap2(device)
    ClientPin(ctap2).set_pin(PIN)
    assert ctap2.get_info().options.get("clientPin") is True
    print("ok clientPIN: PIN set over PC/SC, getInfo says clientPin true")

    server = Fido2Server(RP, attestation="direct", verify_attestation=verify_attestation)
    client = Fido2Client(device, ORIGIN)
    user = {"id": b"pcsc-user", "name": "bob", "displayName": "Bob"}
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
    print("ok getAssertion with allowList: signature verified by Fido2Server, counter %d"
          % response.authenticator_data.counter)

    options, state = server.authenticate_begin()
    selection = client.get_assertion(options["publicKey"], pin=PIN)
    response = selection.get_response(0)
    assert response.credential_id == credential.credential_id
    server.authenticate_complete(state, [credential], response.credential_id,
                                 response.client_data, response.authenticator_data,
                                 response.signature)
    print("ok getAssertion discoverable: user id %r" % selection.get_assertions()[0].user["id"])


def raw(device, hex_apdu):
    data, sw1, sw2 = device.apdu_exchange(bytes.fromhex(hex_apdu.replace(" ", "")))
    return data, (sw1 << 8) | sw2


def check_malformed(device):
    expected = [
        ("80 10 07 00 01 04 00", 0x6A86),  # NFCCTAP_MSG P1 neither 00 nor 80
        ("80 11 00 00 00", 0x6985),  # NFCCTAP_GETRESPONSE with nothing running
        ("80 EE 00 00 00", 0x6D00),  # unknown instruction
        ("00 01 03 00 03 01 02 03 00", 0x6700),  # U2F REGISTER of 3 bytes
        ("00 01 03 00 50", 0x6700),  # Lc without its data: malformed length
    ]
    for apdu, sw in expected:
        _, got = raw(device, apdu)
        assert got == sw, "%s: expected %04X, got %04X" % (apdu, sw, got)
    data, sw = raw(device, "80 10 00 00 03 01 A1 01 00")  # makeCredential, CBOR cut short
    assert sw == 0x9000 and len(data) == 1 and data[0] != 0, (data.hex(), hex(sw))
    info = Ctap2(device).get_info()
    assert "FIDO_2_0" in info.versions
    print("ok malformed: 6A86 6985 6D00 6700 6700, truncated CBOR status %02X, getInfo still"
          " answers" % data[0])


def check_denied(device):
    app_param = sha256("https://vcanokey.example")
    client_param = sha256('{"typ":"navigator.id.finishEnrollment","challenge":"d1"}')
    expect_sw(0x6985, lambda: Ctap1(device).register(client_param, app_param))
    print("ok U2F register refused: 6985 without user presence")
    try:
        Ctap2(device).make_credential(
            client_param, RP, {"id": b"u", "name": "u"}, [{"type": "public-key", "alg": -7}])
    except CtapError as e:
        assert e.code == CtapError.ERR.OPERATION_DENIED, e.code
        print("ok makeCredential refused: %s" % e.code.name)
        return
    raise AssertionError("makeCredential succeeded without user presence")


def main():
    device = open_device(sys.argv[1])
    check_info(device)
    if sys.argv[2:] == ["deny"]:
        check_denied(device)
        device.close()
        print("ALL OK")
        return
    check_u2f(device)
    check_fido2(device)
    check_malformed(device)
    device.close()
    print("ALL OK")


if __name__ == "__main__":
    main()
