#!/bin/sh
# piv_opensc.sh OUT READER: OpenSC 0.23 against the PIV applet of the card in the reader whose name
# contains READER (case-insensitive). yubico-piv-tool first generates keys in 9A (P-256), 9C
# (RSA 2048) and 9D (P-384) and imports certificates a throwaway openssl test CA made for them;
# then OpenSC's PIV driver reads the card (opensc-tool, pkcs15-tool --dump, pkcs11-tool
# --list-objects), pkcs11-tool signs with 9A and 9C and openssl verifies the signatures against
# the public keys, and piv-tool authenticates with the management key (external and mutual) and
# writes an object only the management key may write.
# Step results as in piv_tool.sh: OUT/opensc-NAME.{out,err,rc}.
out=$1
reader=$2
mkdir -p "$out"
MODULE=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
PIN=123456
MGM=010203040506070801020304050607080102030405060708

# (POSIX sh has no local variables: the helpers' names start with an underscore.)
step() {
  _step=$1
  shift
  "$@" < /dev/null > "$out/opensc-$_step.out" 2> "$out/opensc-$_step.err"
  echo $? > "$out/opensc-$_step.rc"
}
yp() {
  _yp=$1
  shift
  step "$_yp" yubico-piv-tool -r "$reader" "$@"
}
p11() {
  _p11=$1
  shift
  step "$_p11" pkcs11-tool --module "$MODULE" --slot-description "$name_of_reader" "$@"
}

