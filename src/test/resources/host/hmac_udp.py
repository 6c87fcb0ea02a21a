"""The hmac-secret extension (CTAP 2.1, 12.5) against a vcanokey serving CTAPHID over UDP, with
python-fido2's own HmacSecretExtension building the input and decrypting the output.

Usage: hmac_udp.py PORT. Makes credentials with hmac-secret (and credProtect), then checks: the
same salt gives the same output, another salt another output, two salts both outputs, PIN/UV
auth protocols one and two give the same outputs, a wrong saltAuth and a wrong salt length get
their errors, the outputs after UV (a PIN token) differ from those without, and credProtect
levels 2 and 3 hide the credential as 12.1 says. Prints one "ok ..." line per check and "ALL OK"
at the end; any failure raises.
"""

import hashlib
import os
import sys

from fido2.ctap import CtapError
from fido2.ctap2 import ClientPin, Ctap2
from fido2.ctap2.extensions import HmacSecretExtension
from fido2.ctap2.pin import PinProtocolV1, PinProtocolV2
from fido2.hid import CtapHidDevice
from fido2.hid.base import HidDescriptor

from u2f_udp import UdpCtapHidConnection

PIN = "1234"
RP = {"id": "example.com", "name": "Example"}
ES256 = [{"type": "public-key", "alg": -7}]
SALT_A = b"\xa5" * 32
SALT_B = b"\x96" * 32


def client_data_hash():
    return hashlib.sha256(os.urandom(32)).digest()


def expect_error(code, action, what):
    try:
        action()
    except CtapError as e:
        if e.code != code:
            raise AssertionError("%s: expected %s, got %s" % (what, code, e.code))
        return
    raise AssertionError("%s: expected %s, got success" % (what, code))


class Key:
    def __init__(self, ctap2):
        self.ctap2 = ctap2

    def make(self, user_id, extensions, rk=False, token=None, protocol=None):
        cdh = client_data_hash()
        pin_param = protocol.authenticate(token, cdh) if token else None
        made = self.ctap2.make_credential(
            cdh, RP, {"id": user_id, "name": "alice", "displayName": "Alice"}, ES256,
            extensions=extensions, options={"rk": True} if rk else None,
            pin_uv_param=pin_param, pin_uv_protocol=protocol.VERSION if token else None)
        assert made.auth_data.extensions.get("hmac-secret") is True, made.auth_data.extensions
        return made.auth_data.credential_data

    def assert_hmac(self, credential, salts, protocol, allow=True, token=None, extension=None):
        """One getAssertion with hmac-secret; returns (assertion, decrypted outputs)."""
        ext = extension or HmacSecretExtension(self.ctap2, protocol)
        inputs = {"salt1": salts[0]}
        if len(salts) > 1:
            inputs["salt2"] = salts[1]
        ext_input = ext.process_get_input({"hmacGetSecret": inputs})
        cdh = client_data_hash()
        pin_param = protocol.authenticate(token, cdh) if token else None
        allow_list = [{"type": "public-key", "id": credential.credential_id}] if allow else None
        assertion = self.ctap2.get_assertion(
            RP["id"], cdh, allow_list, {"hmac-secret": ext_input},
            pin_uv_param=pin_param, pin_uv_protocol=protocol.VERSION if token else None)
        if credential is not None:
            assertion.verify(cdh, credential.public_key)
        out = ext.process_get_output(assertion.auth_data)["hmacGetSecret"]
        return assertion, out

    def token(self, protocol):
        return ClientPin(self.ctap2, protocol).get_pin_token(
            PIN, ClientPin.PERMISSION.MAKE_CREDENTIAL | ClientPin.PERMISSION.GET_ASSERTION,
            RP["id"])


