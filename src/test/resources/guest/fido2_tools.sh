#!/bin/sh
# fido2_tools.sh OUT: drives libfido2's fido2-token, fido2-cred and fido2-assert and OpenSSH's
# ssh-keygen against the key's FIDO HID interface, inside a guest (issue 6, "Proof with real
# clients"). Each step NAME leaves its output in OUT/fido2-NAME.out, its messages in
# OUT/fido2-NAME.err and its exit status in OUT/fido2-NAME.rc, and prints "GUEST: fido2 NAME ok"
# or "GUEST: fido2 NAME FAIL"; a failed step does not stop the script, so one run shows every
# step. The host (io.vcanokey.guest.Fido2ToolsScenario) checks the results.
#
# PINs: the guest's script has no controlling terminal, so libfido2's readpassphrase falls back to
# stdin (fido2-token(1): "If a tty is available ... Otherwise, stdin is used"); each step gets its
# PINs as lines on stdin and its parameters from a file (-i). ssh-keygen reads its PIN through
# SSH_ASKPASS, forced by SSH_ASKPASS_REQUIRE=force (OpenSSH 8.4+).
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=/tmp/fido2-tools
rm -rf "$work"
mkdir -p "$work"

# libfido2 waits for an answer without a time limit: a lost one fails the step (status 124).
STEP_LIMIT=120
PIN1=4711abcd
PIN2=8472wxyz
PIN3=2468zyxw
pin=$PIN1

# step NAME STDIN COMMAND...: runs COMMAND with STDIN (a string, a newline appended) as its input,
# for at most STEP_LIMIT seconds.
step() {
  name=$1
  input=$2
  shift 2
  printf '%s\n' "$input" | timeout "$STEP_LIMIT" "$@" > "$out/fido2-$name.out" \
    2> "$out/fido2-$name.err"
  rc=$?
  echo "$rc" > "$out/fido2-$name.rc"
  if [ "$rc" -eq 0 ]; then
    echo "GUEST: fido2 $name ok"
  else
    echo "GUEST: fido2 $name FAIL ($rc): $(head -c 300 "$out/fido2-$name.err" | tr '\n' ' ')"
  fi
  return "$rc"
}

# note NAME RC: records the result of a check the script made itself.
note() {
  echo "$2" > "$out/fido2-$1.rc"
  : > "$out/fido2-$1.err"
  [ -f "$out/fido2-$1.out" ] || : > "$out/fido2-$1.out"
  if [ "$2" -eq 0 ]; then echo "GUEST: fido2 $1 ok"; else echo "GUEST: fido2 $1 FAIL"; fi
}

# b64 N: N random bytes in base64 on one line.
b64() {
  head -c "$1" /dev/urandom | base64 -w0
}

# device: the first hidraw node fido2-token lists for our key (vendor 20a0, product 42d4).
device() {
  fido2-token -L 2> /dev/null | grep 'vendor=0x20a0, product=0x42d4' | head -n 1 | cut -d: -f1
}

