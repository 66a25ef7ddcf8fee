#!/usr/bin/env bash
# Stops the cluster start-rgw.sh brought up in DIR and removes DIR.
#   tests/integration/s3/stop-rgw.sh "$S3_TEST_DIR"
# Kills only the daemons whose pid files are in DIR (never by name).
set -uo pipefail

DIR="${1:-}"
case "$DIR" in
  */zerofs-rgw-*) ;;
  *)
    echo "stop-rgw: expected a directory made by start-rgw.sh, got '$DIR'" >&2
    exit 2
    ;;
esac
[ -d "$DIR" ] || exit 0

pids=()
for f in "$DIR"/run/*.pid; do
  [ -f "$f" ] || continue
  pid="$(cat "$f" 2>/dev/null)"
  [ -n "$pid" ] && pids+=("$pid")
done
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
for _ in $(seq 1 40); do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [ "$alive" = 0 ] && break
  sleep 0.1
done
for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
rm -rf "$DIR"
