#!/usr/bin/env bash
# Benchmark (not a test): streaming `kmsctl envelope encrypt|decrypt` of a 1 GiB file against a
# local kms-emulator, default suite 0x0578 and 0x0478, with MiB/s and peak RSS, next to
# `openssl speed` AES-256-GCM and SHA-384 measured in the same run.
# usage: tools/bench/envelope_bench.sh [build-dir]   (default: build)
set -euo pipefail

BUILD=${1:-build}
BIN="$BUILD/bin"
SIZE_MIB=${ENVELOPE_BENCH_MIB:-1024}
for tool in "$BIN/kmsctl" "$BIN/kms-emulator" /usr/bin/time openssl; do
  if [ ! -x "$tool" ] && ! command -v "$tool" >/dev/null; then
    echo "envelope_bench: $tool not found" >&2
    exit 1
  fi
done

# The data lives in memory when possible (tmpfs), so the disk does not set the pace.
BASE=/dev/shm
[ -d "$BASE" ] && [ -w "$BASE" ] || BASE=/tmp
WORK=$(mktemp -d "$BASE/envelope-bench.XXXXXX")
EMULATOR_PID=
cleanup() {
  if [ -n "$EMULATOR_PID" ]; then
    kill -TERM "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# openssl speed: throughput in MiB/s on 16 KiB blocks (the last "...k" column is 1000 bytes/s).
openssl_mibs() {
  openssl speed -evp "$1" -bytes 16384 -seconds 3 2>/dev/null |
    awk -v alg="$1" 'tolower($1) == tolower(alg) { v = $NF; sub(/k$/, "", v);
                     printf "%.1f", v * 1000 / 1048576 }'
}

"$BIN/kms-emulator" --port 0 --db :memory: >"$WORK/emulator.out" 2>"$WORK/emulator.err" &
EMULATOR_PID=$!
URL=
for _ in $(seq 100); do
  URL=$(sed -n 's/^kms-emulator listening on \(http:[^ ]*\)$/\1/p' "$WORK/emulator.out")
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { echo "envelope_bench: emulator did not start" >&2; exit 1; }

export AWS_ENDPOINT_URL="$URL" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIABENCH \
  AWS_SECRET_ACCESS_KEY=bench AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
KEY=$("$BIN/kmsctl" create-key --output text | awk '$1 == "KEYMETADATA" { for (i = 1; i <= NF; ++i)
      if ($i ~ /^arn:/) { print $i; exit } }')
[ -n "$KEY" ] || { echo "envelope_bench: create-key failed" >&2; exit 1; }

echo "envelope_bench: ${SIZE_MIB} MiB in $WORK, $(nproc) cores (shared machine: figures are noisy)"
head -c $((SIZE_MIB * 1048576)) /dev/urandom >"$WORK/plain"

AES=$(openssl_mibs aes-256-gcm)
SHA=$(openssl_mibs sha384)
LIMIT=$(awk -v a="$AES" -v s="$SHA" 'BEGIN { printf "%.1f", 1 / (1 / a + 1 / s) }')

# Runs kmsctl under /usr/bin/time -v; prints "MiB/s peak-RSS-MiB".
measure() {
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -v "$BIN/kmsctl" "$@" 2>"$WORK/time.log"
  end=$(date +%s.%N)
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$WORK/time.log")
  awk -v s="$start" -v e="$end" -v n="$SIZE_MIB" -v r="$rss" \
    'BEGIN { printf "%8.1f MiB/s  peak RSS %6.1f MiB", n / (e - s), r }'
}

printf '%-34s %8.1f MiB/s\n' "openssl speed -evp aes-256-gcm" "$AES"
printf '%-34s %8.1f MiB/s\n' "openssl speed -evp sha384" "$SHA"
printf '%-34s %8.1f MiB/s\n' "one-core limit 1/(1/aes+1/sha384)" "$LIMIT"
for suite in 0x0578 0x0478; do
  enc=$(measure envelope encrypt --key-id "$KEY" --algorithm "$suite" --in "$WORK/plain" \
    --out "$WORK/message")
  dec=$(measure envelope decrypt --key-id "$KEY" --in "$WORK/message" --out "$WORK/out")
  cmp -s "$WORK/plain" "$WORK/out" || { echo "envelope_bench: $suite round trip differs" >&2; exit 1; }
  rm -f "$WORK/message" "$WORK/out"
  printf '%-34s %s\n' "kmsctl envelope encrypt $suite" "$enc"
  printf '%-34s %s\n' "kmsctl envelope decrypt $suite" "$dec"
done
echo "targets: 0x0578 >= 60% of the one-core limit ($LIMIT MiB/s), 0x0478 >= 60% of AES-GCM" \
  "($AES MiB/s), peak RSS <= 64 MiB"