# await_device SECONDS: waits until fido2-token lists the key again, sets $dev.
await_device() {
  i=0
  dev=
  while [ "$i" -lt $(($1 * 10)) ]; do
    dev=$(device)
    [ -n "$dev" ] && [ -e "$dev" ] && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

# --- Discovery and getInfo -----------------------------------------------------------------------
step list "" fido2-token -L
await_device 10
echo "GUEST: fido2 device $dev"
echo "$dev" > "$out/fido2-device.txt"
step info "" fido2-token -I "$dev"

# --- PIN ------------------------------------------------------------------------------------------
step set-pin "$(printf '%s\n%s' "$PIN1" "$PIN1")" fido2-token -S "$dev"
step change-pin "$(printf '%s\n%s\n%s' "$PIN1" "$PIN2" "$PIN2")" fido2-token -C "$dev" &&
  pin=$PIN2
step info-after-pin "" fido2-token -I "$dev"

# --- Credentials and assertions ------------------------------------------------------------------
# cred TYPE VARIANT FLAGS: makes a credential of TYPE (es256, eddsa) with fido2-cred FLAGS (-r for
# discoverable, -h for hmac-secret), verifies it, then gets and verifies assertions; with -h three
# assertions (salt A, salt A again, salt B) whose hmac-secret outputs land in
# fido2-assert-TYPE-VARIANT-{a,a2,b}.hmac.
cred() {
  type=$1 variant=$2 flags=$3
  id=$type-$variant
  rp="$id.vcanokey.test"
  mflags="$flags"
  case "$flags" in *h*) hmac=1 ;; *) hmac= ;; esac
  case "$flags" in *r*) rk=1 ;; *) rk= ;; esac
  {
    b64 32
    echo
    echo "$rp"
    echo "user-$id"
    b64 16
    echo
  } > "$work/make-$id.in"
  step "cred-make-$id" "$pin" fido2-cred -M $mflags -i "$work/make-$id.in" -o "$work/cred-$id" \
    "$dev" "$type"
  cp "$work/cred-$id" "$out/fido2-cred-$id.cred" 2> /dev/null
  vflags=
  [ -n "$hmac" ] && vflags=-h
  step "cred-verify-$id" "" fido2-cred -V $vflags -i "$work/cred-$id" -o "$work/pub-$id" "$type"
  cp "$work/pub-$id" "$out/fido2-cred-$id.pub" 2> /dev/null
  credid=$(sed -n 5p "$work/cred-$id")
  echo "$credid" > "$out/fido2-cred-$id.id"
  salt_a=$(b64 32)
  salt_b=$(b64 32)
  if [ -n "$hmac" ]; then
    rounds="a:$salt_a a2:$salt_a b:$salt_b"
  else
    rounds="a:"
  fi
  for round in $rounds; do
    tag=${round%%:*}
    salt=${round#*:}
    {
      b64 32
      echo
      echo "$rp"
      [ -z "$rk" ] && echo "$credid"
      [ -n "$hmac" ] && echo "$salt"
    } > "$work/get-$id-$tag.in"
    gflags="-p -v"
    [ -n "$hmac" ] && gflags="$gflags -h"
    [ -n "$rk" ] && gflags="$gflags -r"
    step "assert-get-$id-$tag" "$pin" fido2-assert -G $gflags -i "$work/get-$id-$tag.in" \
      -o "$work/assert-$id-$tag" "$dev" "$type"
    cp "$work/assert-$id-$tag" "$out/fido2-assert-$id-$tag.assert" 2> /dev/null
    # Output: cdh, rp, authData, signature, [user id if resident], [hmac-secret if -h].
    head -n 4 "$work/assert-$id-$tag" > "$work/verify-$id-$tag.in"
    vflags="-p -v"
    [ -n "$hmac" ] && vflags="$vflags -h"
    step "assert-verify-$id-$tag" "" fido2-assert -V $vflags -i "$work/verify-$id-$tag.in" \
      "$work/pub-$id" "$type"
    if [ -n "$hmac" ]; then
      line=5
      [ -n "$rk" ] && line=6
      sed -n "${line}p" "$work/assert-$id-$tag" > "$out/fido2-assert-$id-$tag.hmac"
    fi
  done
  if [ -n "$hmac" ]; then
    a=$(cat "$out/fido2-assert-$id-a.hmac")
    a2=$(cat "$out/fido2-assert-$id-a2.hmac")
    b=$(cat "$out/fido2-assert-$id-b.hmac")
    same=1
    [ -n "$a" ] && [ "$a" = "$a2" ] && same=0
    note "hmac-same-salt-$id" "$same"
    differ=1
    [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] && differ=0
    note "hmac-other-salt-$id" "$differ"
  fi
}

for type in es256 eddsa; do
  cred "$type" plain ""
  cred "$type" rk "-r"
  cred "$type" hmac "-h"
  cred "$type" rk-hmac "-r -h"
done

