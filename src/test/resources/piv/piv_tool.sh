#!/bin/sh
# piv_tool.sh OUT READER [SLOT:ALGORITHM...]: drives yubico-piv-tool 2.2 against the PIV applet of
# the card in the first reader whose name contains READER (case-insensitive, as -r matches).
# For each SLOT:ALGORITHM (default: slots 9a 9c 9d 9e 82 with RSA2048, ECCP256 and ECCP384) it
# generates a key, attests it, has a throwaway openssl test CA certify the public key, imports and
# reads back the certificate, and runs test-signature and test-decipher. Then CCC and CHUID,
# imported RSA and EC keys, a large object and a PIN-protected one, PIN/PUK counters, blocking
# and unblocking, management key change, PIN retries and reset.
# Each step NAME leaves stdout in OUT/piv-NAME.out, messages in OUT/piv-NAME.err and the exit
# status in OUT/piv-NAME.rc; files the steps make are kept in OUT too. The host checks them.
out=$1
reader=$2
shift 2
combos=${*:-"9a:RSA2048 9c:RSA2048 9d:RSA2048 9e:RSA2048 82:RSA2048 \
9a:ECCP256 9c:ECCP256 9d:ECCP256 9e:ECCP256 82:ECCP256 \
9a:ECCP384 9c:ECCP384 9d:ECCP384 9e:ECCP384 82:ECCP384"}
mkdir -p "$out/keys"

# Defaults of SP 800-73-4 and the YubiKey (Yubico "PIV" introduction): PIN, PUK, management key.
PIN=123456
PUK=12345678
MGM=010203040506070801020304050607080102030405060708
# Another TDES management key (not a weak DES key: yubico-piv-tool refuses those itself).
MGM2=1F2E3D4C5B6A79880F1E2D3C4B5A69784A5B6C7D8E9FA0B1

# (POSIX sh has no local variables: the helpers' names start with an underscore.)
step() {
  _step=$1
  shift
  "$@" < /dev/null > "$out/piv-$_step.out" 2> "$out/piv-$_step.err"
  echo $? > "$out/piv-$_step.rc"
}
yp() {
  _yp=$1
  shift
  step "$_yp" yubico-piv-tool -r "$reader" "$@"
}
# certify NAME PUBKEY: the test CA's certificate over PUBKEY in OUT/cert-NAME.pem.
certify() {
  step "cert-$1" openssl x509 -new -subj "/CN=vcanokey $1" -force_pubkey "$2" \
    -CA "$out/ca.pem" -CAkey "$out/ca.key" -days 30 -out "$out/cert-$1.pem"
}
# use NAME SLOT: imports OUT/cert-NAME.pem into SLOT, reads it back, signs and deciphers with the
# slot's key (verify-pin and the operation in one session: 9c wants the PIN just before).
use() {
  yp "import-cert-$1" -a import-certificate -s "$2" -i "$out/cert-$1.pem"
  yp "read-cert-$1" -a read-certificate -s "$2" -o "$out/read-$1.pem"
  yp "sign-$1" -a verify-pin -P "$PIN" -a test-signature -s "$2" -i "$out/cert-$1.pem"
  yp "decipher-$1" -a verify-pin -P "$PIN" -a test-decipher -s "$2" -i "$out/cert-$1.pem"
}

step ca openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$out/ca.key" -out "$out/ca.pem" -subj "/CN=vcanokey test CA" -days 30

yp status-first -a status
yp version -a version
yp read-f9 -a read-certificate -s f9 -o "$out/f9.pem"
yp read-object-f9 -a read-object --id 0x5fff01 -f binary -o "$out/f9-object.bin"

# CCC and CHUID with fresh random identifiers (-v prints them), then status shows both.
yp set-ccc -v -a set-ccc
yp set-chuid -v -a set-chuid
yp status-ids -a status

