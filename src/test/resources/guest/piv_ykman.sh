#!/bin/sh
# piv_ykman.sh OUT READER: drives `ykman piv` (ykman 4.0.9) on the reader whose name contains
# READER through reset, info, key generation (RSA2048, ECCP256, ECCP384 with PIN and touch
# policies), self-signed certificates, CSRs, attestation, key import of openssl-made keys, public
# key export, certificate import and delete, data objects, PIN/PUK changes, blocking and
# unblocking, PIN retries, management keys (AES-256, AES-128, AES-192 with touch, PIN-protected,
# back to TDES) and a final reset. Used on the host over vpcd and inside a guest over USB CCID.
#
# Each step NAME leaves ykman's (or openssl's) output in OUT/piv-NAME.out, its messages in
# OUT/piv-NAME.err and its exit status in OUT/piv-NAME.rc. Keys, certificates and objects go to
# OUT/files. piv_metadata.py (next to this script) writes yubikit's view of GET METADATA to
# OUT/piv-meta-NAME.txt. The host checks everything afterwards (PivYkmanScenario).
out=$1
reader=$2
here=$(dirname "$0")
f=$out/files
mkdir -p "$f"

# Defaults of a YubiKey PIV application (Yubico PIV documentation; ykman prints them after reset).
MK=010203040506070801020304050607080102030405060708
K128=00112233445566778899AABBCCDDEEFF
K192=000102030405060708090A0B0C0D0E0F1011121314151617
K256=00112233445566778899AABBCCDDEEFF0102030405060708090A0B0C0D0E0F10

# yk NAME ARGS...: one `ykman --reader READER piv ARGS...` run, stdin closed (no prompt answers).
yk() {
  name=$1
  shift
  ykman --reader "$reader" piv "$@" < /dev/null > "$out/piv-$name.out" 2> "$out/piv-$name.err"
  echo $? > "$out/piv-$name.rc"
}

# run NAME COMMAND...: any other command, recorded the same way.
run() {
  name=$1
  shift
  "$@" < /dev/null > "$out/piv-$name.out" 2> "$out/piv-$name.err"
  echo $? > "$out/piv-$name.rc"
}

# meta NAME SLOT...: yubikit's GET METADATA of PIN, PUK, 9B and the slots.
meta() {
  name=$1
  shift
  /usr/bin/python3 "$here/piv_metadata.py" "$reader" "$out/piv-meta-$name.txt" "$@" \
    > "$out/piv-meta-$name.log" 2>&1
}

# --- reset and the empty application ---
yk reset-first reset -f
yk info-reset info
meta reset 9a
yk chuid objects generate chuid -m $MK
yk ccc objects generate ccc -m $MK
yk discovery objects export discovery "$f/discovery.bin"

# --- on-card key generation with policies ---
yk gen-9a keys generate -m $MK -a RSA2048 9a "$f/pub-9a.pem"
yk gen-9c keys generate -m $MK -a ECCP256 --pin-policy ONCE --touch-policy ALWAYS 9c "$f/pub-9c.pem"
yk gen-9d keys generate -m $MK -a ECCP384 --pin-policy NEVER --touch-policy CACHED 9d "$f/pub-9d.pem"
yk gen-9e keys generate -m $MK -a ECCP256 9e "$f/pub-9e.pem"
yk gen-82 keys generate -m $MK -a ECCP384 82 "$f/pub-82.pem"
yk gen-95 keys generate -m $MK -a RSA2048 --pin-policy ALWAYS 95 "$f/pub-95.pem"
yk gen-rsa1024 keys generate -m $MK -a RSA1024 94 "$f/pub-94.pem"
yk gen-wrong-key keys generate -m 000000000000000000000000000000000000000000000000 -a ECCP256 \
  93 "$f/pub-93.pem"

# --- self-signed certificates signed on the card, and a CSR ---
yk cert-9a certificates generate -m $MK -P 123456 -s "CN=vcanokey 9a,O=vcanokey" 9a "$f/pub-9a.pem"
yk cert-9c certificates generate -m $MK -P 123456 -s "CN=vcanokey 9c" 9c "$f/pub-9c.pem"
yk cert-9d certificates generate -m $MK -P 123456 -s "CN=vcanokey 9d" -a SHA384 -d 30 9d \
  "$f/pub-9d.pem"
yk cert-9e certificates generate -m $MK -P 123456 -s "CN=vcanokey 9e" 9e "$f/pub-9e.pem"
yk cert-95 certificates generate -m $MK -P 123456 -s "CN=vcanokey 95" 95 "$f/pub-95.pem"
for s in 9a 9c 9d 9e 95; do
  yk certexp-$s certificates export $s "$f/cert-$s.pem"
  run verify-$s openssl verify -CAfile "$f/cert-$s.pem" "$f/cert-$s.pem"
done
yk csr-9a certificates request -P 123456 -s "CN=vcanokey csr" 9a "$f/pub-9a.pem" "$f/csr-9a.pem"
run verify-csr-9a openssl req -verify -noout -in "$f/csr-9a.pem"
yk info-keys info
meta keys 9a 9c 9d 9e 82 95 94 93

# --- public keys from metadata ---
for s in 9a 9c 9d 9e 82; do
  yk export-$s keys export $s "$f/exp-$s.pem"
done

# --- attestation (Yubico PIV attestation: signed by the key in F9) ---
yk f9 certificates export f9 "$f/f9.pem"
for s in 9a 9c 9d 95; do
  yk attest-$s keys attest $s "$f/att-$s.pem"
  run attverify-$s openssl verify -CAfile "$f/f9.pem" "$f/att-$s.pem"
  run atttext-$s openssl x509 -in "$f/att-$s.pem" -noout -text -certopt ext_dump
