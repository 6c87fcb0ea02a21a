#!/bin/sh
# piv_touch.sh OUT READER: touch policies through yubico-piv-tool 2.2, for a key whose user refuses
# every touch (serve --touch deny). 9A gets a P-256 key that needs a touch for each use
# (--touch-policy=always), 9E one that never does; then the management key is set to need a touch
# too (set-mgm-key --touch-policy=always, Yubico's SET MANAGEMENT KEY P2 FE).
# Step results as in piv_tool.sh: OUT/piv-touch-NAME.{out,err,rc}.
out=$1
reader=$2
mkdir -p "$out"
PIN=123456
MGM=010203040506070801020304050607080102030405060708

# (POSIX sh has no local variables: the helpers' names start with an underscore.)
step() {
  _step=$1
  shift
  "$@" < /dev/null > "$out/piv-touch-$_step.out" 2> "$out/piv-touch-$_step.err"
  echo $? > "$out/piv-touch-$_step.rc"
}
yp() {
  _yp=$1
  shift
  step "$_yp" yubico-piv-tool -r "$reader" "$@"
}

step ca openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$out/touch-ca.key" -out "$out/touch-ca.pem" -subj "/CN=vcanokey test CA" -days 30
for k in 9a:always 9e:never; do
  slot=${k%%:*}
  yp "gen-$slot" -a generate -s "$slot" -A ECCP256 --touch-policy="${k#*:}" \
    -o "$out/touch-pub-$slot.pem"
  step "cert-$slot" openssl x509 -new -subj "/CN=vcanokey touch $slot" \
    -force_pubkey "$out/touch-pub-$slot.pem" -CA "$out/touch-ca.pem" -CAkey "$out/touch-ca.key" \
    -days 30 -out "$out/touch-cert-$slot.pem"
  yp "import-cert-$slot" -a import-certificate -s "$slot" -i "$out/touch-cert-$slot.pem"
  yp "sign-$slot" -a verify-pin -P "$PIN" -a test-signature -s "$slot" \
    -i "$out/touch-cert-$slot.pem"
done
yp set-mgm-key -a set-mgm-key -n "$MGM" --touch-policy=always
yp use-mgm-key -a set-chuid
echo "GUEST: yubico-piv-tool touch scenario done"
