# Sourced by the bench scripts: start and stop a kms-emulator of theirs on 127.0.0.1:0, by PID.
EMULATOR_PID=
EMULATOR_URL=

# start_emulator BIN_DIR OUT_FILE [emulator flags...]: starts BIN_DIR/kms-emulator with
# --port 0, sets EMULATOR_PID and EMULATOR_URL (from its 'listening on' line); exits 1 with its
# stderr when it does not start within 5 s.
start_emulator() {
  local bin=$1 out=$2
  shift 2
  "$bin/kms-emulator" --port 0 "$@" >"$out" 2>"$out.err" &
  EMULATOR_PID=$!
  EMULATOR_URL=
  for _ in $(seq 100); do
    EMULATOR_URL=$(sed -n 's/^kms-emulator listening on \(http:[^ ]*\)$/\1/p' "$out")
    [ -n "$EMULATOR_URL" ] && return 0
    sleep 0.05
  done
  echo "$(basename "$0"): kms-emulator did not start: $(cat "$out.err")" >&2
  exit 1
}

# stop_emulator: SIGTERM to the emulator started above (if any) and wait for it.
stop_emulator() {
  if [ -n "$EMULATOR_PID" ]; then
    kill -TERM "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  EMULATOR_PID=
}
