#!/usr/bin/env bash
# Installs what building and testing need on Debian 12, only what is missing. Idempotent.
# Usage: tools/install_deps.sh [build|test]   (build: compilers and libraries; test: also the
# cross-client test tools: aws CLI, boto3, cryptography, Node.js + npm, curl, clang-format).
set -euo pipefail
mode=${1:-build}

need=()
want_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' || need+=("$1"); }

for p in g++ make cmake pkg-config libboost1.81-dev libboost-json1.81-dev libssl-dev \
         libsqlite3-dev libzstd-dev doctest-dev ccache; do
  want_pkg "$p"
done
if [ "$mode" = test ]; then
  for p in clang-format curl; do want_pkg "$p"; done
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  command -v aws >/dev/null 2>&1 || need+=(awscli)
  # boto3 and cryptography for whichever python3 is first on PATH; Debian's packages otherwise.
  if ! python3 -c 'import boto3, cryptography' >/dev/null 2>&1; then
    need+=(python3-boto3 python3-cryptography)
  fi
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "install_deps: installing ${need[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
