#!/usr/bin/env bash
# GC benchmark over NBD: a steady random-overwrite workload (fio
# --ioengine=nbd) on an export of `zerofs run` (file:// store in a temp
# dir), run twice: with garbage collection off, then on (a pass every
# second, no reader grace, a snapshot every 2 s so deletions are not held
# back). For each run it prints the foreground write rate, the bucket size
# over time (sampled every second) as space amplification = bucket bytes /
# export size, and, with GC on, the bytes GC deleted per second (from its
# "gc pass done" log lines).
# Usage: bench/gc/run-gc-nbd-bench.sh [SECONDS (default 60)] [SIZE_MIB (default 256)]
# Environment: BUILD (build dir), BS (fio block size, default 32k),
# IODEPTH (default 8), SEGMENT_MB (default 16), BENCH_KEEP=1.
# Needs (Debian): fio, libnfs-dev (bench_nfs creates the export file).
set -euo pipefail
# shellcheck disable=SC2034  # read by peer-lib.sh
bench_name=gc
source "$(dirname "$0")/../lib/peer-lib.sh"
secs=${1:-60}
size_mib=${2:-256}
bs=${BS:-32k}
iodepth=${IODEPTH:-8}
segment_mb=${SEGMENT_MB:-16}
BENCH_NFS=$BUILD/bench/nfs/bench_nfs
[ -x "$BENCH_NFS" ] || bfail "no $BENCH_NFS (ninja -C $BUILD bench_nfs zerofs)"
command -v fio >/dev/null || bfail "needs fio"
blog "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

store_bytes() { du -sb "$BTMP/zerofs/store" | cut -f1; }

# run_mode on|off OUT: one zerofs run; RESULT lines to OUT.
run_mode() {
  local mode=$1 out=$2 nfs_port nbd_port sampler enabled
  enabled=false
  [ "$mode" = on ] && enabled=true
  rm -rf "$BTMP/zerofs"
  nfs_port=$(free_port)
  nbd_port=$(free_port)
  STORAGE_TOML="segment_size_mb = $segment_mb
snapshot_interval_secs = 2
flush_interval_secs = 1" start_zerofs "[servers.nfs]
addresses = [\"127.0.0.1:$nfs_port\"]

[servers.nbd]
addresses = [\"127.0.0.1:$nbd_port\"]

[gc]
enabled = $enabled
interval_secs = 1
dead_ratio = 0.5
reader_grace_secs = 0" "$nfs_port" "$nbd_port"
  "$BENCH_NFS" --url "nfs://127.0.0.1/?version=3&nfsport=$nfs_port&mountport=$nfs_port" \
    --mkfile /.nbd/disk $((size_mib << 20))
  local uri="nbd://127.0.0.1:$nbd_port/disk"
  fio --name=fill --ioengine=nbd --uri="$uri" --rw=write --bs=1m --iodepth=8 \
    --end_fsync=1 --output="$BTMP/fill.json" --output-format=json >/dev/null
  blog "gc $mode: filled ${size_mib} MiB, bucket $(($(store_bytes) >> 20)) MiB; ${secs}s of random ${bs} overwrites"
  : >"$BTMP/samples"
  (while :; do store_bytes >>"$BTMP/samples"; sleep 1; done) &
  sampler=$!
  fio --name=overwrite --ioengine=nbd --uri="$uri" --rw=randwrite --bs="$bs" \
    --iodepth="$iodepth" --time_based --runtime="$secs" --end_fsync=1 \
    --output="$BTMP/job.json" --output-format=json >/dev/null
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local end_bytes
  end_bytes=$(store_bytes)
  stop_pid "$ZEROFS_PID"
  python3 - "$BTMP/job.json" "$BTMP/samples" "$end_bytes" "$size_mib" "$secs" \
    "$BTMP/zerofs/zerofs.log" "$mode" >"$out" <<'PY'
import json, re, sys
job = json.load(open(sys.argv[1]))["jobs"][0]["write"]
samples = [int(x) for x in open(sys.argv[2]).read().split()]
end, size, secs, mode = int(sys.argv[3]), int(sys.argv[4]) << 20, float(sys.argv[5]), sys.argv[7]
print("RESULT write_rate %.1f MiB/s" % (job["bw_bytes"] / 2**20))
print("RESULT write_iops %.0f IOPS" % job["iops"])
print("RESULT amp_max %.2f x" % (max(samples + [end]) / size))
print("RESULT amp_end %.2f x" % (end / size))
deleted = 0.0
for line in open(sys.argv[6]):
    m = re.search(r"gc pass done .*deleted \d+ segments \(([0-9.]+) MiB\)", line)
    if m:
        deleted += float(m.group(1))
print("RESULT gc_deleted %.1f MiB" % deleted)
print("RESULT gc_reclaim_rate %.1f MiB/s" % (deleted / secs))
PY
  cat "$out"
}

run_mode off "$BTMP/off.out"
run_mode on "$BTMP/on.out"
echo
echo "GC over NBD: ${size_mib} MiB export, ${secs}s of random ${bs} overwrites at queue depth ${iodepth}, ${segment_mb} MiB segments"
awk '
  FNR == NR && $1 == "RESULT" { off[$2] = $3; unit[$2] = $4; order[n++] = $2; next }
  $1 == "RESULT" { on[$2] = $3 }
  END {
    printf "%-18s %12s %12s %-7s\n", "metric", "gc off", "gc on", "unit"
    for (i = 0; i < n; i++) { k = order[i]; printf "%-18s %12s %12s %-7s\n", k, off[k], on[k], unit[k] }
  }' "$BTMP/off.out" "$BTMP/on.out"
echo "(load average at end: $(cut -d' ' -f1-3 /proc/loadavg))"
