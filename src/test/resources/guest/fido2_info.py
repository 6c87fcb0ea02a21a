"""Asks the key for authenticatorGetInfo with python-fido2, a real FIDO client.

Runs in the guest as /usr/bin/python3 (Debian's python3-fido2 0.9.1), which finds the key through
the guest's /dev/hidraw nodes exactly as it finds a hardware key. Writes key=value lines for the
host to check.
"""

import sys

from fido2.ctap2 import Ctap2
from fido2.hid import CtapHidDevice

VID, PID = 0x20A0, 0x42D4


def main(out_path):
    lines = []
    devices = [d for d in CtapHidDevice.list_devices()
               if (d.descriptor.vid, d.descriptor.pid) == (VID, PID)]
    lines.append("devices=%d" % len(devices))
    for i, dev in enumerate(devices):
        try:
            info = Ctap2(dev).get_info()
            lines.append("%d.versions=%s" % (i, ",".join(info.versions)))
            lines.append("%d.extensions=%s" % (i, ",".join(info.extensions)))
            lines.append("%d.aaguid=%s" % (i, bytes(info.aaguid).hex()))
            lines.append("%d.max_msg_size=%d" % (i, info.max_msg_size))
            lines.append("%d.pin_uv_protocols=%s" % (i, ",".join(map(str, info.pin_uv_protocols))))
            lines.append("%d.capabilities=%d" % (i, dev.capabilities))
            lines.append("%d.device_version=%s" % (i, ".".join(map(str, dev.device_version))))
        except Exception as e:  # reported to the host, which fails the test
            lines.append("%d.error=%s: %s" % (i, type(e).__name__, e))
        finally:
            dev.close()
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join("GUEST: fido2 " + l for l in lines))


if __name__ == "__main__":
    main(sys.argv[1])
