"""CTAP 2.1 reset, selection, largeBlobs, authenticatorConfig and the minPinLength extension against
a vcanokey serving CTAPHID over UDP, with python-fido2's own classes (Ctap2, ClientPin, LargeBlobs,
Config, its PIN protocols and CtapError).

Usage: fido2_config_udp.py PORT. Must start within a few seconds of the key (reset is allowed only
in the first 10 s after power-up). Prints one "ok ..." line per check and "ALL OK" at the end; any
failure raises, so the exit status is non-zero.
"""

import hashlib
import os
import sys
import time

from fido2.ctap import CtapError
from fido2.ctap2 import ClientPin, Ctap2
from fido2.ctap2.blob import LargeBlobs
from fido2.ctap2.config import Config
from fido2.hid import CtapHidDevice
from fido2.hid.base import HidDescriptor

from u2f_udp import UdpCtapHidConnection

PIN = "1234"
NEW_PIN = "123456"
RP = {"id": "example.com", "name": "Example"}
USER = {"id": b"user-1", "name": "alice"}
ES256 = [{"type": "public-key", "alg": -7}]


def expect_error(code, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except CtapError as e:
        assert e.code == code, "expected 0x%02X, got %r" % (code, e)
        return
    raise AssertionError("expected CTAP error 0x%02X, got success" % code)


def token(ctap2, pin, permissions):
    client_pin = ClientPin(ctap2)
    return client_pin.protocol, client_pin.get_pin_token(pin, permissions)


def main():
    started = time.monotonic()
    port = int(sys.argv[1])
    descriptor = HidDescriptor("udp:127.0.0.1:%d" % port, 0x20A0, 0x42D4, 64, 64)
    device = CtapHidDevice(descriptor, UdpCtapHidConnection(port))
    ctap2 = Ctap2(device)

    info = ctap2.get_info()
    options = info.options
    assert options.get("largeBlobs") is True, options
    assert options.get("authnrCfg") is True, options
    assert options.get("setMinPINLength") is True, options
    assert options.get("alwaysUv") is False, options
    assert "ep" not in options, options
    assert "minPinLength" in info.extensions, info.extensions
    assert info.min_pin_length == 4 and info.force_pin_change is False
    print("ok getInfo: largeBlobs, authnrCfg, setMinPINLength true, alwaysUv false,"
          " minPINLength %d, max large blob %d" % (info.min_pin_length, info.max_large_blob))

    ctap2.selection()
    print("ok selection: CTAP2_OK")

    ClientPin(ctap2).set_pin(PIN)
    ctap2.reset()
    assert ctap2.get_info().options.get("clientPin") is False
    print("ok reset within 10 s of power-up: PIN gone")

    blobs = LargeBlobs(ctap2)
    assert blobs.read_blob_array() == []
    blob_key = os.urandom(32)
    blobs.put_blob(blob_key, b"hello large blob")
    assert LargeBlobs(ctap2).get_blob(blob_key) == b"hello large blob"
    print("ok largeBlobs without PIN: empty array, put_blob then get_blob round trip")

    ClientPin(ctap2).set_pin(PIN)
    protocol, lbw = token(ctap2, PIN, ClientPin.PERMISSION.LARGE_BLOB_WRITE)
    expect_error(CtapError.ERR.PIN_REQUIRED, LargeBlobs(ctap2).put_blob, blob_key, b"x")
    protected = LargeBlobs(ctap2, protocol, lbw)
    protected.put_blob(blob_key, b"second value")
    other_key = os.urandom(32)
    protected.put_blob(other_key, b"other value")
    assert LargeBlobs(ctap2).get_blob(blob_key) == b"second value"
    assert LargeBlobs(ctap2).get_blob(other_key) == b"other value"
    print("ok largeBlobs with PIN: PUAT_REQUIRED without a token, writes with an lbw token")

    protocol, acfg = token(ctap2, PIN, ClientPin.PERMISSION.AUTHENTICATOR_CFG)
    Config(ctap2, protocol, acfg).set_min_pin_length(min_pin_length=6, rp_ids=[RP["id"]])
    info = ctap2.get_info()
    assert info.min_pin_length == 6 and info.force_pin_change is True, info
    expect_error(CtapError.ERR.PIN_POLICY_VIOLATION, token, ctap2, PIN,
                 ClientPin.PERMISSION.MAKE_CREDENTIAL)
    expect_error(CtapError.ERR.PIN_POLICY_VIOLATION, ClientPin(ctap2).change_pin, PIN, "12345")
    ClientPin(ctap2).change_pin(PIN, NEW_PIN)
    assert ctap2.get_info().force_pin_change is False
    print("ok setMinPINLength 6: forcePINChange set, token refused (0x37), short PIN refused,"
          " changePIN clears it")

    protocol, acfg = token(ctap2, NEW_PIN, ClientPin.PERMISSION.AUTHENTICATOR_CFG)
    Config(ctap2, protocol, acfg).toggle_always_uv()
    info = ctap2.get_info()
    assert info.options.get("alwaysUv") is True
    assert "U2F_V2" not in info.versions, info.versions
    client_data_hash = hashlib.sha256(b"client data").digest()
    expect_error(CtapError.ERR.PIN_REQUIRED, ctap2.make_credential, client_data_hash, RP, USER,
                 ES256)
    expect_error(CtapError.ERR.PIN_REQUIRED, ctap2.get_assertion, RP["id"], client_data_hash)
    print("ok toggleAlwaysUv: alwaysUv true, U2F_V2 gone, makeCredential and getAssertion"
          " without token 0x36")

    protocol, mc = token(ctap2, NEW_PIN, ClientPin.PERMISSION.MAKE_CREDENTIAL)
    made = ctap2.make_credential(
        client_data_hash, RP, USER, ES256, extensions={"minPinLength": True},
        pin_uv_param=protocol.authenticate(mc, client_data_hash),
        pin_uv_protocol=protocol.VERSION)
    assert made.auth_data.is_user_verified()
    assert made.auth_data.extensions == {"minPinLength": 6}, made.auth_data.extensions
    print("ok makeCredential minPinLength extension: %r" % made.auth_data.extensions)

    protocol, acfg = token(ctap2, NEW_PIN, ClientPin.PERMISSION.AUTHENTICATOR_CFG)
    Config(ctap2, protocol, acfg).toggle_always_uv()
    assert ctap2.get_info().options.get("alwaysUv") is False
    expect_error(CtapError.ERR.UNSUPPORTED_OPTION, Config(ctap2, protocol, acfg)._call,
                 Config.CMD.ENABLE_ENTERPRISE_ATT)
    print("ok toggleAlwaysUv again: off; enableEnterpriseAttestation 0x2B")

    time.sleep(max(0.0, 11.0 - (time.monotonic() - started)))
    expect_error(CtapError.ERR.NOT_ALLOWED, ctap2.reset)
    print("ok reset after 10 s: NOT_ALLOWED")

    device.close()
    print("ALL OK")


if __name__ == "__main__":
    main()
