#!/usr/bin/env bash
# Process-level figures of kms-emulator (start-up to first answered GET /health, shutdown, RSS,
# CPU) and kms-bench throughput/latency for GenerateDataKey, Decrypt and Encrypt.
# Usage: tools/bench/run_bench.sh [build-dir]   (default build-dir: <repo>/build)
# Environment: KMS_BENCH_DURATION (s per operation, 10), KMS_BENCH_WARMUP (1),
# KMS_BENCH_CONNECTIONS (16), KMS_BENCH_STARTUP_RUNS (7), KMS_BENCH_OPS
# (GenerateDataKey,Decrypt,Encrypt), KMS_BENCH_EMULATOR_THREADS (emulator --threads, 0 = cores),
# KMS_BENCH_SETTLE (s of idleness before the idle RSS readings, 1).
# Needs python3 (standard library only) for the start-up timing and the report.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
EMULATOR=$BUILD/bin/kms-emulator
BENCH=$BUILD/bin/kms-bench
DURATION=${KMS_BENCH_DURATION:-10}
WARMUP=${KMS_BENCH_WARMUP:-1}
CONNECTIONS=${KMS_BENCH_CONNECTIONS:-16}
STARTUP_RUNS=${KMS_BENCH_STARTUP_RUNS:-7}
OPS=${KMS_BENCH_OPS:-GenerateDataKey,Decrypt,Encrypt}
EMULATOR_THREADS=${KMS_BENCH_EMULATOR_THREADS:-0}
SETTLE=${KMS_BENCH_SETTLE:-1}

for exe in "$EMULATOR" "$BENCH"; do
  if [[ ! -x $exe ]]; then
    echo "run_bench.sh: $exe not found; build it: cmake --build $BUILD --target kms-emulator kms-bench" >&2
    exit 2
  fi
done
command -v python3 > /dev/null || { echo "run_bench.sh: python3 is required" >&2; exit 2; }

WORK=$(mktemp -d)
EMULATOR_PID=""

# Ends the emulator this script started (by PID): SIGTERM, up to 5 s, then SIGKILL.
stop_emulator() {
  [[ -n $EMULATOR_PID ]] || return 0
  if kill -0 "$EMULATOR_PID" 2> /dev/null; then
    kill -TERM "$EMULATOR_PID" 2> /dev/null || true
    for _ in $(seq 50); do
      kill -0 "$EMULATOR_PID" 2> /dev/null || break
      sleep 0.1
    done
    if kill -0 "$EMULATOR_PID" 2> /dev/null; then
      echo "run_bench.sh: emulator $EMULATOR_PID ignored SIGTERM for 5 s; killing it" >&2
      kill -KILL "$EMULATOR_PID" 2> /dev/null || true
    fi
  fi
  wait "$EMULATOR_PID" 2> /dev/null || true  # already gone: returns at once
  EMULATOR_PID=""
}
cleanup() {
  stop_emulator
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Python helpers: precise start-up timing, rusage of kms-bench, the report. ---------------
cat > "$WORK/helper.py" << 'PY'
import json, os, resource, select, signal, socket, statistics, subprocess, sys, time

def read_line(proc, timeout_s):
    """First stdout line of proc within timeout_s, else None (bounded wait)."""
    deadline = time.monotonic() + timeout_s
    buf = b""
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                return None
            buf += chunk
    return buf.split(b"\n", 1)[0].decode()

def health_ok(port):
    """One GET /health on a fresh connection; True on a 200 answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.startswith(b"HTTP/1.1 200")

def vm_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None

def one_startup(emulator, db):
    """Launch, wait for the listening line, poll /health tightly, read RSS, SIGTERM, time exit."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([emulator, "--port", "0", "--db", db],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = read_line(proc, 10)
        if line is None or "listening on http://127.0.0.1:" not in line:
            raise RuntimeError(f"no listening line within 10 s (got {line!r})")
        t_line = time.perf_counter()
        port = int(line.rsplit(":", 1)[1])
        deadline = time.monotonic() + 10
        while True:
            try:
                if health_ok(port):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("GET /health not answered 200 within 10 s")
        t_health = time.perf_counter()
        rss = vm_kib(proc.pid, "VmRSS")
        t_term = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=10)
        t_exit = time.perf_counter()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    return {"line_ms": (t_line - t0) * 1e3, "health_ms": (t_health - t0) * 1e3,
            "stop_ms": (t_exit - t_term) * 1e3, "exit_code": rc, "rss_kib": rss}

