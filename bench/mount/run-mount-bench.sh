#!/usr/bin/env bash
# Issue 6's mount benchmark: bench_dir (bench/dir) through `zerofs mount` on
# `zerofs run` (9P over TCP, file:// store in a temp dir), then through the
# same `zerofs mount` client on diod (Debian's 9P2000.L server exporting a
# local directory of the same temp dir), one after the other in one run;
# prints both and their ratio. Everything is unmounted and stopped on exit.
# Usage: bench/mount/run-mount-bench.sh [bench_dir options, e.g. --quick]
# Environment: BUILD (build dir, default build/), ZEROFS, BENCH_DIR (binary
# paths), MOUNT_BIN (the `zerofs mount` binary, default ZEROFS: to compare two
# servers through one client), MOUNT_OPTS (extra `zerofs mount -o` options for both mounts),
# BENCH_KEEP=1 keeps the temp dir (logs, raw results).
# Needs: root, /dev/fuse, fuse3, diod; `ninja -C build zerofs bench_dir`.
set -euo pipefail
# shellcheck disable=SC2034  # read by peer-lib.sh
bench_name=mount
source "$(dirname "$0")/../lib/peer-lib.sh"
BENCH_DIR=${BENCH_DIR:-$BUILD/bench/dir/bench_dir}
MOUNT_BIN=${MOUNT_BIN:-$ZEROFS}
[ -x "$BENCH_DIR" ] || bfail "no $BENCH_DIR (ninja -C $BUILD bench_dir zerofs)"
[ "$(id -u)" = 0 ] || bfail "run as root (FUSE mounts, diod)"
command -v diod >/dev/null || bfail "needs diod (Debian diod)"
command -v fusermount3 >/dev/null || bfail "needs fusermount3 (Debian fuse3)"

mounts=()
is_fuse() { awk -v m="$1" '$2 == m && $3 ~ /^fuse/ {f=1} END {exit !f}' /proc/mounts; }
mount_cleanup() {
  local m
  for m in "${mounts[@]}"; do is_fuse "$m" && fusermount3 -u -z "$m" 2>/dev/null; done
  bench_cleanup
}
trap mount_cleanup EXIT

# fuse_mount NAME ADDRESS [OPTS]: `zerofs mount -f` in the background on
# $BTMP/NAME.mnt; sets MOUNT_PID once it is a FUSE mount.
fuse_mount() {
  local mnt=$BTMP/$1.mnt addr=$2 opts=${3:-} _
  mkdir -p "$mnt"
  local args=()
  [ -n "$opts" ] && args=(-o "$opts")
  "$MOUNT_BIN" mount -f "${args[@]}" "$addr" "$mnt" >"$BTMP/$1.mount.log" 2>&1 &
  MOUNT_PID=$!
  bench_pids+=("$MOUNT_PID")
  mounts+=("$mnt")
  for _ in $(seq 1 200); do
    is_fuse "$mnt" && return 0
    kill -0 "$MOUNT_PID" 2>/dev/null || bfail "zerofs mount exited: $(tail -n 5 "$BTMP/$1.mount.log")"
    sleep 0.05
  done
  bfail "$mnt not mounted after 10 s"
}
unmount() {
  stop_pid "$1"
  if is_fuse "$2"; then fusermount3 -u -z "$2" 2>/dev/null || true; fi
}
join_opts() { local IFS=,; echo "$*"; }

blog "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- zerofs ---
port=$(free_port)
start_zerofs "[servers.ninep]
addresses = [\"127.0.0.1:$port\"]" "$port"
fuse_mount zerofs "127.0.0.1:$port" "${MOUNT_OPTS:-}"
blog "bench_dir on zerofs mount"
"$BENCH_DIR" "$BTMP/zerofs.mnt" --csv "$@" | tee "$BTMP/zerofs.csv"
unmount "$MOUNT_PID" "$BTMP/zerofs.mnt"
stop_pid "$ZEROFS_PID"

# --- diod ---
export_dir=$BTMP/diod-export
mkdir -p "$export_dir"
dport=$(free_port)
diod -f -n -c /dev/null -L stderr -l "127.0.0.1:$dport" -e "$export_dir" >"$BTMP/diod.log" 2>&1 &
DIOD_PID=$!
bench_pids+=("$DIOD_PID")
wait_port "$dport" 10 "$DIOD_PID" || bfail "diod did not start: $(tail -n 5 "$BTMP/diod.log")"
fuse_mount diod "127.0.0.1:$dport" "$(join_opts "aname=$export_dir" ${MOUNT_OPTS:+"$MOUNT_OPTS"})"
blog "bench_dir on diod"
"$BENCH_DIR" "$BTMP/diod.mnt" --csv "$@" | tee "$BTMP/diod.csv"
unmount "$MOUNT_PID" "$BTMP/diod.mnt"
stop_pid "$DIOD_PID"

# --- table: ops/s and mean latency of each, ratio of ops/s ---
echo
awk -F, '
  FNR == NR && $1 == "RESULT" { z[$2] = $5; zl[$2] = $7; zn[$2] = $10; order[n++] = $2; next }
  $1 == "RESULT" { d[$2] = $5; dl[$2] = $7; dn[$2] = $10 }
  END {
    printf "%-16s %12s %12s %8s %12s %12s\n", "workload", "zerofs op/s", "diod op/s", "ratio", "zerofs mean", "diod mean"
    for (i = 0; i < n; i++) {
      k = order[i]
      r = (d[k] > 0) ? sprintf("%.2f", z[k] / d[k]) : "-"
      flag = (d[k] > 0 && z[k] < d[k]) ? "  <-- slower" : ""
      printf "%-16s %12s %12s %8s %10sus %10sus%s\n", k, z[k], (k in d) ? d[k] : "-", r, zl[k], (k in dl) ? dl[k] : "-", flag
      if (zn[k] ~ /FAILED/) print "  zerofs: " zn[k]
      if (dn[k] ~ /FAILED/) print "  diod: " dn[k]
    }
  }' "$BTMP/zerofs.csv" "$BTMP/diod.csv"
echo "(ratio = zerofs / diod ops/s, higher is better; mean = per-operation latency;"
echo " load average at end: $(cut -d' ' -f1-3 /proc/loadavg))"
