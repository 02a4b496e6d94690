#!/usr/bin/env bash
# Benchmark (not a test): streaming `kmsctl envelope encrypt|decrypt` of a 1 GiB file against a
# local kms-emulator, default suite 0x0578 and 0x0478: wall-clock and CPU-time MiB/s, % of the
# issue #4 targets and peak RSS, next to `openssl speed` AES-256-GCM and SHA-384 of the same run.
# usage: tools/bench/envelope_bench.sh [build-dir] [baseline-kmsctl]   (default: build)
#   baseline-kmsctl: another kmsctl binary (e.g. copied from a build before a change); the two
#   then run alternately ("before"/"after") so both see the same machine load.
#   ENVELOPE_BENCH_MIB (default 1024), ENVELOPE_BENCH_RUNS (default 1; medians are shown),
#   ENVELOPE_BENCH_SPEED_SECONDS (default 3: each openssl speed measurement).
#   ENVELOPE_BENCH_DISK_DIR (default: the build directory): where the '>disk' rows write their
#   output (a file system on disk, through its page cache), unless it is a tmpfs too.
# Signed suites hash on a second thread past 4 MiB, so their wall-clock figure can pass the
# one-core limit when a core is free; CPU time is the per-core figure.
set -euo pipefail

BUILD=${1:-build}
BASELINE=${2:-}
BIN="$BUILD/bin"
SIZE_MIB=${ENVELOPE_BENCH_MIB:-1024}
RUNS=${ENVELOPE_BENCH_RUNS:-1}
for tool in "$BIN/kmsctl" "$BIN/kms-emulator" /usr/bin/time openssl ${BASELINE:+"$BASELINE"}; do
  if [ ! -x "$tool" ] && ! command -v "$tool" >/dev/null; then
    echo "envelope_bench: $tool not found" >&2
    exit 1
  fi
done

# The data lives in memory when possible (tmpfs), so the disk does not set the pace.
BASE=/dev/shm
[ -d "$BASE" ] && [ -w "$BASE" ] || BASE=/tmp
WORK=$(mktemp -d "$BASE/envelope-bench.XXXXXX")
# Output to a file system on disk as well (input stays in memory): most users' files live there.
DISK_BASE=${ENVELOPE_BENCH_DISK_DIR:-$BUILD}
DISK=
if [ "$(stat -f -c %T "$DISK_BASE" 2>/dev/null)" != tmpfs ] && [ -w "$DISK_BASE" ]; then
  DISK=$(mktemp -d "$DISK_BASE/envelope-bench.XXXXXX")
fi
source "$(dirname "${BASH_SOURCE[0]}")/emulator_lib.sh"
cleanup() {
  stop_emulator
  rm -rf "$WORK" ${DISK:+"$DISK"}
}
trap cleanup EXIT

# openssl speed: MiB/s on 16 KiB blocks (the last "...k" column is 1000 bytes/s). openssl
# divides by the USER CPU time it used, not by wall-clock time: compare it with the CPU-time
# figures below when the machine is busy.
openssl_mibs() {
  openssl speed -evp "$1" -bytes 16384 -seconds "${ENVELOPE_BENCH_SPEED_SECONDS:-3}" 2>/dev/null |
    awk -v alg="$1" 'tolower($1) == tolower(alg) { v = $NF; sub(/k$/, "", v);
                     printf "%.1f", v * 1000 / 1048576 }'
}

start_emulator "$BIN" "$WORK/emulator.out" --db :memory:
URL=$EMULATOR_URL

export AWS_ENDPOINT_URL="$URL" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIABENCH \
  AWS_SECRET_ACCESS_KEY=bench AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
KEY=$("$BIN/kmsctl" create-key --output text | awk '$1 == "KEYMETADATA" { for (i = 1; i <= NF; ++i)
      if ($i ~ /^arn:/) { print $i; exit } }')
[ -n "$KEY" ] || { echo "envelope_bench: create-key failed" >&2; exit 1; }

echo "envelope_bench: ${SIZE_MIB} MiB in $WORK, $(nproc) cores, $RUNS run(s) (shared machine:" \
  "wall-clock figures are noisy; CPU time = user+sys of kmsctl, all its threads)"