def startup(emulator, runs, workdir, out):
    results = {}
    # "existing": the everyday restart, with a database a first run created (not timed).
    existing = os.path.join(workdir, "startup-existing.db")
    one_startup(emulator, existing)
    for mode in ("memory", "file", "existing"):
        samples = []
        for i in range(runs):
            db = {"memory": ":memory:", "existing": existing}.get(
                mode, os.path.join(workdir, f"startup-{i}.db"))
            samples.append(one_startup(emulator, db))
        results[mode] = samples
    with open(out, "w") as f:
        json.dump(results, f)

def run_bench(out, err, timeout_s, *cmd):
    """Runs kms-bench; records its exit code and CPU seconds (children rusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(out, "w") as o, open(err, "w") as e:
        try:
            rc = subprocess.run(cmd, stdout=o, stderr=e, timeout=timeout_s).returncode
        except subprocess.TimeoutExpired:  # run() kills and reaps the child
            rc = "timeout"
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(json.dumps({"rc": rc, "cpu_s": cpu, "wall_s": time.perf_counter() - t0}))

def fmt_range(values, unit=" ms", digits=1):
    return (f"median {statistics.median(values):.{digits}f}{unit} "
            f"(min {min(values):.{digits}f}, max {max(values):.{digits}f}, n={len(values)})")

def report(startup_json, bench_json, bench_err, run_json, facts_json):
    st = json.load(open(startup_json))
    facts = json.load(open(facts_json))
    run = json.load(open(run_json))
    rows = []
    for mode, label in (("memory", "--db :memory:"), ("file", "--db <new file>: creates it"),
                        ("existing", "--db <existing file>: a restart")):
        s = st[mode]
        rows.append((f"start-up to first answered GET /health, {label}",
                     fmt_range([x["health_ms"] for x in s])))
        rows.append((f"  of which: to the 'listening' line", fmt_range([x["line_ms"] for x in s])))
        rows.append((f"  RSS right after that first answer", fmt_range([x["rss_kib"] / 1024 for x in s], " MiB")))
    s = st["memory"] + st["file"] + st["existing"]
    rows.append(("SIGTERM to exit (exit codes " + ",".join(sorted({str(x["exit_code"]) for x in s})) + ")",
                 fmt_range([x["stop_ms"] for x in s])))
    mib = lambda k: f"{k / 1024:.1f} MiB"
    settle = f"{facts['settle_s']:g} s"
    rows.append((f"idle RSS {settle} after start, before any request", mib(facts["rss_idle_kib"])))
    rows.append(("RSS after load (peak VmHWM)", f"{mib(facts['rss_after_kib'])} ({mib(facts['hwm_after_kib'])})"))
    rows.append((f"idle RSS {settle} after load", mib(facts["rss_settled_kib"])))
    load_s = facts["load_wall_s"]
    rows.append(("emulator CPU during the load run", f"{facts['emu_cpu_s']:.1f} s over {load_s:.1f} s wall"))
    rows.append(("kms-bench CPU during the load run", f"{run['cpu_s']:.1f} s over {run['wall_s']:.1f} s wall"))
    width = max(len(r[0]) for r in rows)
    print(f"kms-emulator figures ({facts['host']})")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    try:
        bench = json.load(open(bench_json))
    except (OSError, ValueError):
        print(f"\nkms-bench produced no report (exit {run['rc']}); its stderr:")
        print(open(bench_err).read())
        return 1
    print(f"\nkms-bench: {bench['connections']} keep-alive connections, {bench['warmup_s']:g} s warm-up + "
          f"{bench['duration_s']:g} s per operation, plaintext {bench['plaintext_size']} bytes, "
          f"exit {run['rc']}")
    print(f"  {'operation':<18}{'requests':>10}{'errors':>8}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}"
          f"{'p99 ms':>9}{'max ms':>9}")
    for op in bench["operations"]:
        l = op["latency_ms"]
        print(f"  {op['op']:<18}{op['completed']:>10}{op['errors']:>8}{op['requests_per_s']:>10.1f}"
              f"{l['p50']:>9.3f}{l['p90']:>9.3f}{l['p99']:>9.3f}{l['max']:>9.3f}")
    for op in bench["operations"]:
        if op["first_error"]:
            print(f"  first {op['op']} error: {op['first_error']}")
    return 0 if run["rc"] == 0 else 1

if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "startup":
        startup(args[0], int(args[1]), args[2], args[3])
    elif cmd == "bench":
        run_bench(args[0], args[1], float(args[2]), *args[3:])
    elif cmd == "report":
        sys.exit(report(*args))
PY

cpu_ticks() {  # utime + stime of a process, in clock ticks (/proc/PID/stat fields 14, 15)
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
vm_kib() {  # a Vm* field of /proc/PID/status in KiB
  awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

echo "run_bench.sh: start-up timing, $STARTUP_RUNS runs each with --db :memory: and a fresh file..." >&2
python3 "$WORK/helper.py" startup "$EMULATOR" "$STARTUP_RUNS" "$WORK" "$WORK/startup.json"

echo "run_bench.sh: load run ($OPS, $CONNECTIONS connections, $DURATION s each)..." >&2
"$EMULATOR" --port 0 --db :memory: --threads "$EMULATOR_THREADS" > "$WORK/emulator.out" \
  2> "$WORK/emulator.err" &
EMULATOR_PID=$!
PORT=""
for _ in $(seq 100); do  # the listening line, at most 10 s
  PORT=$(sed -n 's|^kms-emulator listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$WORK/emulator.out")
  [[ -n $PORT ]] && break
  kill -0 "$EMULATOR_PID" 2> /dev/null || break
  sleep 0.1
done
if [[ -z $PORT ]]; then
  echo "run_bench.sh: the emulator printed no listening line within 10 s; stderr:" >&2
  cat "$WORK/emulator.err" >&2
  exit 1
fi
sleep "$SETTLE"
RSS_IDLE=$(vm_kib "$EMULATOR_PID" VmRSS)
CPU_BEFORE=$(cpu_ticks "$EMULATOR_PID")
N_OPS=$(tr ',' '\n' <<< "$OPS" | wc -l)
BENCH_TIMEOUT=$(awk -v d="$DURATION" -v w="$WARMUP" -v n="$N_OPS" 'BEGIN { print (d + w) * n + 60 }')
LOAD_START=$(date +%s.%N)
python3 "$WORK/helper.py" bench "$WORK/bench.json" "$WORK/bench.err" "$BENCH_TIMEOUT" \
  "$BENCH" --endpoint-url "http://127.0.0.1:$PORT" --connections "$CONNECTIONS" \
  --duration "$DURATION" --warmup "$WARMUP" --ops "$OPS" --output json > "$WORK/run.json"
LOAD_END=$(date +%s.%N)
CPU_AFTER=$(cpu_ticks "$EMULATOR_PID")
RSS_AFTER=$(vm_kib "$EMULATOR_PID" VmRSS)
HWM_AFTER=$(vm_kib "$EMULATOR_PID" VmHWM)
sleep "$SETTLE"
RSS_SETTLED=$(vm_kib "$EMULATOR_PID" VmRSS)
stop_emulator

TICKS=$(getconf CLK_TCK)
HOST="$(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
cat > "$WORK/facts.json" << EOF
{"rss_idle_kib": $RSS_IDLE, "rss_after_kib": $RSS_AFTER, "hwm_after_kib": $HWM_AFTER,
 "rss_settled_kib": $RSS_SETTLED,
 "emu_cpu_s": $(awk -v a="$CPU_AFTER" -v b="$CPU_BEFORE" -v t="$TICKS" 'BEGIN { print (a - b) / t }'),
 "load_wall_s": $(awk -v a="$LOAD_END" -v b="$LOAD_START" 'BEGIN { print a - b }'), "settle_s": $SETTLE,
 "host": "$HOST"}
EOF
python3 "$WORK/helper.py" report "$WORK/startup.json" "$WORK/bench.json" "$WORK/bench.err" \
  "$WORK/run.json" "$WORK/facts.json"
