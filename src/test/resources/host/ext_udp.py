"""largeBlobKey (CTAP 2.1, 12.3), none attestation on request (CTAP 2.2, 6.1
attestationFormatsPreference) and the getAssertion user member (CTAP 2.1, 6.2.2) against a
vcanokey serving CTAPHID over UDP, parsed and checked with python-fido2's own classes.

Usage: ext_udp.py PORT. Prints one "ok ..." line per check and "ALL OK" at the end; any failure
raises.
"""

import hashlib
import os
import sys

from fido2.attestation import NoneAttestation, PackedAttestation
from fido2.ctap import CtapError
from fido2.ctap2 import ClientPin, Ctap2
from fido2.ctap2.base import AttestationObject, args
from fido2.ctap2.pin import PinProtocolV2
from fido2.hid import CtapHidDevice
from fido2.hid.base import HidDescriptor

from u2f_udp import UdpCtapHidConnection

PIN = "1234"
RP = {"id": "example.org", "name": "Example"}
ES256 = [{"type": "public-key", "alg": -7}]


def cdh():
    return hashlib.sha256(os.urandom(32)).digest()


def user(n):
    return {"id": b"user-%d" % n, "name": "user%d" % n, "displayName": "User %d" % n}


def expect_error(code, action, what):
    try:
        action()
    except CtapError as e:
        if e.code != code:
            raise AssertionError("%s: expected %s, got %s" % (what, code, e.code))
        return
    raise AssertionError("%s: expected %s, got success" % (what, code))


def main():
    port = int(sys.argv[1])
    descriptor = HidDescriptor("udp:127.0.0.1:%d" % port, 0x20A0, 0x42D4, 64, 64)
    device = CtapHidDevice(descriptor, UdpCtapHidConnection(port))
    ctap2 = Ctap2(device)
    assert "largeBlobKey" in ctap2.info.extensions, ctap2.info.extensions

    # largeBlobKey: member 0x05 of makeCredential, 0x07 of getAssertion when asked.
    made = ctap2.make_credential(cdh(), RP, user(1), ES256, extensions={"largeBlobKey": True},
                                 options={"rk": True})
    assert made.large_blob_key is not None and len(made.large_blob_key) == 32, made
    asked = ctap2.get_assertion(RP["id"], cdh(), extensions={"largeBlobKey": True})
    assert asked.large_blob_key == made.large_blob_key
    plain = ctap2.get_assertion(RP["id"], cdh())
    assert plain.large_blob_key is None
    print("ok largeBlobKey: 32 bytes from makeCredential, the same from getAssertion when asked")
    expect_error(CtapError.ERR.INVALID_OPTION, lambda: ctap2.make_credential(
        cdh(), RP, user(9), ES256, extensions={"largeBlobKey": True}), "largeBlobKey without rk")
    print("ok largeBlobKey without rk: INVALID_OPTION")

    # none attestation: attestationFormatsPreference (0x0B) with "none" first.
    client_data_hash = cdh()
    request = args(client_data_hash, RP, user(8), ES256, None, None, None, None, None, None,
                   ["none", "packed"])
    att = ctap2.send_cbor(Ctap2.CMD.MAKE_CREDENTIAL, request, parse=AttestationObject)
    assert att.fmt == "none", att.fmt
    result = NoneAttestation().verify(att.att_statement, att.auth_data, client_data_hash)
    print("ok attestationFormatsPreference [none, packed]: fmt none, %s" %
          result.attestation_type.name)
    client_data_hash = cdh()
    request = args(client_data_hash, RP, user(8), ES256, None, None, None, None, None, None,
                   ["packed", "none"])
    att = ctap2.send_cbor(Ctap2.CMD.MAKE_CREDENTIAL, request, parse=AttestationObject)
    result = PackedAttestation().verify(att.att_statement, att.auth_data, client_data_hash)
    print("ok attestationFormatsPreference [packed, none]: fmt %s, %s" %
          (att.fmt, result.attestation_type.name))

    # user member: name and displayName only after UV with several accounts.
    ClientPin(ctap2).set_pin(PIN)
    ctap2 = Ctap2(device)
    v2 = PinProtocolV2()
    client_pin = ClientPin(ctap2, v2)
    for n in (2, 3):
        token = client_pin.get_pin_token(PIN, ClientPin.PERMISSION.MAKE_CREDENTIAL, "example.net")
        h = cdh()
        ctap2.make_credential(h, {"id": "example.net"}, user(n), ES256, options={"rk": True},
                              pin_uv_param=v2.authenticate(token, h), pin_uv_protocol=2)
    no_uv = ctap2.get_assertions("example.net", cdh())
    assert [sorted(a.user) for a in no_uv] == [["id"], ["id"]], [a.user for a in no_uv]
    token = client_pin.get_pin_token(PIN, ClientPin.PERMISSION.GET_ASSERTION, "example.net")
    h = cdh()
    with_uv = ctap2.get_assertions("example.net", h, pin_uv_param=v2.authenticate(token, h),
                                   pin_uv_protocol=2)
    assert with_uv[0].number_of_credentials == 2
    assert [a.user for a in with_uv] == [user(3), user(2)], [a.user for a in with_uv]
    print("ok user member: id alone without UV; after UV id, name and displayName of both")

    device.close()
    print("ALL OK")


if __name__ == "__main__":
    main()
