#!/usr/bin/env bash
# Starts Azurite (start-azurite.sh), runs the Azure test binary with its
# AZURE_TEST_* environment, and stops Azurite again whatever happens.
#   run-azure-tests.sh path/to/azure_store_test [gtest args...]
# Exits 77 (skip) when Azurite is not installed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$1"
shift

env_file="$(mktemp)"
"$here/start-azurite.sh" >"$env_file"
rc=$?
if [ "$rc" -ne 0 ]; then
  rm -f "$env_file"
  exit "$rc"
fi
# shellcheck disable=SC1090
. "$env_file"
rm -f "$env_file"
trap '"$here/stop-azurite.sh" "$AZURE_TEST_DIR"' EXIT INT TERM

"$binary" "$@"
