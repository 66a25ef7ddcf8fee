#!/usr/bin/env bash
# Stops the Azurite that start-azurite.sh started in DIR and removes DIR.
#   tests/integration/azure/stop-azurite.sh "$AZURE_TEST_DIR"
# Kills only the process whose pid file is in DIR (never by name).
set -uo pipefail
DIR="${1:-}"
case "$DIR" in
  */zerofs-azurite-*) ;;
  *)
    echo "stop-azurite: expected a directory made by start-azurite.sh, got '$DIR'" >&2
    exit 2
    ;;
esac
[ -d "$DIR" ] || exit 0
pid="$(cat "$DIR/azurite.pid" 2>/dev/null || true)"
if [ -n "$pid" ]; then
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
fi
rm -rf "$DIR"