# --- Credential management -----------------------------------------------------------------------
step list-rps "$pin" fido2-token -L -r "$dev"
step list-creds "$pin" fido2-token -L -k es256-rk.vcanokey.test "$dev"
step delete-cred "$pin" fido2-token -D -i "$(cat "$out/fido2-cred-es256-rk.id")" "$dev"
# That RP's only credential is gone: enumerateCredentialsBegin answers CTAP2_ERR_NO_CREDENTIALS
# (CTAP 2.1 6.8.4), which fido2-token reports as FIDO_ERR_NO_CREDENTIALS with exit status 1.
printf '%s\n' "$pin" | timeout "$STEP_LIMIT" fido2-token -L -k es256-rk.vcanokey.test "$dev" \
  > "$out/fido2-list-creds-after-delete.out" 2> "$out/fido2-list-creds-after-delete.answer"
grep -q FIDO_ERR_NO_CREDENTIALS "$out/fido2-list-creds-after-delete.answer"
note list-creds-after-delete $?
step list-rps-after-delete "$pin" fido2-token -L -r "$dev"

# --- Reset: allowed within ten seconds of power-up, and a USB reset is a power-up ---------------
step usb-reset "" usbreset 20a0:42d4
sleep 1 # the drivers unbind and bind again: let the old hidraw node go first
await_device 10
note reenumerated $?
step reset "" fido2-token -R "$dev"
step info-after-reset "" fido2-token -I "$dev"
step set-pin-after-reset "$(printf '%s\n%s' "$PIN3" "$PIN3")" fido2-token -S "$dev" && pin=$PIN3

# --- OpenSSH: a discoverable ed25519-sk key, fetched back with -K, signing with both ------------
printf '#!/bin/sh\necho %s\n' "$pin" > "$work/askpin"
chmod +x "$work/askpin"
mkdir -p "$work/ssh"
cd "$work/ssh" || exit 1
export SSH_ASKPASS="$work/askpin" SSH_ASKPASS_REQUIRE=force
step ssh-keygen-resident "" ssh-keygen -t ed25519-sk -O resident -O application=ssh:vcanokey \
  -N '' -C vcanokey-guest -f "$work/ssh/id_sk"
cp "$work/ssh/id_sk.pub" "$out/fido2-ssh-id_sk.pub" 2> /dev/null
mkdir -p "$work/ssh/k"
cd "$work/ssh/k" || exit 1
step ssh-keygen-K "" ssh-keygen -K -N ''
cat "$work"/ssh/k/id_*_rk*.pub > "$out/fido2-ssh-rk.pub" 2> /dev/null
# ssh-keygen -K exits 0 with "No keys to download" when it found none: check it wrote a key.
[ -s "$out/fido2-ssh-rk.pub" ]
note ssh-keygen-K-found $?
cd "$work/ssh" || exit 1
echo "signed by the key in the guest" > "$work/ssh/data"
echo "vcanokey-guest namespaces=\"file\" $(cut -d' ' -f1,2 id_sk.pub 2> /dev/null)" \
  > "$work/ssh/allowed_signers"
cp "$work/ssh/allowed_signers" "$out/fido2-ssh-allowed_signers"
step ssh-sign "" ssh-keygen -Y sign -f "$work/ssh/id_sk" -n file "$work/ssh/data"
step ssh-verify "" sh -c "ssh-keygen -Y verify -f '$work/ssh/allowed_signers' -I vcanokey-guest \
  -n file -s '$work/ssh/data.sig' < '$work/ssh/data'"
rk=$(ls "$work"/ssh/k/id_*_rk* 2> /dev/null | grep -v '\.pub$' | head -n 1)
echo "$rk" > "$out/fido2-ssh-rk-file.txt"
cp "$work/ssh/data" "$work/ssh/data2"
step ssh-sign-rk "" ssh-keygen -Y sign -f "${rk:-$work/ssh/k/missing}" -n file "$work/ssh/data2"
step ssh-verify-rk "" sh -c "ssh-keygen -Y verify -f '$work/ssh/allowed_signers' \
  -I vcanokey-guest -n file -s '$work/ssh/data2.sig' < '$work/ssh/data2'"
cd /guest-test || true
echo "GUEST: fido2 tools scenario done"
