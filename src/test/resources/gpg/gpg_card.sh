#!/bin/sh
# gpg_card.sh OUT READER: drives GnuPG 2.2 (gpg, gpg-agent, scdaemon over PC/SC) against the card in
# the reader whose name contains READER. Each step NAME leaves stdout in OUT/gpg-NAME.out, the
# status lines and messages in OUT/gpg-NAME.err and the exit status in OUT/gpg-NAME.rc; the host
# checks them. PINs come from the test pinentry (pinentry.py next to this script) through
# $GNUPGHOME/pins.txt. GNUPGHOME lives under /tmp: gpg-agent's socket paths must stay short.
out=$1
reader=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
GNUPGHOME=$(mktemp -d /tmp/vckg.XXXXXX)
export GNUPGHOME
chmod 700 "$GNUPGHOME"
cat > "$GNUPGHOME/gpg-agent.conf" <<CONF
pinentry-program $here/pinentry.py
enable-ssh-support
CONF
cat > "$GNUPGHOME/scdaemon.conf" <<CONF
disable-ccid
pcsc-shared
reader-port $reader
CONF
echo "personal-digest-preferences SHA256" > "$GNUPGHOME/gpg.conf"

pins() { printf 'pin=%s\nadmin=%s\nnewpin=%s\nnewadmin=%s\nresetcode=%s\nnewresetcode=%s\n' "$@" > "$GNUPGHOME/pins.txt"; }
step() {
  name=$1
  shift
  "$@" > "$out/gpg-$name.out" 2> "$out/gpg-$name.err"
  echo $? > "$out/gpg-$name.rc"
}
edit() {
  name=$1
  input=$2
  printf '%b' "$input" | step "$name" gpg --no-tty --command-fd 0 --status-fd 2 --edit-card
}

pins 123456 12345678 - - - -
step status-first gpg --card-status
edit personalize 'admin\nname\nDoe\nJohn\nurl\nhttps://example.org/john.asc\nlogin\njdoe\nlang\nen\nsex\nm\nquit\n'
step status-personal gpg --card-status

# PIN (1) and Admin PIN (3), then the Reset Code (4) with the new Admin PIN, through the pinentry.
pins 123456 12345678 24681357 87654321 - -
edit passwd 'admin\npasswd\n1\n3\nq\nquit\n'
pins 24681357 87654321 - - - 11223344
edit reset-code 'admin\npasswd\n4\nq\nquit\n'
pins 24681357 87654321 - - 11223344 -
step status-pins gpg --card-status

# Ed25519 for signing and authentication, Cv25519 for decryption, generated on the card.
edit key-attr-25519 'admin\nkey-attr\n2\n1\n2\n1\n2\n1\nquit\n'
edit generate-25519 'admin\ngenerate\nn\n0\nJohn Doe\njohn@example.org\n\nquit\n'
step status-keys gpg --card-status
echo "signed by the card" > "$out/message.txt"
step sign gpg --batch --yes --status-fd 2 -u john@example.org -o "$out/message.sig" --detach-sign "$out/message.txt"
step verify gpg --batch --status-fd 2 --verify "$out/message.sig" "$out/message.txt"
step encrypt gpg --batch --yes --trust-model always -r john@example.org -o "$out/message.gpg" -e "$out/message.txt"
step decrypt gpg --batch --yes --status-fd 2 -o "$out/message.dec" -d "$out/message.gpg"

# Authentication key through gpg-agent's ssh support, proven with ssh-keygen -Y.
step ssh-export gpg --export-ssh-key john@example.org
SSH_AUTH_SOCK=$(gpgconf --list-dirs agent-ssh-socket)
export SSH_AUTH_SOCK
keygrip=$(gpg --with-keygrip -K john@example.org | awk '/\[A\]/{auth=1} auth && /Keygrip/{print $3; exit}')
echo "$keygrip" >> "$GNUPGHOME/sshcontrol"
cp "$out/gpg-ssh-export.out" "$out/auth.pub"
step ssh-add-list ssh-add -L
rm -f "$out/message.txt.sig"
step ssh-sign ssh-keygen -Y sign -f "$out/auth.pub" -n file "$out/message.txt"
echo "john@example.org $(cat "$out/auth.pub")" > "$out/allowed_signers"
step ssh-verify sh -c "ssh-keygen -Y verify -f '$out/allowed_signers' -I john@example.org -n file -s '$out/message.txt.sig' < '$out/message.txt'"

edit factory-reset 'admin\nfactory-reset\ny\nyes\nquit\n'
pins 123456 12345678 - - - -
step status-after-reset gpg --card-status

gpgconf --kill all
echo "GUEST: gpg card scenario done"
