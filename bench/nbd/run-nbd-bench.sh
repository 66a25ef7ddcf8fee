#!/usr/bin/env bash
# NBD benchmark: fio --ioengine=nbd (libnbd) against `zerofs run` (export
# /.nbd/disk on a file:// store in a temp dir) and against nbdkit's file
# plugin serving a local file on the same disk, one after the other: 1 MiB
# sequential write/read and 4 KiB random write/read, each at queue depth 1
# and 32. The device is written in full before the timed jobs, and every
# read job follows two untimed sequential read passes, so the reads are of
# cached data (server memory or page cache). Before each timed job the
# script waits (up to 30 s) for the server to go idle, so background work
# left from the job before (zerofs's disk cache writer) is not timed.
# Usage: bench/nbd/run-nbd-bench.sh [SECONDS_PER_JOB (default 10)] [SIZE_MIB (default 256)]
# Environment: BUILD (build dir, default build/), BENCH_KEEP=1 keeps the temp dir,
# BENCH_JOBS=NAME[,NAME...] runs only those jobs (e.g. read_4k_rand_cached).
# Each job also prints the server's CPU time per request (user+system of the
# server process over the job, divided by its requests): on a shared machine
# that moves less with the load than IOPS do.
# Needs (Debian): fio nbdkit libnfs-dev (bench_nfs creates the export file).
set -euo pipefail
# shellcheck disable=SC2034  # read by peer-lib.sh
bench_name=nbd
source "$(dirname "$0")/../lib/peer-lib.sh"
secs=${1:-10}
size_mib=${2:-256}
BENCH_NFS=$BUILD/bench/nfs/bench_nfs
[ -x "$BENCH_NFS" ] || bfail "no $BENCH_NFS (ninja -C $BUILD bench_nfs zerofs)"
command -v fio >/dev/null && command -v nbdkit >/dev/null || bfail "needs fio and nbdkit"
blog "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# cpu_ticks PID: user+system clock ticks the process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# wait_idle PID: until the process used under 5% of a core for a second (at
# most 30 s), so that work left from the job before (zerofs's disk cache
# writer fills its cache for a few seconds after the warm-up reads) does not
# land in the timed job.
wait_idle() {
  local _ a b hz
  hz=$(getconf CLK_TCK)
  for _ in $(seq 1 30); do
    a=$(cpu_ticks "$1")
    sleep 1
    b=$(cpu_ticks "$1")
    [ $(((b - a) * 20)) -lt "$hz" ] && return 0
  done
  blog "server still busy after 30 s; timing anyway"
}

# run_jobs URI OUT PID: the fio jobs against one server (process PID);
# RESULT lines to OUT.
run_jobs() {
  local uri=$1 out=$2 pid=$3 name rw bs qd t0 c0 t1 c1
  : >"$out"
  fio --name=fill --ioengine=nbd --uri="$uri" --rw=write --bs=1m --iodepth=8 \
    --output="$BTMP/fill.json" --output-format=json >/dev/null
  for job in write_1m_seq:write:1m read_1m_seq_cached:read:1m \
    write_4k_rand:randwrite:4k read_4k_rand_cached:randread:4k; do
    IFS=: read -r name rw bs <<<"$job"
    if [ -n "${BENCH_JOBS:-}" ] && [[ ",$BENCH_JOBS," != *",$name,"* ]]; then continue; fi
    for qd in 1 32; do
      # Cached reads mean cached: two untimed sequential passes first. The
      # writes before displaced the data, and zerofs's S3-FIFO memory cache
      # keeps a frame beyond its small queue only once it is read again.
      if [ "$rw" != "${rw#*read}" ]; then
        for pass in 1 2; do
          fio --name=warm$pass --ioengine=nbd --uri="$uri" --rw=read --bs=1m --iodepth=8 \
            --output="$BTMP/warm.json" --output-format=json >/dev/null
        done
      fi
      wait_idle "$pid"
      t0=$(date +%s.%N)
      c0=$(cpu_ticks "$pid")
      fio --name="$name" --ioengine=nbd --uri="$uri" --rw="$rw" --bs="$bs" --iodepth="$qd" \
        --time_based --runtime="$secs" --ramp_time=1 \
        --output="$BTMP/job.json" --output-format=json >/dev/null
      c1=$(cpu_ticks "$pid")
      t1=$(date +%s.%N)
      python3 - "$BTMP/job.json" "${name}_qd$qd" "$bs" "$((c1 - c0))" "$t0" "$t1" \
        "$(getconf CLK_TCK)" >>"$out" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
d = job["read"] if job["read"]["io_bytes"] else job["write"]
if sys.argv[3] == "1m":
    print("RESULT %s %.1f MiB/s" % (sys.argv[2], d["bw_bytes"] / 2**20))
else:
    print("RESULT %s %.0f IOPS" % (sys.argv[2], d["iops"]))
# Server CPU per request: CPU over the whole fio run (ramp included) at the
# measured request rate.
cpu_s = int(sys.argv[4]) / int(sys.argv[7])
wall = float(sys.argv[6]) - float(sys.argv[5])
rate = d["iops"]
if rate > 0 and wall > 0:
    print("RESULT %s_cpu %.1f us/req" % (sys.argv[2], cpu_s / wall / rate * 1e6))
PY
      tail -n 2 "$out"
    done
  done
}

# --- zerofs: the export is /.nbd/disk, created over NFS.
nfs_port=$(free_port)
nbd_port=$(free_port)
start_zerofs "[servers.nfs]
addresses = [\"127.0.0.1:$nfs_port\"]

[servers.nbd]
addresses = [\"127.0.0.1:$nbd_port\"]" "$nfs_port" "$nbd_port"
"$BENCH_NFS" --url "nfs://127.0.0.1/?version=3&nfsport=$nfs_port&mountport=$nfs_port" \
  --mkfile /.nbd/disk $((size_mib << 20))
blog "fio against zerofs (${size_mib} MiB export, ${secs}s per job)"
run_jobs "nbd://127.0.0.1:$nbd_port/disk" "$BTMP/zerofs.out" "$ZEROFS_PID"
stop_pid "$ZEROFS_PID"

# --- nbdkit, file plugin on a local file of the same size.
truncate -s $((size_mib << 20)) "$BTMP/nbdkit.img"
kport=$(free_port)
nbdkit -f -i 127.0.0.1 -p "$kport" file "$BTMP/nbdkit.img" >"$BTMP/nbdkit.log" 2>&1 &
kpid=$!
bench_pids+=("$kpid")
wait_port "$kport" 10 "$kpid" || bfail "nbdkit did not start: $(cat "$BTMP/nbdkit.log")"
blog "fio against nbdkit (file plugin)"
run_jobs "nbd://127.0.0.1:$kport/" "$BTMP/nbdkit.out" "$kpid"
stop_pid "$kpid"

echo
print_table "$BTMP/zerofs.out" "$BTMP/nbdkit.out" nbdkit