for combo in $combos; do
  slot=${combo%%:*}
  alg=${combo#*:}
  t=$slot-$alg
  yp "gen-$t" -a generate -s "$slot" -A "$alg" -o "$out/pub-$t.pem"
  step "pubkey-$t" openssl pkey -pubin -in "$out/pub-$t.pem" -noout -text
  yp "attest-$t" -a attest -s "$slot" -o "$out/attest-$t.pem"
  step "attest-verify-$t" openssl verify -partial_chain -CAfile "$out/f9.pem" "$out/attest-$t.pem"
  step "attest-pubkey-$t" openssl x509 -in "$out/attest-$t.pem" -noout -pubkey
  certify "$t" "$out/pub-$t.pem"
  use "$t" "$slot"
done
yp status-keys -a status

# PIN policies (SP 800-73-4 part 1, table 4b: 9E needs no PIN; 9A does).
last9a=$(for c in $combos; do case $c in 9a:*) echo "9a-${c#*:}" ;; esac; done | tail -n 1)
last9e=$(for c in $combos; do case $c in 9e:*) echo "9e-${c#*:}" ;; esac; done | tail -n 1)
[ -n "$last9a" ] && yp sign-without-pin-9a -a test-signature -s 9a -i "$out/cert-$last9a.pem"
[ -n "$last9e" ] && yp sign-without-pin-9e -a test-signature -s 9e -i "$out/cert-$last9e.pem"

# The default PIN policies in one session: 9A "once" signs twice after one VERIFY, 9C "always"
# only once (SP 800-73-4 part 1, table 4b: "PIN Always", a VERIFY before each use).
last9c=$(for c in $combos; do case $c in 9c:*) echo "9c-${c#*:}" ;; esac; done | tail -n 1)
[ -n "$last9a" ] && yp sign-twice-9a -a verify-pin -P "$PIN" -a test-signature -a test-signature \
  -s 9a -i "$out/cert-$last9a.pem"
[ -n "$last9c" ] && yp sign-twice-9c -a verify-pin -P "$PIN" -a test-signature -a test-signature \
  -s 9c -i "$out/cert-$last9c.pem"
# Policies chosen at generation (Yubico extension: --pin-policy, --touch-policy; the key grants
# touches by itself under the default --touch auto).
yp gen-pin-never -a generate -s 85 -A ECCP256 --pin-policy=never -o "$out/pub-pin-never.pem"
certify pin-never "$out/pub-pin-never.pem"
yp import-cert-pin-never -a import-certificate -s 85 -i "$out/cert-pin-never.pem"
yp sign-pin-never -a test-signature -s 85 -i "$out/cert-pin-never.pem"
yp gen-pin-always -a generate -s 86 -A ECCP256 --pin-policy=always -o "$out/pub-pin-always.pem"
certify pin-always "$out/pub-pin-always.pem"
yp import-cert-pin-always -a import-certificate -s 86 -i "$out/cert-pin-always.pem"
yp sign-twice-pin-always -a verify-pin -P "$PIN" -a test-signature -a test-signature \
  -s 86 -i "$out/cert-pin-always.pem"
yp gen-touch-always -a generate -s 87 -A ECCP256 --touch-policy=always -o "$out/pub-touch.pem"
certify touch "$out/pub-touch.pem"
yp import-cert-touch -a import-certificate -s 87 -i "$out/cert-touch.pem"
yp sign-touch -a verify-pin -P "$PIN" -a test-signature -s 87 -i "$out/cert-touch.pem"
# delete-certificate empties the certificate object.
yp delete-cert -a delete-certificate -s 87
yp read-deleted-cert -a read-certificate -s 87 -o "$out/deleted.pem"

# Keys made by openssl, imported, certified and used: RSA 2048 and 1024, EC P-256 and P-384.
for k in rsa2048:9a rsa1024:83 p256:84 p384:9d; do
  kind=${k%%:*}
  slot=${k#*:}
  key=$out/keys/$kind.pem
  case $kind in
    rsa*) option="-algorithm RSA -pkeyopt rsa_keygen_bits:${kind#rsa}" ;;
    p256) option="-algorithm EC -pkeyopt ec_paramgen_curve:P-256" ;;
    p384) option="-algorithm EC -pkeyopt ec_paramgen_curve:P-384" ;;
  esac
  # shellcheck disable=SC2086 # $option is several words on purpose
  step "keygen-$kind" openssl genpkey $option -out "$key"
  openssl pkey -in "$key" -pubout -out "$out/pub-import-$kind.pem"
  yp "import-key-$kind" -a import-key -s "$slot" -i "$key"
  certify "import-$kind" "$out/pub-import-$kind.pem"
  use "import-$kind" "$slot"
