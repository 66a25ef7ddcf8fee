#!/usr/bin/env bash
# NFSv3 benchmark: the same bench_nfs workload against `zerofs run` (file://
# store in a temp dir) and against nfs-ganesha (VFS backend) exporting a
# local directory on the same disk, one after the other, then a table of both.
# Usage: bench/nfs/run-nfs-bench.sh [bench_nfs options, e.g. --threads 8]
# Environment: BUILD (build dir, default build/), BENCH_KEEP=1 keeps the temp dir,
# ROUNDS=N (default 1) runs the zerofs/ganesha pair N times, alternating, and
# tables the median of each metric (on a shared machine the load changes
# between the two servers' turns; alternating rounds evens that out).
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

rounds=${ROUNDS:-1}

# --- zerofs
# Every round starts from an empty store / export directory.
run_zerofs() { # ROUND
  rm -rf "$BTMP/zerofs"
  port=$(free_port)
  start_zerofs "[servers.nfs]
addresses = [\"127.0.0.1:$port\"]" "$port"
  blog "bench_nfs against zerofs (round $1) ${args[*]}"
  "$BENCH_NFS" --url "nfs://127.0.0.1/?version=3&nfsport=$port&mountport=$port" "${args[@]}" \
    --dir "bench$1" | tee -a "$BTMP/zerofs.out"
  stop_pid "$ZEROFS_PID"
}

# --- nfs-ganesha (needs rpcbind on port 111 to start)
if ! port_open 111; then
  "$rpcbind" -f -w >"$BTMP/rpcbind.log" 2>&1 &
  bench_pids+=($!)
  wait_port 111 10 $! || bfail "rpcbind did not start"
fi
run_ganesha() { # ROUND
  gport=$(free_port)
  mport=$(free_port)
  export_dir=$BTMP/ganesha-export
  rm -rf "$export_dir"
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
    >"$BTMP/ganesha.stdout" 2>&1 &
  gpid=$!
  bench_pids+=("$gpid")
  { wait_port "$gport" 30 "$gpid" && wait_port "$mport" 10 "$gpid"; } ||
    bfail "nfs-ganesha did not start: $(grep -v DBUS "$BTMP/ganesha.log" | tail -n 5)"
  blog "bench_nfs against nfs-ganesha (round $1) ${args[*]}"
  "$BENCH_NFS" --url "nfs://127.0.0.1$export_dir?version=3&nfsport=$gport&mountport=$mport" \
    "${args[@]}" --dir "bench$1" | tee -a "$BTMP/ganesha.out"
  stop_pid "$gpid"
}

for round in $(seq 1 "$rounds"); do
  run_zerofs "$round"
  run_ganesha "$round"
done

# Median of each metric over the rounds (the lower middle for an even count).
median() {
  awk '$1 == "RESULT" { v[$2] = v[$2] " " $3; unit[$2] = $4; if (!($2 in seen)) { seen[$2]; order[n++] = $2 } }
    END {
      for (i = 0; i < n; i++) {
        k = order[i]; m = split(v[k], a, " ")
        for (x = 1; x <= m; x++) for (y = x + 1; y <= m; y++) if (a[y] + 0 < a[x] + 0) { t = a[x]; a[x] = a[y]; a[y] = t }
        print "RESULT", k, a[int((m + 1) / 2)], unit[k]
      }
    }' "$1"
}
median "$BTMP/zerofs.out" >"$BTMP/zerofs.median"
median "$BTMP/ganesha.out" >"$BTMP/ganesha.median"

echo
[ "$rounds" -gt 1 ] && echo "(median of $rounds rounds)"
print_table "$BTMP/zerofs.median" "$BTMP/ganesha.median" ganesha
