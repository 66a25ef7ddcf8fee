#!/usr/bin/env bash
# NFSv3 benchmark: the same bench_nfs workload against `zerofs run` (file://
# store in a temp dir) and against nfs-ganesha (VFS backend) exporting a
# local directory on the same disk, one after the other, then a table of both.
# Usage: bench/nfs/run-nfs-bench.sh [bench_nfs options, e.g. --threads 8]
# Environment: BUILD (build dir, default build/), BENCH_KEEP=1 keeps the temp dir.
# Needs (Debian): nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-dev; root for ganesha.
set -euo pipefail
# shellcheck disable=SC2034  # read by peer-lib.sh
bench_name=nfs
source "$(dirname "$0")/../lib/peer-lib.sh"
BENCH_NFS=$BUILD/bench/nfs/bench_nfs
[ -x "$BENCH_NFS" ] || bfail "no $BENCH_NFS (ninja -C $BUILD bench_nfs zerofs)"
ganesha=$(PATH=/usr/sbin:/sbin:$PATH command -v ganesha.nfsd || true)
rpcbind=$(PATH=/usr/sbin:/sbin:$PATH command -v rpcbind || true)
[ -n "$ganesha" ] && [ -n "$rpcbind" ] ||
  bfail "needs nfs-ganesha, nfs-ganesha-vfs and rpcbind (apt-get install them)"
args=("$@")
blog "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- zerofs
port=$(free_port)
start_zerofs "[servers.nfs]
addresses = [\"127.0.0.1:$port\"]" "$port"
blog "bench_nfs against zerofs ${args[*]}"
"$BENCH_NFS" --url "nfs://127.0.0.1/?version=3&nfsport=$port&mountport=$port" "${args[@]}" |
  tee "$BTMP/zerofs.out"
stop_pid "$ZEROFS_PID"

# --- nfs-ganesha (needs rpcbind on port 111 to start)
if ! port_open 111; then
  "$rpcbind" -f -w >"$BTMP/rpcbind.log" 2>&1 &
  bench_pids+=($!)
  wait_port 111 10 $! || bfail "rpcbind did not start"
fi
gport=$(free_port)
mport=$(free_port)
export_dir=$BTMP/ganesha-export
mkdir -p "$export_dir"
cat >"$BTMP/ganesha.conf" <<GANESHA
NFS_CORE_PARAM {
  Protocols = 3;
  NFS_Port = $gport;
  MNT_Port = $mport;
  Bind_addr = 127.0.0.1;
  Enable_NLM = false;
  Enable_RQUOTA = false;
}
NFSV4 { Graceless = true; }
EXPORT {
  Export_Id = 1;
  Path = $export_dir;
  Pseudo = /export;
  Protocols = 3;
  Transports = TCP;
  Access_Type = RW;
  Squash = No_Root_Squash;
  SecType = sys;
  FSAL { Name = VFS; }
}
LOG { Default_Log_Level = WARN; }
GANESHA
"$ganesha" -F -L "$BTMP/ganesha.log" -f "$BTMP/ganesha.conf" -p "$BTMP/ganesha.pid" \
  >"$BTMP/ganesha.out" 2>&1 &
gpid=$!
bench_pids+=("$gpid")
{ wait_port "$gport" 30 "$gpid" && wait_port "$mport" 10 "$gpid"; } ||
  bfail "nfs-ganesha did not start: $(grep -v DBUS "$BTMP/ganesha.log" | tail -n 5)"
blog "bench_nfs against nfs-ganesha ${args[*]}"
"$BENCH_NFS" --url "nfs://127.0.0.1$export_dir?version=3&nfsport=$gport&mountport=$mport" \
  "${args[@]}" | tee "$BTMP/ganesha.out"
stop_pid "$gpid"

echo
print_table "$BTMP/zerofs.out" "$BTMP/ganesha.out" ganesha
