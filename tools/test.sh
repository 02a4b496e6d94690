#!/usr/bin/env bash
# Installs what is missing, builds (Release, -Werror) and runs every test with ctest; then a
# second build with ASan+UBSan runs the unit and integration tests again; then checks formatting.
# Exits non-zero on any failure. Used by .ci/run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
# ccache hits across clones in other folders (CI builds a fresh clone every time).
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
"$root/tools/install_deps.sh" test

# The python that has boto3 (pyenv's or Debian's).
py=python3
python3 -c 'import boto3, cryptography' >/dev/null 2>&1 || py=/usr/bin/python3

echo "== npm ci (tests/integration/js, pinned by package-lock.json)"
(cd "$root/tests/integration/js" && npm ci --no-audit --no-fund --loglevel=error)

run_tree() {  # run_tree DIR BUILD_TYPE [cmake args...]
  local dir=$1 type=$2; shift 2
  echo "== configure and build $dir ($type $*)"
  cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DKMS_WERROR=ON -DKMS_PYTHON="$(command -v $py)" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  echo "== ctest $dir"
  local log="$dir/ctest-summary.log"
  local rc=0
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 600) 2>&1 | tee "$log" || rc=$?
  total=$((total + $(sed -n 's/.* tests failed out of \([0-9]*\)$/\1/p' "$log" | tail -1)))
  failed=$((failed + $(sed -n 's/.*, \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -1)))
  skipped=$((skipped + $(grep -c '\*\*\*Skipped\|(Not Run)' "$log" || true)))
  return "$rc"
}
total=0; failed=0; skipped=0
summary() { echo "ctest: $((total - failed - skipped)) passed, $failed failed, $skipped skipped"; }
trap summary EXIT

run_tree "$root/build" Release
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  run_tree "$root/build-asan" Sanitize -DKMS_SANITIZE=ON -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1"

echo "== clang-format check"
cd "$root"
files=$(git ls-files '*.cpp' '*.hpp')
if ! clang-format --dry-run --Werror $files; then
  echo "clang-format: the files above need 'clang-format -i'" >&2
  exit 1
fi
echo "tools/test.sh: all builds and tests passed"
