"""authenticatorCredentialManagement (CTAP 2.1, 6.8) against a vcanokey serving CTAPHID over UDP,
driven by python-fido2's own CredentialManagement class.

Usage: credmgmt_udp.py PORT. Sets the PIN 1234, makes three discoverable ES256 credentials on two
RPs with credProtect levels 1, 2 and 3 (through Ctap2.make_credential with an mc token), then with a
cm token: reads the metadata, enumerates the RPs and each RP's credentials (user, credential ID,
public key against the one makeCredential attested, credProtect), updates a user's name, deletes a
credential, and checks the errors for a token without cm, a GetNext without Begin, and the
pre-release command byte 0x41. Prints one "ok ..." line per check and "ALL OK" at the end; any
failure raises.
"""

import hashlib
import os
import sys

from fido2.ctap import CtapError
from fido2.ctap2 import ClientPin, Ctap2, CredentialManagement
from fido2.ctap2.base import args
from fido2.hid import CtapHidDevice
from fido2.hid.base import HidDescriptor

from u2f_udp import UdpCtapHidConnection

PIN = "1234"
RP_A = "example.com"
RP_B = "example.org"
CM = CredentialManagement.RESULT


def rp_id_hash(rp_id):
    return hashlib.sha256(rp_id.encode()).digest()


def expect_error(code, call, what):
    try:
        call()
    except CtapError as e:
        assert e.code == code, "%s: got %r, expected 0x%02X" % (what, e.code, code)
        print("ok %s: 0x%02X %s" % (what, code, e.code.name))
        return
    raise AssertionError("%s: no error, expected 0x%02X" % (what, code))


def make_resident(ctap2, rp_id, user_id, cred_protect):
    client_pin = ClientPin(ctap2)
    token = client_pin.get_pin_token(PIN, ClientPin.PERMISSION.MAKE_CREDENTIAL, rp_id)
    client_data_hash = os.urandom(32)
    attestation = ctap2.make_credential(
        client_data_hash,
        {"id": rp_id, "name": rp_id},
        {"id": user_id, "name": "name-" + user_id.decode(),
         "displayName": "Display " + user_id.decode()},
        [{"type": "public-key", "alg": -7}],
        extensions={"credProtect": cred_protect},
        options={"rk": True},
        pin_uv_param=client_pin.protocol.authenticate(token, client_data_hash),
        pin_uv_protocol=client_pin.protocol.VERSION,
    )
    return attestation.auth_data.credential_data


