#!/usr/bin/python3
# piv_metadata.py READER OUT [SLOT...]: reads the PIV metadata (Yubico GET METADATA, INS F7) of the
# PIN, the PUK, the management key (9B) and each hex SLOT through yubikit, the library under ykman
# 4.0.9, whose command line has no "piv keys info" yet (that came with ykman 5). Writes key=value
# lines to OUT: pin.default, pin.total, pin.remaining, puk.*, mgm.type, mgm.default, mgm.touch and,
# per slot, slot.XX.type, .pin_policy, .touch_policy, .generated, .public_key (DER
# SubjectPublicKeyInfo in hex); slot.XX.error=SW (hex) when the card refused. Run with Debian's
# /usr/bin/python3, which sees the yubikey-manager package.
import sys

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from ykman.pcsc import list_devices
from yubikit.core.smartcard import ApduError, SmartCardConnection
from yubikit.piv import PivSession, SLOT

reader, out = sys.argv[1], sys.argv[2]
slots = sys.argv[3:]
lines = []
devices = list_devices(reader)
if len(devices) != 1:
    lines.append("error=%d readers match %s" % (len(devices), reader))
else:
    with devices[0].open_connection(SmartCardConnection) as connection:
        session = PivSession(connection)
        for name, read in (("pin", session.get_pin_metadata), ("puk", session.get_puk_metadata)):
            meta = read()
            lines.append("%s.default=%s" % (name, meta.default_value))
            lines.append("%s.total=%d" % (name, meta.total_attempts))
            lines.append("%s.remaining=%d" % (name, meta.attempts_remaining))
        mgm = session.get_management_key_metadata()
        lines.append("mgm.type=%s" % mgm.key_type.name)
        lines.append("mgm.default=%s" % mgm.default_value)
        lines.append("mgm.touch=%s" % mgm.touch_policy.name)
        for slot in slots:
            prefix = "slot.%s." % slot.lower()
            try:
                meta = session.get_slot_metadata(SLOT(int(slot, 16)))
            except ApduError as e:
                lines.append(prefix + "error=%04X" % e.sw)
                continue
            except ValueError as e:  # e.g. an algorithm id yubikit 4.0.9 does not know
                lines.append(prefix + "exception=%s" % str(e).replace("\n", " "))
                continue
            lines.append(prefix + "type=%s" % meta.key_type.name)
            lines.append(prefix + "pin_policy=%s" % meta.pin_policy.name)
            lines.append(prefix + "touch_policy=%s" % meta.touch_policy.name)
            lines.append(prefix + "generated=%s" % meta.generated)
            der = meta.public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
            lines.append(prefix + "public_key=%s" % der.hex())
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
