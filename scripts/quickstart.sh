#!/usr/bin/env bash
# One command from a fresh clone to a running server on the embedded default:
# installs the Debian packages, builds, writes ./zerofs.toml (local file://
# store under ~/.local/share/zerofs, localhost-only servers) if it does not
# exist yet, and runs `zerofs run` in the foreground. Stop with Ctrl-C: the
# server flushes everything to the store and exits.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build zerofs
config=${ZEROFS_CONFIG:-zerofs.toml}
if [ ! -e "$config" ]; then
  ./build/zerofs init "$config"
fi
exec ./build/zerofs run -c "$config"