done
yk attest-empty keys attest 93 "$f/att-93.pem"

# --- import of openssl-made keys, public key export, certificate import and delete ---
run key-85 openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$f/key-85.pem"
run key-86 openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$f/key-86.pem"
run key-87 openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$f/key-87.pem"
run key-88 openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$f/key-88.pem"
for s in 85 86 87 88; do
  run pubkey-$s openssl pkey -in "$f/key-$s.pem" -pubout -out "$f/ossl-$s.pem"
done
yk import-85 keys import -m $MK --pin-policy NEVER --touch-policy NEVER 85 "$f/key-85.pem"
yk import-86 keys import -m $MK 86 "$f/key-86.pem"
yk import-87 keys import -m $MK --pin-policy ALWAYS 87 "$f/key-87.pem"
yk import-88 keys import -m $MK 88 "$f/key-88.pem"
for s in 85 86 87 88; do
  yk export-$s keys export $s "$f/exp-$s.pem"
done
meta imported 85 86 87 88
yk attest-imported keys attest 85 "$f/att-85.pem"
yk cert-88 certificates generate -m $MK -P 123456 -s "CN=vcanokey rsa1024" 88 "$f/ossl-88.pem"
yk certexp-88 certificates export 88 "$f/cert-88.pem"
run verify-88 openssl verify -CAfile "$f/cert-88.pem" "$f/cert-88.pem"

run ca openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=vcanokey test CA" -keyout "$f/ca-key.pem" -out "$f/ca.pem"
run csr-86 openssl req -new -key "$f/key-86.pem" -subj "/CN=imported 86" -out "$f/req-86.pem"
run sign-86 openssl x509 -req -in "$f/req-86.pem" -CA "$f/ca.pem" -CAkey "$f/ca-key.pem" \
  -set_serial 134 -days 30 -out "$f/ca-86.pem"
yk certimport-86 certificates import -m $MK -P 123456 -v 86 "$f/ca-86.pem"
yk certimport-mismatch certificates import -m $MK -P 123456 -v 87 "$f/ca-86.pem"
yk certexp-86 certificates export 86 "$f/cert-86.pem"
yk certdel-86 certificates delete -m $MK 86
yk certexp-86-deleted certificates export 86 "$f/cert-86-deleted.pem"

# --- data objects: a 3000-byte object, a PIN-protected one ---
run rand-large openssl rand -out "$f/large.bin" 3000
run rand-fp openssl rand -out "$f/fingerprints.bin" 200
yk objimp-large objects import -m $MK 5fc11f "$f/large.bin"
yk objexp-large objects export 5fc11f "$f/large-back.bin"
yk objimp-fp objects import -m $MK fingerprints "$f/fingerprints.bin"
yk objexp-fp-nopin objects export fingerprints "$f/fingerprints-nopin.bin"
yk objexp-fp objects export -P 123456 fingerprints "$f/fingerprints-back.bin"
yk objexp-empty objects export 5fc10c "$f/key-history.bin"

# --- PIN and PUK ---
yk chpin access change-pin -P 123456 -n 654321
yk chpin-wrong1 access change-pin -P 111111 -n 222222
yk chpuk-wrong access change-puk -p 00000000 -n 11111111
yk chpuk access change-puk -p 12345678 -n 87654321
yk info-pin-changed info
yk chpin-wrong2 access change-pin -P 111111 -n 222222
yk chpin-wrong3 access change-pin -P 111111 -n 222222
yk chpin-blocked access change-pin -P 654321 -n 222222
yk info-blocked info
yk unblock-wrong access unblock-pin -p 00000000 -n 123456
yk unblock access unblock-pin -p 87654321 -n 112233
meta unblocked
yk objexp-fp-newpin objects export -P 112233 fingerprints "$f/fingerprints-newpin.bin"
yk set-retries access set-retries -m $MK -P 112233 -f 5 4
yk info-retries info
meta retries

# --- management keys ---
yk mk-aes256 access change-management-key -m $MK -a AES256 -n $K256 -f
yk info-aes256 info
yk mk-aes256-old objects generate chuid -m $MK
yk mk-aes256-new objects generate chuid -m $K256
yk mk-aes128 access change-management-key -m $K256 -a AES128 -n $K128 -f
yk mk-aes128-old objects generate chuid -m $K256
yk mk-aes128-new objects generate chuid -m $K128
yk info-aes128 info
yk mk-aes192 access change-management-key -m $K128 -a AES192 -n $K192 -t -f
yk info-aes192 info
meta aes192
yk mk-aes192-old objects generate chuid -m $K128
yk mk-aes192-new objects generate chuid -m $K192
yk mk-protect access change-management-key -m $K192 -a AES256 -p -P 123456 -f
yk info-protected info
yk mk-protect-pin objects generate chuid -P 123456
yk mk-protect-old objects generate chuid -m $K192
yk mk-tdes access change-management-key -P 123456 -a TDES -n $MK -f
yk info-tdes info
yk mk-tdes-new objects generate chuid -m $MK

# --- reset: keys, certificates and PINs go, the attestation key and certificate stay ---
yk reset reset -f
yk info-final info
meta final 9a
yk certexp-9a-reset certificates export 9a "$f/cert-9a-reset.pem"
yk export-9a-reset keys export 9a "$f/exp-9a-reset.pem"
yk f9-reset certificates export f9 "$f/f9-reset.pem"
echo "GUEST: ykman piv scenario done"
