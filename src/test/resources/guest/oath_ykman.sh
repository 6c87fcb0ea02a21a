#!/bin/sh
# oath_ykman.sh OUT READER: drives `ykman oath` through add, list, code, delete, password set,
# unlock and remove, and reset, on the reader whose name contains READER. Used on the host over
# vpcd and inside a guest over USB CCID. Each step NAME leaves its output in OUT/oath-NAME.out and
# its exit status in OUT/oath-NAME.rc, its messages in OUT/oath-NAME.err; codes are checked on the host against oathtool, with the
# time of each code step in OUT/oath-NAME.time as "start end" (Unix seconds).
out=$1
reader=$2
mkdir -p "$out"

# RFC 4226 appendix D secret "12345678901234567890" in base32, and RFC 6238 appendix B seeds for
# SHA-256 (32 bytes) and SHA-512 (64 bytes).
SEED20=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
SEED32=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA
SEED64=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA

step() {
  name=$1
  shift
  start=$(date +%s)
  ykman --reader "$reader" oath "$@" < /dev/null > "$out/oath-$name.out" 2> "$out/oath-$name.err"
  echo $? > "$out/oath-$name.rc"
  echo "$start $(date +%s)" > "$out/oath-$name.time"
}

step reset-first reset -f
step info info
step add-totp accounts add -f mail "$SEED20"
step add-hotp accounts add -f -o HOTP -d 8 -c 5 counter "$SEED20"
step add-sha256 accounts add -f -a SHA256 -d 8 -P 60 -i Example sha256 "$SEED32"
step add-sha512 accounts add -f -a SHA512 -d 7 sha512 "$SEED64"
step add-touch accounts add -f -t touched "$SEED20"
step list accounts list
step code-all accounts code
step code-hotp-1 accounts code -s counter
step code-hotp-2 accounts code -s counter
step code-touch accounts code -s touched
step delete accounts delete -f sha512
step list-after-delete accounts list
step password-set access change -n hunter22
step list-locked accounts list
step list-unlocked accounts list -p hunter22
step code-unlocked accounts code -p hunter22 -s mail
step password-remove access change -p hunter22 -c
step list-after-remove accounts list
step reset reset -f
step list-after-reset accounts list
echo "GUEST: ykman oath scenario done"
