#!/usr/bin/env bash
# Installs every Debian package ZeroFS needs to build and test. Idempotent.
# Usage: scripts/install-deps.sh            (build + unit/integration test deps)
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config clang-format
  librocksdb-dev libsodium-dev libzstd-dev liblz4-dev
  libcurl4-openssl-dev libssl-dev libpugixml-dev libboost1.81-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev libfuse3-dev fuse3
  libgtest-dev libgmock-dev libbenchmark-dev
)
TEST_PKGS=(
  libnfs-utils libnfs-dev libnbd-bin libnbd-dev fio e2fsprogs
  python3 procps psmisc
  radosgw ceph-mon ceph-osd
)

missing=()
for p in "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
