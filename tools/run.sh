#!/usr/bin/env bash
# Installs what is missing, builds Release into build/, and runs kms-emulator in the foreground
# on 127.0.0.1:4599 with the database ./kms.db. Extra arguments go to kms-emulator.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install_deps.sh" build
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DKMS_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target kms-emulator
exec "$root/build/bin/kms-emulator" --host 127.0.0.1 --port 4599 --db ./kms.db "$@"
