#!/usr/bin/python3
"""A pinentry for tests: speaks the Assuan pinentry protocol to gpg-agent and answers each PIN
request from $GNUPGHOME/pins.txt, choosing by what the request says it wants.

pins.txt holds lines KEY=VALUE with KEY one of: pin, admin, newpin, newadmin, resetcode,
newresetcode, passphrase. A request to repeat gets the value of the request before it. A request whose text names a "New Admin PIN" gets newadmin, "New PIN"
newpin, "New Reset Code" newresetcode, "Admin PIN" admin, "Reset Code" resetcode, "PIN" pin, and
anything else passphrase. A missing value cancels the request. Every request is logged to
$GNUPGHOME/pinentry.log (texts only, never the answers).
"""
import os
import re
import sys
import urllib.parse

HOME = os.environ.get("GNUPGHOME", os.path.expanduser("~/.gnupg"))

RULES = [
    (r"\bnew admin pin\b", "newadmin"),
    (r"\bnew reset code\b", "newresetcode"),
    (r"\bnew pin\b", "newpin"),
    (r"\badmin pin\b", "admin"),
    (r"\breset code\b", "resetcode"),
    (r"\bpin\b", "pin"),
]


def load_pins():
    pins = {}
    try:
        with open(os.path.join(HOME, "pins.txt")) as f:
            for line in f:
                key, sep, value = line.rstrip("\n").partition("=")
                if sep:
                    pins[key.strip()] = value
    except OSError:
        pass
    return pins


def log(text):
    with open(os.path.join(HOME, "pinentry.log"), "a") as f:
        f.write(text + "\n")


def read_last():
    try:
        with open(os.path.join(HOME, "pinentry.last")) as f:
            return f.read().strip() or None
    except OSError:
        return None


def write_last(key):
    with open(os.path.join(HOME, "pinentry.last"), "w") as f:
        f.write(key)


def escape(value):
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def main():
    out = sys.stdout
    out.write("OK Pleased to meet you\n")
    out.flush()
    texts = {}
    repeat = False
    for raw in sys.stdin:
        line = raw.rstrip("\n")
        command, _, arg = line.partition(" ")
        command = command.upper()
        if command in ("SETDESC", "SETPROMPT", "SETTITLE", "SETERROR"):
            texts[command] = urllib.parse.unquote(arg)
            out.write("OK\n")
        elif command == "SETREPEAT":
            repeat = True
            out.write("OK\n")
        elif command == "GETPIN":
            said = " ".join(texts.get(k, "") for k in ("SETTITLE", "SETDESC", "SETPROMPT"))
            lowered = said.lower().replace("\n", " ")
            key = "passphrase"
            last_key = read_last()
            if re.search(r"\brepeat\b", lowered) and last_key:
                # "Repeat this PIN" comes from a new pinentry process: the request before it is
                # remembered in a file.
                key = last_key
            else:
                for pattern, name in RULES:
                    if re.search(pattern, lowered):
                        key = name
                        break
            write_last(key)
            log("GETPIN as %s: %s%s" % (key, said.replace("\n", " | "),
                                         " (error: %s)" % texts["SETERROR"] if "SETERROR" in texts else ""))
            value = load_pins().get(key)
            if value is None:
                out.write("ERR 83886179 Operation cancelled <Pinentry>\n")
            else:
                if repeat:
                    out.write("S PIN_REPEATED\n")
                out.write("D %s\nOK\n" % escape(value))
            texts.pop("SETERROR", None)
            repeat = False
        elif command == "GETINFO":
            if arg == "pid":
                out.write("D %d\nOK\n" % os.getpid())
            elif arg == "version":
                out.write("D 1.2.1\nOK\n")
            elif arg == "flavor":
                out.write("D tty\nOK\n")
            else:
                out.write("OK\n")
        elif command == "CONFIRM" or command == "MESSAGE":
            log("%s: %s" % (command, texts.get("SETDESC", "")))
            out.write("OK\n")
        elif command == "BYE":
            out.write("OK closing connection\n")
            out.flush()
            return
        else:
            out.write("OK\n")
        out.flush()


if __name__ == "__main__":
    main()