done
# Yubico attestation documentation: only keys generated on the device can be attested.
yp attest-imported -a attest -s 9a -o "$out/attest-imported.pem"

# A 3063-byte object (the most yubico-piv-tool 2.2 writes: its 3072-byte buffer less the tags),
# and the printed information, which only the PIN may read (SP 800-73-4 part 1, table 3 and
# appendix A).
head -c 3063 /dev/urandom > "$out/object.bin"
yp write-object -a write-object --id 0x5fc120 -f binary -i "$out/object.bin"
yp read-object -a read-object --id 0x5fc120 -f binary -o "$out/object-read.bin"
printf 'printed information' > "$out/printed.bin"
yp write-printed -a write-object --id 0x5fc109 -f binary -i "$out/printed.bin"
yp read-printed-without-pin -a read-object --id 0x5fc109 -f binary -o "$out/printed-no-pin.bin"
yp read-printed -a verify-pin -P "$PIN" -a read-object --id 0x5fc109 -f binary \
  -o "$out/printed-read.bin"

# PIN: wrong PINs count down and block; the PUK unblocks with a new PIN; change PIN and PUK.
yp verify-pin -a verify-pin -P "$PIN"
yp verify-wrong-1 -a verify-pin -P 000000
yp verify-wrong-2 -a verify-pin -P 000000
yp status-tries -a status
yp verify-wrong-3 -a verify-pin -P 000000
yp verify-blocked -a verify-pin -P "$PIN"
yp unblock-pin -a unblock-pin -P "$PUK" -N 654321
yp verify-unblocked -a verify-pin -P 654321
yp change-pin -a change-pin -P 654321 -N 11223344
yp verify-old-pin -a verify-pin -P 654321
yp verify-changed-pin -a verify-pin -P 11223344
yp change-pin-wrong -a change-pin -P 999999 -N 123456
yp change-puk -a change-puk -P "$PUK" -N 87654321
yp unblock-old-puk -a unblock-pin -P "$PUK" -N "$PIN"
yp unblock-new-puk -a unblock-pin -P 87654321 -N "$PIN"
yp verify-after-unblock -a verify-pin -P "$PIN"

# Management key (TDES; yubico-piv-tool 2.2 has no AES option): the new key works, the old fails.
yp set-mgm-key -a set-mgm-key -n "$MGM2"
yp old-mgm-key -a set-chuid
yp new-mgm-key --key="$MGM2" -a set-chuid

# PIN and PUK retries (needs the management key and the PIN; resets both to their defaults).
yp pin-retries --key="$MGM2" -a verify-pin -P "$PIN" -a pin-retries --pin-retries 5 --puk-retries 4
yp retries-pin-wrong -a verify-pin -P 000000
yp retries-puk-wrong -a unblock-pin -P 00000000 -N "$PIN"
yp retries-default-pin -a verify-pin -P "$PIN"
yp retries-default-puk -a unblock-pin -P "$PUK" -N "$PIN"

# Reset: refused while PIN and PUK work; allowed once both are blocked; then defaults again.
yp reset-refused -a reset
for i in 1 2 3 4 5; do yp "block-pin-$i" -a verify-pin -P 000000; done
for i in 1 2 3 4 5; do yp "block-puk-$i" -a unblock-pin -P 00000000 -N "$PIN"; done
yp reset -a reset
yp status-after-reset -a status
yp default-pin-after-reset -a verify-pin -P "$PIN"
yp default-puk-after-reset -a change-puk -P "$PUK" -N "$PUK"
yp default-mgm-key-after-reset -a set-ccc
yp wrong-pin-after-reset -a verify-pin -P 000000
yp verify-pin-after-reset -a verify-pin -P "$PIN"
echo "GUEST: yubico-piv-tool scenario done"
