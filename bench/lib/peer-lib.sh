# shellcheck shell=bash
# Shared by the protocol benchmark scripts (bench/nfs, bench/nbd): a temp
# directory, free ports, starting/stopping background servers, and the
# comparison table. Sourced, not run. Set $bench_name first.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$BENCH_ROOT/build}
ZEROFS=${ZEROFS:-$BUILD/zerofs}
export ZEROFS_TEST_FAST_KDF=1

blog() { echo "[$(date +%T)] $*" >&2; }
bfail() { echo "FAIL: $*" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# wait_port PORT SECS PID: until PORT accepts connections; fails if PID exits.
wait_port() {
  local i
  for i in $(seq 1 $(($2 * 10))); do
    port_open "$1" && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

BTMP=$(mktemp -d "${TMPDIR:-/tmp}/zerofs-bench-${bench_name:?}.XXXXXX")
chmod 755 "$BTMP"
bench_pids=()
bench_cleanup() {
  local p
  for p in "${bench_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${bench_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $BTMP" >&2; else rm -rf "$BTMP"; fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# stop_pid PID: SIGTERM and wait (zerofs flushes before it exits).
stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# start_zerofs EXTRA_TOML PORT...: `zerofs run` on a file:// store in $BTMP;
# sets ZEROFS_PID once every PORT accepts connections. $STORAGE_TOML, if
# set, is added to the [storage] table; $ZEROFS_EXTRA_TOML, if set, to the
# end (for A/B runs, e.g. "[filesystem]\nwrite_buffer_mb = 0").
start_zerofs() {
  local extra=$1 p
  shift
  [ -x "$ZEROFS" ] || bfail "no zerofs binary at $ZEROFS (build it, or set BUILD=)"
  mkdir -p "$BTMP/zerofs/store" "$BTMP/zerofs/cache"
  cat >"$BTMP/zerofs/zerofs.toml" <<TOML
[storage]
url = "file://$BTMP/zerofs/store"
encryption_password = "bench-password"
${STORAGE_TOML:-}

[cache]
dir = "$BTMP/zerofs/cache"

$extra

$(printf '%b' "${ZEROFS_EXTRA_TOML:-}")
TOML
  "$ZEROFS" run -c "$BTMP/zerofs/zerofs.toml" >"$BTMP/zerofs/zerofs.log" 2>&1 &
  ZEROFS_PID=$!
  bench_pids+=("$ZEROFS_PID")
  for p in "$@"; do
    wait_port "$p" 60 "$ZEROFS_PID" || bfail "zerofs did not open port $p: $(tail -n 5 "$BTMP/zerofs/zerofs.log")"
  done
  blog "zerofs up (pid $ZEROFS_PID, log $BTMP/zerofs/zerofs.log)"
}

# print_table ZEROFS_RESULTS PEER_RESULTS PEER_NAME: files of "RESULT name value unit".
print_table() {
  awk -v peer="$3" '
    FNR == NR && $1 == "RESULT" { z[$2] = $3; unit[$2] = $4; order[n++] = $2; next }
    $1 == "RESULT" { p[$2] = $3 }
    END {
      printf "%-24s %12s %12s %-7s %8s\n", "metric", "zerofs", peer, "unit", "ratio"
      for (i = 0; i < n; i++) {
        k = order[i]
        r = (p[k] > 0) ? sprintf("%.2f", z[k] / p[k]) : "-"
        printf "%-24s %12s %12s %-7s %8s\n", k, z[k], (k in p) ? p[k] : "-", unit[k], r
      }
    }' "$1" "$2"
  echo "(ratio = zerofs / $3; load average at end: $(cut -d' ' -f1-3 /proc/loadavg))"
}