head -c $((SIZE_MIB * 1048576)) /dev/urandom >"$WORK/plain"

# This machine's speed drifts by tens of percent within minutes, so openssl speed runs before
# the first round and after every round; the references are the medians of those measurements.
: >"$WORK/speeds"
measure_speeds() {
  echo "$(openssl_mibs aes-256-gcm) $(openssl_mibs sha384)" >>"$WORK/speeds"
}
measure_speeds

# Runs a command under /usr/bin/time; appends "label op wall-s cpu-s peak-RSS-KiB" to results.
measure() {
  local label=$1 bin=$2 op=$3
  shift 3
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S %M" -o "$WORK/time.log" "$bin" "$@"
  end=$(date +%s.%N)
  awk -v l="$label" -v o="$op" -v s="$start" -v e="$end" \
    '{ printf "%s %s %.3f %.2f %d\n", l, o, e - s, $1 + $2, $3 }' "$WORK/time.log" \
    >>"$WORK/results"
}

# One encrypt and decrypt per suite with `bin`; the round trip must give the plaintext back.
run_once() {
  local label=$1 bin=$2 suite
  for suite in 0x0578 0x0478; do
    measure "$label" "$bin" "encrypt-$suite" envelope encrypt --key-id "$KEY" \
      --algorithm "$suite" --in "$WORK/plain" --out "$WORK/message"
    measure "$label" "$bin" "decrypt-$suite" envelope decrypt --key-id "$KEY" \
      --in "$WORK/message" --out "$WORK/out"
    cmp -s "$WORK/plain" "$WORK/out" ||
      { echo "envelope_bench: $label $suite round trip differs" >&2; exit 1; }
    rm -f "$WORK/out"
    # To a file on disk (its page cache; writeback happens later, in the kernel's own time).
    if [ -n "$DISK" ]; then
      measure "$label" "$bin" "encrypt-$suite-disk" envelope encrypt --key-id "$KEY" \
        --algorithm "$suite" --in "$WORK/plain" --out "$DISK/message"
      rm -f "$DISK/message"
      measure "$label" "$bin" "decrypt-$suite-disk" envelope decrypt --key-id "$KEY" \
        --in "$WORK/message" --out "$DISK/out"
      rm -f "$DISK/out"
    fi
    # The same with --out /dev/null: kmsctl's own cost, without the kernel allocating and
    # zeroing the pages of a new output file.
    measure "$label" "$bin" "encrypt-$suite-null" envelope encrypt --key-id "$KEY" \
      --algorithm "$suite" --in "$WORK/plain" --out /dev/null
    measure "$label" "$bin" "decrypt-$suite-null" envelope decrypt --key-id "$KEY" \
      --in "$WORK/message" --out /dev/null
    rm -f "$WORK/message"
  done
}

: >"$WORK/results"
# The kernel's share alone: copying the file (read + write, 1 MiB at a time) with no crypto,
# and writing the output file alone (from /dev/zero), which no program writing a file can beat.
measure - dd copy if="$WORK/plain" of="$WORK/out" bs=1M status=none
rm -f "$WORK/out"
measure - dd write if=/dev/zero of="$WORK/out" bs=1M count="$SIZE_MIB" status=none
rm -f "$WORK/out"
if [ -n "$DISK" ]; then
  measure - dd copy-disk if="$WORK/plain" of="$DISK/out" bs=1M status=none
  rm -f "$DISK/out"
  measure - dd write-disk if=/dev/zero of="$DISK/out" bs=1M count="$SIZE_MIB" status=none
  rm -f "$DISK/out"
fi
LABEL=-  # no label without a baseline
[ -n "$BASELINE" ] && LABEL=after
for _ in $(seq "$RUNS"); do
  if [ -n "$BASELINE" ]; then run_once before "$BASELINE"; fi
  run_once "$LABEL" "$BIN/kmsctl"
  measure_speeds
done

