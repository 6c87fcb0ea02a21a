#!/bin/sh
# gpg_algos.sh OUT READER ALGO...: for each ALGO (rsa2048, rsa3072, rsa4096, nistp256, nistp384,
# nistp521, brainpoolP256r1, secp256k1, ed25519), sets the card's three key attributes with
# gpg --edit-card key-attr, generates the keys on the card, then signs and verifies, and encrypts
# and decrypts, with them, and makes an ssh signature with the authentication key through
# gpg-agent's ssh support where OpenSSH knows the key type. Step results as in gpg_card.sh: OUT/gpg-ALGO-STEP.{out,err,rc}.
out=$1
reader=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
GNUPGHOME=$(mktemp -d /tmp/vckg.XXXXXX)
export GNUPGHOME
chmod 700 "$GNUPGHOME"
printf 'pinentry-program %s/pinentry.py\nenable-ssh-support\n' "$here" > "$GNUPGHOME/gpg-agent.conf"
printf 'disable-ccid\npcsc-shared\nreader-port %s\n' "$reader" > "$GNUPGHOME/scdaemon.conf"
printf 'pin=123456\nadmin=12345678\n' > "$GNUPGHOME/pins.txt"
echo "message for $*" > "$out/algos-message.txt"

step() {
  name=$1
  shift
  "$@" > "$out/gpg-$name.out" 2> "$out/gpg-$name.err"
  echo $? > "$out/gpg-$name.rc"
}
edit() {
  name=$1
  input=$2
  printf '%b' "$input" | step "$name" gpg --expert --no-tty --command-fd 0 --status-fd 2 --edit-card
}

for algo in "$@"; do
  # gpg 2.2 key-attr menus: 1 RSA (then the size) or 2 ECC (then the curve: 1 Curve 25519,
  # 3 NIST P-256, 4 NIST P-384, 5 NIST P-521, 6 Brainpool P-256, 9 secp256k1).
  case $algo in
    rsa*) answer="1\\n${algo#rsa}\\n" ;;
    ed25519) answer="2\\n1\\n" ;;
    nistp256) answer="2\\n3\\n" ;;
    nistp384) answer="2\\n4\\n" ;;
    nistp521) answer="2\\n5\\n" ;;
    brainpoolP256r1) answer="2\\n6\\n" ;;
    secp256k1) answer="2\\n9\\n" ;;
    *) echo "unknown algorithm $algo" >&2; exit 2 ;;
  esac
  edit "$algo-key-attr" "admin\\nkey-attr\\n$answer$answer$answer\\nquit\\n"
  edit "$algo-generate" "admin\\ngenerate\\nn\\ny\\n0\\nTest $algo\\n$algo@example.org\\n\\nquit\\n"
  step "$algo-status" gpg --card-status
  step "$algo-sign" gpg --batch --yes --status-fd 2 -u "$algo@example.org" -o "$out/$algo.sig" --detach-sign "$out/algos-message.txt"
  step "$algo-verify" gpg --batch --status-fd 2 --verify "$out/$algo.sig" "$out/algos-message.txt"
  step "$algo-encrypt" gpg --batch --yes --trust-model always -r "$algo@example.org" -o "$out/$algo.gpg" -e "$out/algos-message.txt"
  step "$algo-decrypt" gpg --batch --yes --status-fd 2 -o "$out/$algo.dec" -d "$out/$algo.gpg"
  # Authentication through gpg-agent's ssh support, for the key types OpenSSH has (not
  # secp256k1 or brainpool).
  case $algo in
    secp256k1|brainpool*) continue ;;
  esac
  SSH_AUTH_SOCK=$(gpgconf --list-dirs agent-ssh-socket)
  export SSH_AUTH_SOCK
  step "$algo-ssh-export" gpg --export-ssh-key "$algo@example.org"
  gpg --with-keygrip -K "$algo@example.org" | awk '/\[A\]/{auth=1} auth && /Keygrip/{print $3; exit}' >> "$GNUPGHOME/sshcontrol"
  cp "$out/gpg-$algo-ssh-export.out" "$out/$algo-auth.pub"
  cp "$out/algos-message.txt" "$out/$algo-ssh.txt"
  step "$algo-ssh-sign" ssh-keygen -Y sign -f "$out/$algo-auth.pub" -n file "$out/$algo-ssh.txt"
  echo "$algo@example.org $(cat "$out/$algo-auth.pub")" > "$out/$algo-allowed"
  step "$algo-ssh-verify" sh -c "ssh-keygen -Y verify -f '$out/$algo-allowed' -I $algo@example.org -n file -s '$out/$algo-ssh.txt.sig' < '$out/$algo-ssh.txt'"
done
gpgconf --kill all
echo "GUEST: gpg algorithm scenario done"
