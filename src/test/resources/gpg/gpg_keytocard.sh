#!/bin/sh
# gpg_keytocard.sh OUT READER ALGO...: for each ALGO (rsa2048, rsa4096, nistp256, nistp384,
# nistp521, brainpoolP256r1, secp256k1, ed25519), makes a software
# key with signing primary, encryption and authentication subkeys, moves all three to the card
# with gpg --edit-key keytocard (the card's key import, DB 3FFF with the extended header list),
# then signs and decrypts with the card. Step results: OUT/gpg-k2c-ALGO-STEP.{out,err,rc}.
out=$1
reader=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
GNUPGHOME=$(mktemp -d /tmp/vckg.XXXXXX)
export GNUPGHOME
chmod 700 "$GNUPGHOME"
echo "pinentry-program $here/pinentry.py" > "$GNUPGHOME/gpg-agent.conf"
printf 'disable-ccid\npcsc-shared\nreader-port %s\n' "$reader" > "$GNUPGHOME/scdaemon.conf"
printf 'pin=123456\nadmin=12345678\npassphrase=\n' > "$GNUPGHOME/pins.txt"
echo "imported keys at work" > "$out/k2c-message.txt"

step() {
  name=$1
  shift
  "$@" > "$out/gpg-k2c-$name.out" 2> "$out/gpg-k2c-$name.err"
  echo $? > "$out/gpg-k2c-$name.rc"
}
quiet_gpg() { gpg --batch --pinentry-mode loopback --passphrase '' "$@"; }

for algo in "$@"; do
  case $algo in
    rsa*) sign=$algo encr=$algo auth=$algo ;;
    nistp*|secp256k1|brainpool*) sign=$algo encr=$algo auth=$algo/ecdsa ;;
    ed25519) sign=ed25519 encr=cv25519 auth=ed25519 ;;
    *) echo "unknown algorithm $algo" >&2; exit 2 ;;
  esac
  uid="k2c-$algo@example.org"
  step "$algo-create" quiet_gpg --quick-gen-key "Import $algo <$uid>" "$sign" sign 0
  fpr=$(gpg --with-colons -k "$uid" | awk -F: '/^fpr/{print $10; exit}')
  step "$algo-add-encr" quiet_gpg --quick-add-key "$fpr" "$encr" encr 0
  step "$algo-add-auth" quiet_gpg --quick-add-key "$fpr" "$auth" auth 0
  # An empty card, so that keytocard asks nothing about replacing keys.
  printf 'admin\nfactory-reset\ny\nyes\nquit\n' |
    step "$algo-factory-reset" gpg --no-tty --command-fd 0 --status-fd 2 --edit-card
  # Primary to the signature slot (1), subkey 1 to the encryption slot (2), subkey 2 to the
  # authentication slot (3).
  printf 'keytocard\ny\n1\nkey 1\nkeytocard\n2\nkey 1\nkey 2\nkeytocard\n3\nsave\n' |
    step "$algo-keytocard" gpg --no-tty --command-fd 0 --status-fd 2 --edit-key "$fpr"
  step "$algo-status" gpg --card-status
  gpgconf --kill gpg-agent
  step "$algo-sign" gpg --batch --yes --status-fd 2 -u "$uid" -o "$out/k2c-$algo.sig" --detach-sign "$out/k2c-message.txt"
  step "$algo-verify" gpg --batch --status-fd 2 --verify "$out/k2c-$algo.sig" "$out/k2c-message.txt"
  step "$algo-encrypt" gpg --batch --yes --trust-model always -r "$uid" -o "$out/k2c-$algo.gpg" -e "$out/k2c-message.txt"
  step "$algo-decrypt" gpg --batch --yes --status-fd 2 -o "$out/k2c-$algo.dec" -d "$out/k2c-$algo.gpg"
done
gpgconf --kill all