def main():
    port = int(sys.argv[1])
    descriptor = HidDescriptor("udp:127.0.0.1:%d" % port, 0x20A0, 0x42D4, 64, 64)
    device = CtapHidDevice(descriptor, UdpCtapHidConnection(port))
    ctap2 = Ctap2(device)
    assert "hmac-secret" in ctap2.info.extensions, ctap2.info.extensions
    key = Key(ctap2)
    v1, v2 = PinProtocolV1(), PinProtocolV2()

    credential = key.make(b"user-1", {"hmac-secret": True})
    print("ok makeCredential: authData extension hmac-secret true")

    _, first = key.assert_hmac(credential, [SALT_A], v1)
    _, again = key.assert_hmac(credential, [SALT_A], v1)
    assert len(first["output1"]) == 32 and "output2" not in first, first
    assert first["output1"] == again["output1"]
    print("ok one salt, protocol 1: same salt, same 32-byte output; signature verified")

    _, other = key.assert_hmac(credential, [SALT_B], v1)
    assert other["output1"] != first["output1"]
    print("ok another salt: another output")

    _, both = key.assert_hmac(credential, [SALT_A, SALT_B], v1)
    assert both["output1"] == first["output1"] and both["output2"] == other["output1"], both
    print("ok two salts: output1 and output2 match the single-salt outputs")

    _, both2 = key.assert_hmac(credential, [SALT_A, SALT_B], v2)
    assert both2 == both, both2
    print("ok protocol 2: the same outputs as protocol 1")

    ext = HmacSecretExtension(ctap2, v1)
    ext_input = ext.process_get_input({"hmacGetSecret": {"salt1": SALT_A}})
    ext_input[3] = bytes(16)
    allow = [{"type": "public-key", "id": credential.credential_id}]
    expect_error(CtapError.ERR.PIN_AUTH_INVALID, lambda: ctap2.get_assertion(
        RP["id"], client_data_hash(), allow, {"hmac-secret": ext_input}), "wrong saltAuth")
    print("ok wrong saltAuth: PIN_AUTH_INVALID")

    client_pin = ClientPin(ctap2, v1)
    key_agreement, shared = client_pin._get_shared_secret()
    salt_enc = v1.encrypt(shared, b"\x01" * 16)
    bad = {1: key_agreement, 2: salt_enc, 3: v1.authenticate(shared, salt_enc), 4: 1}
    expect_error(CtapError.ERR.INVALID_LENGTH, lambda: ctap2.get_assertion(
        RP["id"], client_data_hash(), allow, {"hmac-secret": bad}), "16-byte salt")
    print("ok 16-byte salt: INVALID_LENGTH")

    ClientPin(ctap2).set_pin(PIN)
    ctap2 = Ctap2(device)  # refresh getInfo: clientPin true
    key = Key(ctap2)
    assertion, uv = key.assert_hmac(credential, [SALT_A], v2, token=key.token(v2))
    assert assertion.auth_data.is_user_verified()
    assert uv["output1"] != first["output1"]
    _, uv1 = key.assert_hmac(credential, [SALT_A], v1, token=key.token(v1))
    assert uv1 == uv
    print("ok after UV: CredRandomWithUV gives another output, the same with both protocols")

    protected = key.make(b"user-3", {"hmac-secret": True, "credProtect": 3}, rk=True,
                         token=key.token(v2), protocol=v2)
    expect_error(CtapError.ERR.NO_CREDENTIALS,
                 lambda: key.assert_hmac(protected, [SALT_A], v1), "credProtect 3 without UV")
    _, out3 = key.assert_hmac(protected, [SALT_A], v1, token=key.token(v1))
    assert len(out3["output1"]) == 32 and out3["output1"] != uv["output1"]
    print("ok credProtect 3: hidden without UV, hmac-secret output with UV")

    listed = key.make(b"user-2", {"hmac-secret": True, "credProtect": 2}, rk=True,
                      token=key.token(v2), protocol=v2)
    expect_error(CtapError.ERR.NO_CREDENTIALS,
                 lambda: key.assert_hmac(None, [SALT_A], v1, allow=False),
                 "credProtect 2 without allowList or UV")
    _, out2 = key.assert_hmac(listed, [SALT_A], v1)
    _, out2b = key.assert_hmac(listed, [SALT_A], v2)
    assert out2 == out2b and out2["output1"] != first["output1"]
    print("ok credProtect 2: hidden without allowList, hmac-secret output with it")

    device.close()
    print("ALL OK")


if __name__ == "__main__":
    main()
