#!/usr/bin/env bash
# Starts Azurite's blob service (installed by scripts/install-deps.sh into
# .deps/azurite) on a free port of 127.0.0.1 with its data in a fresh temp
# directory, waits until it answers, and prints shell variable assignments:
#
#   eval "$(tests/integration/azure/start-azurite.sh)"   # sets AZURE_TEST_*; ~1 s
#   tests/integration/azure/stop-azurite.sh "$AZURE_TEST_DIR"
#
# The account is Azurite's well-known development account (devstoreaccount1
# and its published key). Exits 77 (CTest "skip") when node or Azurite is
# missing.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
main_js="${AZURITE_MAIN_JS:-$repo/.deps/azurite/node_modules/azurite/dist/src/blob/main.js}"
for tool in node curl python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "start-azurite: '$tool' is missing; run scripts/install-deps.sh" >&2
    exit 77
  fi
done
if [ ! -f "$main_js" ]; then
  echo "start-azurite: Azurite is not installed ($main_js); run scripts/install-deps.sh" >&2
  exit 77
fi

ACCOUNT=devstoreaccount1
KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
DIR="$(mktemp -d "${TMPDIR:-/tmp}/zerofs-azurite-XXXXXX")"

start() {
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  nohup node "$main_js" --blobHost 127.0.0.1 --blobPort "$PORT" --location "$DIR/data" \
    --skipApiVersionCheck --silent </dev/null >"$DIR/azurite.log" 2>&1 &
  echo $! >"$DIR/azurite.pid"
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$PORT/$ACCOUNT?comp=list"; then return 0; fi
    kill -0 "$(cat "$DIR/azurite.pid")" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# The port can be taken between choosing and binding it: try a few.
for _ in 1 2 3; do
  if start; then
    cat <<EOV
AZURE_TEST_DIR=$DIR
AZURE_TEST_ENDPOINT=http://127.0.0.1:$PORT/$ACCOUNT
AZURE_TEST_ACCOUNT=$ACCOUNT
AZURE_TEST_KEY=$KEY
export AZURE_TEST_DIR AZURE_TEST_ENDPOINT AZURE_TEST_ACCOUNT AZURE_TEST_KEY
EOV
    echo "start-azurite: ready on 127.0.0.1:$PORT" >&2
    exit 0
  fi
  kill "$(cat "$DIR/azurite.pid")" 2>/dev/null || true
done
echo "start-azurite: Azurite did not start; log:" >&2
tail -n 20 "$DIR/azurite.log" >&2 || true
rm -rf "$DIR"
exit 1
