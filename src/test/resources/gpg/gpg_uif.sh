#!/bin/sh
# gpg_uif.sh OUT READER PHASE: the user-interaction flag (UIF, OpenPGP card 3.4, 4.1.3.6: DOs D6,
# D7, D8) through GnuPG 2.2, which has no uif command, so the flags are set with raw PUT DATA from
# opensc-tool after VERIFY PW3. GNUPGHOME comes from the caller and lives across phases, which run
# against keys started with different --touch policies:
#   setup   factory reset, Ed25519/Cv25519 keys generated on the card, UIF on for signing and
#           decryption, permanent for authentication; then a signature and a decryption
#   use     a signature and a decryption, and a try to turn the permanent UIF off
#   off     UIF off for signing; then a signature
# Step results: OUT/gpg-uif-PHASE-STEP.{out,err,rc}.
out=$1
reader=$2
phase=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
chmod 700 "$GNUPGHOME"
echo "pinentry-program $here/pinentry.py" > "$GNUPGHOME/gpg-agent.conf"
printf 'disable-ccid\npcsc-shared\nreader-port %s\n' "$reader" > "$GNUPGHOME/scdaemon.conf"
printf 'pin=123456\nadmin=12345678\n' > "$GNUPGHOME/pins.txt"
echo "touch me" > "$out/uif.txt"

step() {
  name=$1
  shift
  "$@" > "$out/gpg-uif-$phase-$name.out" 2> "$out/gpg-uif-$phase-$name.err"
  echo $? > "$out/gpg-uif-$phase-$name.rc"
}
edit() {
  name=$1
  input=$2
  printf '%b' "$input" | step "$name" gpg --no-tty --command-fd 0 --status-fd 2 --edit-card
}
# SELECT the OpenPGP application, VERIFY PW3 "12345678", then the given PUT DATA APDUs, through
# OpenSC's default driver: its PIV driver would reselect the PIV application between them.
put_data() {
  name=$1
  shift
  args=""
  for apdu in "$@"; do args="$args -s $apdu"; done
  step "$name" opensc-tool -c default -r "$reader" -s 00A4040006D27600012401 -s 00200083083132333435363738 $args
}
use_keys() {
  gpgconf --kill gpg-agent
  step sign gpg --batch --yes --status-fd 2 -u uif@example.org -o "$out/uif-$phase.sig" --detach-sign "$out/uif.txt"
  step encrypt gpg --batch --yes --trust-model always -r uif@example.org -o "$out/uif-$phase.gpg" -e "$out/uif.txt"
  step decrypt gpg --batch --yes --status-fd 2 -o "$out/uif-$phase.dec" -d "$out/uif-$phase.gpg"
  step status gpg --card-status
}

case $phase in
  setup)
    edit factory-reset 'admin\nfactory-reset\ny\nyes\nquit\n'
    edit key-attr 'admin\nkey-attr\n2\n1\n2\n1\n2\n1\nquit\n'
    edit generate 'admin\ngenerate\nn\n0\nUif User\nuif@example.org\n\nquit\n'
    # D6 (signing) 01 on, D7 (decryption) 01 on, D8 (authentication) 02 permanent; 20: button.
    put_data put-uif 00DA00D6020120 00DA00D7020120 00DA00D8020220
    step status-before gpg --card-status
    use_keys
    ;;
  use)
    use_keys
    put_data put-permanent-off 00DA00D8020020
    ;;
  off)
    put_data put-sign-off 00DA00D6020020
    use_keys
    ;;
esac
gpgconf --kill all