def main():
    port = int(sys.argv[1])
    descriptor = HidDescriptor("udp:127.0.0.1:%d" % port, 0x20A0, 0x42D4, 64, 64)
    device = CtapHidDevice(descriptor, UdpCtapHidConnection(port))
    ctap2 = Ctap2(device)
    assert ctap2.info.options.get("credMgmt") is True, ctap2.info.options
    assert "credentialMgmtPreview" not in ctap2.info.options, ctap2.info.options
    print("ok getInfo: credMgmt true, credentialMgmtPreview absent, versions %s"
          % ctap2.info.versions)
    ClientPin(ctap2).set_pin(PIN)

    made = {
        b"user-a1": (RP_A, 1, make_resident(ctap2, RP_A, b"user-a1", 1)),
        b"user-a2": (RP_A, 3, make_resident(ctap2, RP_A, b"user-a2", 3)),
        b"user-b1": (RP_B, 2, make_resident(ctap2, RP_B, b"user-b1", 2)),
    }
    print("ok makeCredential: 3 discoverable credentials on 2 RPs")

    client_pin = ClientPin(ctap2)
    token = client_pin.get_pin_token(PIN, ClientPin.PERMISSION.CREDENTIAL_MGMT)
    credman = CredentialManagement(ctap2, client_pin.protocol, token)

    metadata = credman.get_metadata()
    assert metadata[CM.EXISTING_CRED_COUNT] == 3, metadata
    assert metadata[CM.MAX_REMAINING_COUNT] == 253, metadata
    print("ok getCredsMetadata: existing %d, remaining %d"
          % (metadata[CM.EXISTING_CRED_COUNT], metadata[CM.MAX_REMAINING_COUNT]))

    rps = credman.enumerate_rps()
    found = sorted((rp[CM.RP]["id"], rp[CM.RP_ID_HASH]) for rp in rps)
    assert found == [(RP_A, rp_id_hash(RP_A)), (RP_B, rp_id_hash(RP_B))], found
    assert rps[0][CM.TOTAL_RPS] == 2
    print("ok enumerateRPs: %s with their rpIDHash, totalRPs 2" % [f[0] for f in found])

    for rp_id in (RP_A, RP_B):
        creds = credman.enumerate_creds(rp_id_hash(rp_id))
        expected = sorted(u for u, v in made.items() if v[0] == rp_id)
        assert sorted(c[CM.USER]["id"] for c in creds) == expected, creds
        for cred in creds:
            user_id = cred[CM.USER]["id"]
            _, level, data = made[user_id]
            assert cred[CM.CREDENTIAL_ID] == {"id": data.credential_id, "type": "public-key"}
            assert cred[CM.PUBLIC_KEY] == data.public_key, (cred[CM.PUBLIC_KEY], data.public_key)
            assert cred[CM.CRED_PROTECT] == level, cred
            assert cred[CM.USER]["name"] == "name-" + user_id.decode(), cred
        print("ok enumerateCredentials %s: users %s, IDs and public keys as attested,"
              " credProtect %s" % (rp_id, [u.decode() for u in expected],
                                   [made[c[CM.USER]["id"]][1] for c in creds]))

    _, _, data = made[b"user-a1"]
    descriptor_a1 = {"id": data.credential_id, "type": "public-key"}
    credman.update_user_info(descriptor_a1, {"id": b"user-a1", "name": "renamed"})
    creds = credman.enumerate_creds(rp_id_hash(RP_A))
    user = [c[CM.USER] for c in creds if c[CM.USER]["id"] == b"user-a1"][0]
    assert user == {"id": b"user-a1", "name": "renamed"}, user
    print("ok updateUserInformation: name renamed, displayName removed")

    expect_error(CtapError.ERR.INVALID_PARAMETER,
                 lambda: credman.update_user_info(descriptor_a1, {"id": b"other", "name": "x"}),
                 "updateUserInformation with another user.id")

    credman.delete_cred(descriptor_a1)
    metadata = credman.get_metadata()
    assert metadata[CM.EXISTING_CRED_COUNT] == 2, metadata
    left = credman.enumerate_creds(rp_id_hash(RP_A))
    assert [c[CM.USER]["id"] for c in left] == [b"user-a2"], left
    print("ok deleteCredential: 2 left, %s keeps user-a2 only" % RP_A)
    expect_error(CtapError.ERR.NO_CREDENTIALS, lambda: credman.delete_cred(descriptor_a1),
                 "deleteCredential again")
    expect_error(CtapError.ERR.NO_CREDENTIALS,
                 lambda: credman.enumerate_creds_begin(rp_id_hash("unknown.example")),
                 "enumerateCredentialsBegin for an RP without credentials")

    expect_error(CtapError.ERR.NOT_ALLOWED, credman.enumerate_rps_next,
                 "enumerateRPsGetNextRP without Begin")

    ga_token = ClientPin(ctap2).get_pin_token(PIN, ClientPin.PERMISSION.GET_ASSERTION, RP_A)
    expect_error(CtapError.ERR.PIN_AUTH_INVALID,
                 CredentialManagement(ctap2, client_pin.protocol, ga_token).get_metadata,
                 "getCredsMetadata with a ga token")
    bound = ClientPin(ctap2).get_pin_token(PIN, ClientPin.PERMISSION.CREDENTIAL_MGMT, RP_B)
    bound_credman = CredentialManagement(ctap2, client_pin.protocol, bound)
    expect_error(CtapError.ERR.PIN_AUTH_INVALID,
                 lambda: bound_credman.enumerate_creds_begin(rp_id_hash(RP_A)),
                 "enumerateCredentials of another RP with a token bound to " + RP_B)
    assert len(bound_credman.enumerate_creds(rp_id_hash(RP_B))) == 1
    print("ok enumerateCredentials with a token bound to %s: its own RP" % RP_B)

    expect_error(CtapError.ERR.PIN_REQUIRED,
                 lambda: ctap2.send_cbor(Ctap2.CMD.CREDENTIAL_MGMT, args(0x01)),
                 "getCredsMetadata without pinUvAuthParam")

    # The pre-release command byte libfido2 sends, with the same subcommands; a new token, as
    # each token request above replaced the previous one.
    token = client_pin.get_pin_token(PIN, ClientPin.PERMISSION.CREDENTIAL_MGMT)
    pre = ctap2.send_cbor(0x41, args(
        0x01, None, client_pin.protocol.VERSION,
        client_pin.protocol.authenticate(token, b"\x01")))
    assert pre[CM.EXISTING_CRED_COUNT] == 2, pre
    print("ok command 0x41: getCredsMetadata existing %d" % pre[CM.EXISTING_CRED_COUNT])

    device.close()
    print("ALL OK")


if __name__ == "__main__":
    main()
