#!/bin/sh
# gpg_extras.sh OUT READER: PIN lockout and unblock with the Reset Code, KDF-DO set-up followed by
# every PIN operation, and a 2 KB cardholder certificate written and read back, all through GnuPG
# 2.2. Step results as in gpg_card.sh: OUT/gpg-x-STEP.{out,err,rc}.
out=$1
reader=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
GNUPGHOME=$(mktemp -d /tmp/vckg.XXXXXX)
export GNUPGHOME
chmod 700 "$GNUPGHOME"
echo "pinentry-program $here/pinentry.py" > "$GNUPGHOME/gpg-agent.conf"
printf 'disable-ccid\npcsc-shared\nreader-port %s\n' "$reader" > "$GNUPGHOME/scdaemon.conf"

pins() { printf 'pin=%s\nadmin=%s\nnewpin=%s\nnewadmin=%s\nresetcode=%s\nnewresetcode=%s\n' "$@" > "$GNUPGHOME/pins.txt"; }
step() {
  name=$1
  shift
  "$@" > "$out/gpg-x-$name.out" 2> "$out/gpg-x-$name.err"
  echo $? > "$out/gpg-x-$name.rc"
}
edit() {
  name=$1
  input=$2
  printf '%b' "$input" | step "$name" gpg --no-tty --command-fd 0 --status-fd 2 --edit-card
}
sign() {
  gpgconf --kill gpg-agent # forget the cached PIN so that the card asks again
  step "$1" gpg --batch --yes --status-fd 2 -u extra@example.org -o "$out/extra.sig" --detach-sign "$out/extra.txt"
}
echo "extra message" > "$out/extra.txt"

pins 123456 12345678 - - - 87654321
edit factory-reset 'admin\nfactory-reset\ny\nyes\nquit\n'
edit key-attr 'admin\nkey-attr\n2\n1\n2\n1\n2\n1\nquit\n'
edit generate 'admin\ngenerate\nn\n0\nExtra User\nextra@example.org\n\nquit\n'
edit set-reset-code 'admin\npasswd\n4\nq\nquit\n'

# Three wrong PINs block PW1; the Reset Code unblocks it with a new PIN.
pins 999999 12345678 - - - -
sign wrong-1
step status-wrong-1 gpg --card-status
sign wrong-2
sign wrong-3
step status-blocked gpg --card-status
pins 123456 12345678 - - - -
sign blocked
pins - 12345678 13572468 - 87654321 -
edit unblock 'unblock\nquit\n'
pins 13572468 12345678 - - - -
sign after-unblock
step status-unblocked gpg --card-status

# KDF-DO: gpg sets it up, then hashes every PIN it sends; all PIN operations must still work.
edit kdf-setup 'admin\nkdf-setup\nquit\n'
step status-kdf gpg --card-status
pins 123456 12345678 - - - -
sign kdf-sign
pins 123456 12345678 11112222 22223333 - -
edit kdf-passwd 'admin\npasswd\n1\n3\nq\nquit\n'
pins 11112222 22223333 - - - -
sign kdf-sign-new-pin
# Under KDF too: set a Reset Code, block PW1, unblock it with the Reset Code, sign with the new PIN.
pins 11112222 22223333 - - - 55556666
edit kdf-reset-code 'admin\npasswd\n4\nq\nquit\n'
pins 999999 22223333 - - - -
sign kdf-wrong-1
sign kdf-wrong-2
sign kdf-wrong-3
step status-kdf-blocked gpg --card-status
pins - 22223333 33334444 - 55556666 -
edit kdf-unblock 'unblock\nquit\n'
pins 33334444 22223333 - - - -
sign kdf-sign-unblocked

# A 2 KB cardholder certificate (gpg does not parse it) for the authentication key.
head -c 2100 /dev/urandom > "$out/cert.der"
edit writecert "admin\\nwritecert 3 < $out/cert.der\\nquit\\n"
edit readcert "readcert 3 > $out/cert-read.der\\nquit\\n"

gpgconf --kill all
echo "GUEST: gpg extras scenario done"
