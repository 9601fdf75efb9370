#!/usr/bin/env bash
# Installs the Debian 12 packages lsmdb needs to build, test and benchmark, skipping
# those already present. Run as root (or with sudo). Reaches only Debian's registry.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev clang-format pkg-config ccache git
  libgtest-dev libgmock-dev libbenchmark-dev
  libsnappy-dev liblz4-dev libzstd-dev libxxhash-dev libedit-dev nlohmann-json3-dev
  libleveldb-dev librocksdb-dev
  python3-dev python3-pip python3-pytest python3-hypothesis python3-plyvel
  tmux procps fuse3 libfuse3-dev
  redis-server redis-tools python3-redis nutcracker
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