# Medians and ranges of the openssl speed measurements.
read -r AES AES_RANGE SHA SHA_RANGE < <(awk '
  function median(v, k,    i, j, t) {
    for (i = 2; i <= k; ++i) for (j = i; j > 1 && v[j - 1] > v[j]; --j) {
      t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
  }
  { a[NR] = $1 + 0; s[NR] = $2 + 0 }
  END {
    am = median(a, NR); sm = median(s, NR)
    printf "%.1f %.0f-%.0f %.1f %.0f-%.0f\n", am, a[1], a[NR], sm, s[1], s[NR]
  }' "$WORK/speeds")
LIMIT=$(awk -v a="$AES" -v s="$SHA" 'BEGIN { printf "%.1f", 1 / (1 / a + 1 / s) }')
SPEEDS=$(wc -l <"$WORK/speeds")

printf '%-46s %8.1f MiB/s  (user CPU time; median of %d, %s)\n' \
  "openssl speed -evp aes-256-gcm" "$AES" "$SPEEDS" "$AES_RANGE"
printf '%-46s %8.1f MiB/s  (user CPU time; median of %d, %s)\n' \
  "openssl speed -evp sha384" "$SHA" "$SPEEDS" "$SHA_RANGE"
printf '%-46s %8.1f MiB/s\n' "one-core limit 1/(1/aes+1/sha384)" "$LIMIT"
printf '%-46s %16s %17s %10s\n' "" "wall MiB/s  %ref" "CPU MiB/s  %ref" "peak RSS"
# Medians over the runs; %ref is of the one-core limit (0x0578) or of AES-GCM (0x0478), where
# the target is 60%, and peak RSS is at most 64 MiB.
awk -v n="$SIZE_MIB" -v limit="$LIMIT" -v aes="$AES" '
  function median(list,    v, k, i, j, t) {
    k = split(list, v, " ")
    for (i = 2; i <= k; ++i) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; --j) {
      t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
  }
  {
    if (!($2 in seen_op)) { seen_op[$2] = 1; ops[++op_count] = $2 }
    if (!($1 in seen_label)) { seen_label[$1] = 1; labels[++label_count] = $1 }
    key = $2 " " $1
    wall[key] = wall[key] " " $3; cpu[key] = cpu[key] " " $4
    if ($5 > rss[key]) rss[key] = $5
  }
  END {
    for (i = 1; i <= op_count; ++i) for (j = 1; j <= label_count; ++j) {
      key = ops[i] " " labels[j]
      if (!(key in wall)) continue
      split(ops[i], o, "-"); ref = o[2] == "0x0578" ? limit : aes
      w = n / median(wall[key]); t = median(cpu[key]); c = t > 0 ? n / t : 0
      if (o[1] == "copy") {
        printf "%-46s %9.1f %5.0f%% %10.1f %6s   (read+write alone, no crypto)\n",
          o[2] == "disk" ? "dd bs=1M (tmpfs file to a disk file)" : "dd bs=1M (same file, same tmpfs)",
          w, 100 * w / aes, c, ""
        continue
      }
      if (o[1] == "write") {
        printf "%-46s %9.1f %5.0f%% %10.1f %6s   (writing the output alone)\n",
          o[2] == "disk" ? "dd bs=1M (/dev/zero to a disk file)" : "dd bs=1M (/dev/zero to a tmpfs file)",
          w, 100 * w / aes, c, ""
        continue
      }
      printf "%-46s %9.1f %5.0f%% %10.1f %5.0f%% %6.1f MiB%s\n",
        "kmsctl envelope " o[1] " " o[2] (o[3] == "" ? "" : " >" o[3]) \
          (labels[j] == "-" ? "" : " " labels[j]), w,
        100 * w / ref, c, 100 * c / ref, rss[key] / 1024, (rss[key] > 65536 ? " (over 64 MiB)" : "")
    }
  }' "$WORK/results"
echo "targets: 0x0578 >= 60% of the one-core limit ($LIMIT MiB/s), 0x0478 >= 60% of AES-GCM" \
  "($AES MiB/s), peak RSS <= 64 MiB; no suffix: output to a file in $BASE; '>disk': to a file" \
  "in ${DISK:-(none: $DISK_BASE is not a writable disk file system)}; '>null': --out /dev/null" \
  "(no page allocation for the output)"
