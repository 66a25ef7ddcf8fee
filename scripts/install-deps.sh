#!/usr/bin/env bash
# Installs every Debian package ZeroFS needs to build and test. Idempotent.
# Usage: scripts/install-deps.sh            (build + unit/integration test deps)
#        scripts/install-deps.sh --bench    (also the peers of bench/nfs, bench/nbd, bench/compare)
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config clang-format
  librocksdb-dev libsodium-dev libzstd-dev liblz4-dev
  libcurl4-openssl-dev libssl-dev libpugixml-dev libboost1.81-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev libfuse3-dev fuse3
  libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev
  clang libclang-rt-14-dev
)
TEST_PKGS=(
  libnfs-utils libnfs-dev libnbd-bin libnbd-dev fio e2fsprogs
  python3 procps psmisc
  diod
  radosgw ceph-mon ceph-osd
  nodejs
)
if [ "${1:-}" = --bench ]; then
  # s3fs, rclone: the S3 FUSE file systems bench/compare runs against;
  # nfs-common: mount.nfs for its kernel NFS client run.
  TEST_PKGS+=(nfs-ganesha nfs-ganesha-vfs rpcbind nbdkit s3fs rclone nfs-common)
fi

missing=()
for p in "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Debian's nodejs comes without npm; other builds of nodejs bundle it.
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all packages present"
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Azurite, the Azure Blob emulator for tests/integration/azure, from npm at
# the exact versions in its package-lock.json, into the git-ignored .deps/.
repo="$(cd "$(dirname "$0")/.." && pwd)"
lock_dir="$repo/tests/integration/azure"
dest="$repo/.deps/azurite"
if ! cmp -s "$lock_dir/package-lock.json" "$dest/package-lock.json" ||
  [ ! -f "$dest/node_modules/azurite/dist/src/blob/main.js" ]; then
  echo "install-deps: installing Azurite into $dest"
  mkdir -p "$dest"
  cp "$lock_dir/package.json" "$lock_dir/package-lock.json" "$dest/"
  (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)
fi