# OpenSC's tools take the reader's full name: the rest of the opensc-tool -l line from where READER
# first occurs (the listing is "Nr. Card Features Name"; the name is last).
opensc-tool -l > "$out/opensc-readers.txt" 2>&1
name_of_reader=$(awk -v r="$reader" 'BEGIN { r = tolower(r) }
  { i = index(tolower($0), r); if (i > 0 && $1 ~ /^[0-9]+$/) { print substr($0, i); exit } }' \
  "$out/opensc-readers.txt")
echo "$name_of_reader" > "$out/opensc-reader.txt"

step ca openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$out/opensc-ca.key" -out "$out/opensc-ca.pem" -subj "/CN=vcanokey test CA" -days 30
yp status-first -a status
for k in 9a:ECCP256 9c:RSA2048 9d:ECCP384; do
  slot=${k%%:*}
  yp "gen-$slot" -a generate -s "$slot" -A "${k#*:}" -o "$out/opensc-pub-$slot.pem"
  step "cert-$slot" openssl x509 -new -subj "/CN=vcanokey opensc $slot" \
    -force_pubkey "$out/opensc-pub-$slot.pem" -CA "$out/opensc-ca.pem" -CAkey "$out/opensc-ca.key" \
    -days 30 -out "$out/opensc-cert-$slot.pem"
  yp "import-cert-$slot" -a import-certificate -s "$slot" -i "$out/opensc-cert-$slot.pem"
done

# Which driver OpenSC picks by itself (the ATR is shared with the OpenPGP applet).
step name opensc-tool -r "$name_of_reader" -n
step pkcs15-dump pkcs15-tool -r "$name_of_reader" --dump
step pkcs15-pubkey-9a pkcs15-tool -r "$name_of_reader" --read-public-key 01
p11 pkcs11-list --list-objects
p11 pkcs11-list-login --login --pin "$PIN" --list-objects

# Signatures verified by openssl against the public keys yubico-piv-tool printed at generation.
echo "signed through OpenSC's PKCS#11 module" > "$out/opensc-data.txt"
p11 pkcs11-sign-ec --login --pin "$PIN" --id 01 -s -m ECDSA-SHA256 --signature-format openssl \
  -i "$out/opensc-data.txt" -o "$out/opensc-sig-9a.der"
step verify-ec openssl dgst -sha256 -verify "$out/opensc-pub-9a.pem" \
  -signature "$out/opensc-sig-9a.der" "$out/opensc-data.txt"
# 9C is "PIN Always" (SP 800-73-4 part 1, table 4b): the module logs in again for the signature.
p11 pkcs11-sign-rsa --login --pin "$PIN" --id 02 -s -m SHA256-RSA-PKCS \
  -i "$out/opensc-data.txt" -o "$out/opensc-sig-9c.bin"
step verify-rsa openssl dgst -sha256 -verify "$out/opensc-pub-9c.pem" \
  -signature "$out/opensc-sig-9c.bin" "$out/opensc-data.txt"
# ECDH with 9D (P-384) through C_DeriveKey; openssl derives the same secret from the other side.
step peer openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$out/opensc-peer.key"
openssl pkey -in "$out/opensc-peer.key" -pubout -outform DER -out "$out/opensc-peer.der"
p11 pkcs11-derive --login --pin "$PIN" --id 03 --derive -m ECDH1-DERIVE \
  -i "$out/opensc-peer.der" -o "$out/opensc-secret-card.bin"
step derive-openssl openssl pkeyutl -derive -inkey "$out/opensc-peer.key" \
  -peerkey "$out/opensc-pub-9d.pem" -out "$out/opensc-secret-host.bin"
# RSA decryption with 9C: openssl encrypts to its public key (PKCS#1 v1.5), the module decrypts.
echo "a secret for 9C" > "$out/opensc-plain.txt"
step encrypt openssl pkeyutl -encrypt -pubin -inkey "$out/opensc-pub-9c.pem" \
  -in "$out/opensc-plain.txt" -out "$out/opensc-cipher.bin"
p11 pkcs11-decrypt --login --pin "$PIN" --id 02 --decrypt -m RSA-PKCS \
  -i "$out/opensc-cipher.bin" -o "$out/opensc-decrypted.txt"
p11 pkcs11-wrong-pin --login --pin 000000 --id 01 -s -m ECDSA-SHA256 \
  -i "$out/opensc-data.txt" -o "$out/opensc-sig-wrong.der"
yp tries-after-wrong -a status

# piv-tool: the management key from PIV_EXT_AUTH_KEY (hex), external (A) and mutual (M)
# authentication with key reference 9B, algorithm 03 (TDES); then a PUT DATA that needs it.
# (OpenSC 0.23.0's external authentication fails on its own length check before it sends the
# response, "admin_mode failed -1400", with any card: OpenSC issue 2658, fixed in 0.24.)
echo "$MGM" > "$out/opensc-mgm.hex"
echo "0F0E0D0C0B0A09080706050403020100F0E0D0C0B0A09080" > "$out/opensc-mgm-wrong.hex"
put() { echo "00:DB:3F:FF:09:5C:03:5F:C1:06:53:02:$1"; }
step piv-put-no-auth piv-tool -r "$name_of_reader" -s "$(put 0B:AD)"
step piv-external env PIV_EXT_AUTH_KEY="$out/opensc-mgm.hex" \
  piv-tool -r "$name_of_reader" -A A:9B:03 -s "$(put CA:FE)"
step piv-get-1 piv-tool -r "$name_of_reader" -s 00:CB:3F:FF:05:5C:03:5F:C1:06:00
step piv-mutual env PIV_EXT_AUTH_KEY="$out/opensc-mgm.hex" \
  piv-tool -r "$name_of_reader" -A M:9B:03 -s "$(put BE:EF)"
step piv-get-2 piv-tool -r "$name_of_reader" -s 00:CB:3F:FF:05:5C:03:5F:C1:06:00
step piv-wrong-key env PIV_EXT_AUTH_KEY="$out/opensc-mgm-wrong.hex" \
  piv-tool -r "$name_of_reader" -A M:9B:03 -s "$(put DE:AD)"
step piv-wrong-key-external env PIV_EXT_AUTH_KEY="$out/opensc-mgm-wrong.hex" \
  piv-tool -r "$name_of_reader" -A A:9B:03 -s "$(put DE:AD)"
step piv-get-3 piv-tool -r "$name_of_reader" -s 00:CB:3F:FF:05:5C:03:5F:C1:06:00
echo "GUEST: OpenSC PIV scenario done"
