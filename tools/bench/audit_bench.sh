#!/usr/bin/env bash
# Benchmark (not a test): what the audit trail costs. Two figures, audit off against on:
#  1. kms-router-bench: the emulator's own CPU time per request, in-process (no sockets), split
#     into the request thread and the audit writer: repeatable whatever else the machine does.
#  2. kms-bench over loopback: req/s and p99 of GenerateDataKey and Decrypt against kms-emulator
#     with a database file, --audit off and on started alternately, ROUNDS times; medians and
#     the on/off ratio (issue #6: audit on within 10% of off).
# usage: tools/bench/audit_bench.sh [build-dir]   (default: build)
# Environment: AUDIT_BENCH_ROUNDS (3), AUDIT_BENCH_DURATION (s per operation, 5),
# AUDIT_BENCH_CONNECTIONS (16), AUDIT_BENCH_REQUESTS (in-process requests, 400000: past the
# default --audit-max-events, so retention runs as it does on a long-lived emulator).
set -euo pipefail

BIN=${1:-build}/bin
ROUNDS=${AUDIT_BENCH_ROUNDS:-3}
DURATION=${AUDIT_BENCH_DURATION:-5}
CONNECTIONS=${AUDIT_BENCH_CONNECTIONS:-16}
REQUESTS=${AUDIT_BENCH_REQUESTS:-400000}
for tool in kms-emulator kms-bench kms-router-bench; do
  [ -x "$BIN/$tool" ] || { echo "audit_bench: $BIN/$tool not found" >&2; exit 2; }
done

source "$(dirname "${BASH_SOURCE[0]}")/emulator_lib.sh"
WORK=$(mktemp -d)
cleanup() {
  stop_emulator
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== in-process (kms-router-bench, $REQUESTS requests, database file)"
for op in GenerateDataKey Decrypt; do
  for audit in off on; do
    TMPDIR=$WORK "$BIN/kms-router-bench" --op "$op" --audit "$audit" --requests "$REQUESTS"
  done
done

# One round: a fresh emulator with a database file, kms-bench on each operation; appends
# "<audit> <op> <req/s> <p99 ms>" lines to $WORK/results.
round() {
  local audit=$1
  rm -f "$WORK"/kms.db*
  start_emulator "$BIN" "$WORK/out" --db "$WORK/kms.db" --audit "$audit"
  "$BIN/kms-bench" --endpoint-url "$EMULATOR_URL" --ops GenerateDataKey,Decrypt \
    --duration "$DURATION" --warmup 1 --connections "$CONNECTIONS" 2>/dev/null |
    awk -v audit="$audit" '$1 == "GenerateDataKey" || $1 == "Decrypt" { print audit, $1, $4, $7, $3 }' |
    tee -a "$WORK/results" | sed 's/^/  /'
  stop_emulator
}

echo "== over loopback (kms-bench, $CONNECTIONS connections, ${DURATION} s per operation," \
  "$ROUNDS rounds alternating; columns: audit op req/s p99-ms errors)"
for r in $(seq "$ROUNDS"); do
  round off
  round on
done
# Every round answered both operations, without an error answer.
awk -v want=$((ROUNDS * 4)) 'NF == 5 && $5 == 0 { ++ok } END { exit ok == want ? 0 : 1 }' \
  "$WORK/results" || { echo "audit_bench: kms-bench failed or saw error answers" >&2; exit 1; }
awk '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    rps[$1 " " $2] = rps[$1 " " $2] " " $3; p99[$1 " " $2] = p99[$1 " " $2] " " $4
    # Each "on" round follows an "off" round: their ratio cancels most of the machine drift.
    if ($1 == "off") last_off[$2] = $3
    else if (last_off[$2] > 0) ratios[$2] = ratios[$2] " " 100 * $3 / last_off[$2]
  }
  END {
    split("GenerateDataKey Decrypt", ops, " ")
    for (i = 1; i <= 2; ++i) {
      off = median(rps["off " ops[i]]); on = median(rps["on " ops[i]])
      printf "%-16s audit off %8.0f req/s (p99 %.2f ms)   audit on %8.0f req/s (p99 %.2f ms)   on/off %5.1f%%\n",
        ops[i], off, median(p99["off " ops[i]]), on, median(p99["on " ops[i]]), 100 * on / off
      n = split(ratios[ops[i]], r, " ")
      lo = r[1]; hi = r[1]
      for (j = 2; j <= n; ++j) { if (r[j] < lo) lo = r[j]; if (r[j] > hi) hi = r[j] }
      printf "%-16s on/off of each round (after its off round): median %.1f%%, %.1f%% to %.1f%%\n",
        "", median(ratios[ops[i]]), lo, hi
    }
  }' "$WORK/results"
echo "target (issue #6): audit on within 10% of audit off"
