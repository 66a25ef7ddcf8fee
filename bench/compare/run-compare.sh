#!/usr/bin/env bash
# Issue 9's comparison: bench_dir (bench/dir) on ZeroFS and on the S3 file
# systems people use instead, all against one local S3 server made to look
# remote, in one run on one machine; then one table of ops/s and ratios, and
# whether the issue's targets are met.
#
#   radosgw (tests/integration/s3/start-rgw.sh)  <-  latency_proxy.py (+DELAY_MS
#   per request)  <-  zerofs run (s3://) / s3fs / rclone
#
# Systems, in this order (SYSTEMS picks a subset):
#   zerofs      `zerofs run` on s3:// through the proxy, 9P, `zerofs mount -f`
#   zerofs-nfs  the same through the kernel NFSv3 client, if this host can
#               mount NFS (containers often cannot: then it says so and skips)
#   s3fs        Debian s3fs on its own bucket, local cache dir (use_cache)
#   rclone      Debian rclone mount, --vfs-cache-mode full
#   local       a directory on the local disk: the ceiling
#
# Usage: bench/compare/run-compare.sh [bench_dir options for every system]
#   (default --scale 0.4: 0.4x bench_dir's full sizes, ~5-8 min in all;
#   --quick is 0.1x, ~3 min; `--scale 1` the full sizes)
# Environment:
#   DELAY_MS=20          added to every request the S3 clients send
#   SYSTEMS="zerofs zerofs-nfs s3fs rclone local"
#   MAX_SECS=60          bench_dir --max-secs for every system (a safety cap)
#   S3FS_OPTS="--quick --scale 0.2 --max-secs 15"   added last for s3fs only
#                        (the last --scale wins): it needs ~0.3-0.5 s per
#                        small-file operation at 20 ms latency; figures are
#                        ops/s, so fewer ops still compare fairly
#   MOUNT_OPTS           extra `zerofs mount -o` options
#   SYSTEM_TIMEOUT=900   seconds one system's bench_dir may take in all
#   BUILD, ZEROFS, BENCH_DIR (binaries), BENCH_KEEP=1 (keep logs) as in
#   bench/lib/peer-lib.sh.
# Needs: root, /dev/fuse, fuse3, radosgw + ceph-mon + ceph-osd, s3fs, rclone,
# python3, curl (scripts/install-deps.sh --bench);
# `ninja -C build zerofs bench_dir`. Every server and mount it starts is
# stopped on exit.
set -euo pipefail
# shellcheck disable=SC2034  # read by peer-lib.sh
bench_name=compare
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/peer-lib.sh
source "$here/../lib/peer-lib.sh"
RGW_DIR=$BENCH_ROOT/tests/integration/s3
BENCH_DIR=${BENCH_DIR:-$BUILD/bench/dir/bench_dir}
DELAY_MS=${DELAY_MS:-20}
SYSTEMS=${SYSTEMS:-zerofs zerofs-nfs s3fs rclone local}
MAX_SECS=${MAX_SECS:-60}
S3FS_OPTS=${S3FS_OPTS:---quick --scale 0.2 --max-secs 15}
SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-900}
[ $# -gt 0 ] || set -- --scale 0.4
COMMON_OPTS=("$@" --max-secs "$MAX_SECS")

want() { [[ " $SYSTEMS " == *" $1 "* ]]; }
[ "$(id -u)" = 0 ] || bfail "run as root (FUSE and NFS mounts)"
[ -x "$BENCH_DIR" ] || bfail "no bench_dir at $BENCH_DIR (ninja -C $BUILD bench_dir zerofs)"
need() { command -v "$1" >/dev/null || bfail "needs $1 ($2; scripts/install-deps.sh --bench)"; }
need python3 "Debian python3"
need curl "Debian curl"
if want zerofs || want zerofs-nfs; then
  [ -x "$ZEROFS" ] || bfail "no zerofs at $ZEROFS (ninja -C $BUILD zerofs, or set ZEROFS=)"
fi
if want zerofs || want s3fs || want rclone; then need fusermount3 "Debian fuse3"; fi
want s3fs && need s3fs "Debian s3fs"
want rclone && need rclone "Debian rclone"

# --- cleanup: mounts first (a FUSE daemon killed under a mount leaves it
# dead), then every process still running, then radosgw, then the temp dir.
mounts=()
S3_TEST_DIR=
# shellcheck disable=SC2317  # runs from the EXIT trap
compare_cleanup() {
  local m
  for m in "${mounts[@]}"; do
    if mountpoint -q "$m" 2>/dev/null; then
      case "$(awk -v m="$m" '$2 == m {print $3}' /proc/mounts)" in
        nfs*) umount -f -l "$m" 2>/dev/null || true ;;
        *) fusermount3 -u -z "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true ;;
      esac
    fi
  done
  # Newest first: a zerofs still running flushes through the proxy and
  # radosgw, which must outlive it; 20 s each at most, then SIGKILL.
  local i p _
  for ((i = ${#bench_pids[@]} - 1; i >= 0; i--)); do
    p=${bench_pids[i]}
    kill -TERM "$p" 2>/dev/null || continue
    for _ in $(seq 1 200); do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null || true
  done
  if [ -n "$S3_TEST_DIR" ]; then "$RGW_DIR/stop-rgw.sh" "$S3_TEST_DIR" >/dev/null 2>&1 || true; fi
  bench_cleanup
}
trap compare_cleanup EXIT

# unmount_and_stop MOUNTPOINT PID...: a clean unmount (so the daemon writes
# back what it holds), then SIGTERM and wait for each PID.
unmount_and_stop() {
  local mnt=$1 p
  shift
  if mountpoint -q "$mnt" 2>/dev/null; then
    if awk -v m="$mnt" '$2 == m && $3 ~ /^nfs/ {f=1} END {exit !f}' /proc/mounts; then
      umount "$mnt" 2>/dev/null || umount -f -l "$mnt" 2>/dev/null || true
    else
      fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -u -z "$mnt" 2>/dev/null || true
    fi
  fi
  for p in "$@"; do stop_pid "$p"; done
}

# wait_mount MOUNTPOINT FSTYPE_PREFIX PID LOG: until MOUNTPOINT is a mount of
# that type; fails naming the daemon if it exits or 30 s pass.
wait_mount() {
  local _
  for _ in $(seq 1 300); do
    awk -v m="$1" -v t="$2" '$2 == m && index($3, t) == 1 {f=1} END {exit !f}' /proc/mounts &&
      return 0
    kill -0 "$3" 2>/dev/null || {
      echo "exited: $(tail -n 5 "$4" | tr '\n' ' ')"
      return 1
    }
    sleep 0.1
  done
  echo "not mounted after 30 s: $(tail -n 5 "$4" | tr '\n' ' ')"
  return 1
}

blog "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
t_start=$(date +%s)

# --- S3: radosgw, then the latency proxy in front of it ---
if want zerofs || want zerofs-nfs || want s3fs || want rclone; then
  blog "starting radosgw ($RGW_DIR/start-rgw.sh, ~15 s)"
  rc=0
  TMPDIR=$BTMP "$RGW_DIR/start-rgw.sh" >"$BTMP/rgw.env" 2>"$BTMP/rgw.log" || rc=$?
  if [ "$rc" != 0 ]; then
    S3_TEST_DIR=$(sed -n 's/^start-rgw: cluster in \([^ ]*\).*/\1/p' "$BTMP/rgw.log")
    [ "$rc" = 77 ] && bfail "radosgw: Ceph packages missing (scripts/install-deps.sh)"
    bfail "radosgw did not start: $(tail -n 5 "$BTMP/rgw.log" | tr '\n' ' ')"
  fi
  # shellcheck disable=SC1091
  source "$BTMP/rgw.env"
  rgw_hostport=${S3_TEST_ENDPOINT#http://}

  proxy_port=$(free_port)
  python3 "$here/latency_proxy.py" "$proxy_port" "$rgw_hostport" "$DELAY_MS" \
    >"$BTMP/proxy.log" 2>&1 &
  PROXY_PID=$!
  bench_pids+=("$PROXY_PID")
  wait_port "$proxy_port" 10 "$PROXY_PID" ||
    bfail "latency proxy did not start: $(tail -n 5 "$BTMP/proxy.log")"
  PROXY_URL=http://127.0.0.1:$proxy_port
  blog "radosgw at $S3_TEST_ENDPOINT, clients use $PROXY_URL (+$DELAY_MS ms per request)"
fi

# make_bucket NAME: directly on radosgw (setup, no added latency).
make_bucket() {
  local status
  status=$(curl -s -o "$BTMP/bucket-$1.xml" -w '%{http_code}' -X PUT \
    --aws-sigv4 "aws:amz:$S3_TEST_REGION:s3" --user "$S3_TEST_ACCESS_KEY:$S3_TEST_SECRET_KEY" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$S3_TEST_ENDPOINT/$1") || true
  [ "$status" = 200 ] || {
    echo "creating bucket $1 on radosgw answered HTTP $status: $(cat "$BTMP/bucket-$1.xml")"
    return 1
  }
}

# --- one system: bench_dir on MOUNTPOINT, results in $BTMP/SYSTEM.csv ---
declare -A status_of secs_of
run_bench() {
  local sys=$1 mnt=$2
  shift 2
  local t0 rc=0
  t0=$(date +%s)
  blog "$sys: bench_dir $mnt $* (load $(cut -d' ' -f1 /proc/loadavg))"
  timeout -k 10 "$SYSTEM_TIMEOUT" "$BENCH_DIR" "$mnt" --csv "$@" >"$BTMP/$sys.csv" \
    2>"$BTMP/$sys.bench.log" &
  local pid=$!
  bench_pids+=("$pid")
  wait "$pid" || rc=$?
  secs_of[$sys]=$(($(date +%s) - t0))
  grep '^RESULT' "$BTMP/$sys.csv" | awk -F, '{printf "  %-14s %10s ops/s  %s\n", $2, $5, $10}' >&2
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    status_of[$sys]="bench_dir stopped after SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT}s"
  elif [ "$rc" != 0 ]; then
    status_of[$sys]="bench_dir exit $rc (a workload failed: see its note) $(tail -n 2 "$BTMP/$sys.bench.log" | tr '\n' ' ')"
  else
    status_of[$sys]=ok
  fi
}

skip() {
  status_of[$1]=$2
  blog "$1: $2"
}

# zerofs_start NAME BUCKET SERVERS_TOML PORT: `zerofs run` on s3://BUCKET
# through the proxy, files in $BTMP/NAME; sets ZPID once PORT accepts
# connections, else $err. Not in a subshell: ZPID and bench_pids must stay.
zerofs_start() {
  local bucket=$2 servers=$3 port=$4 d=$BTMP/$1
  mkdir -p "$d/cache"
  cat >"$d/zerofs.toml" <<TOML
[storage]
url = "s3://$bucket"
encryption_password = "bench-password"

[cache]
dir = "$d/cache"

[aws]
access_key_id = "$S3_TEST_ACCESS_KEY"
secret_access_key = "$S3_TEST_SECRET_KEY"
endpoint = "$PROXY_URL"
default_region = "$S3_TEST_REGION"
allow_http = true

$servers
TOML
  "$ZEROFS" run -c "$d/zerofs.toml" >"$d/zerofs.log" 2>&1 &
  ZPID=$!
  bench_pids+=("$ZPID")
  wait_port "$port" 60 "$ZPID" || {
    err="zerofs run did not open port $port: $(tail -n 5 "$d/zerofs.log" | tr '\n' ' ')"
    return 1
  }
}

# --- 1. zerofs mount (9P) ---
if want zerofs; then
  if err=$(make_bucket zerofs-9p); then
    port=$(free_port)
    if zerofs_start zerofs zerofs-9p "[servers.ninep]
addresses = [\"127.0.0.1:$port\"]" "$port"; then
      mnt=$BTMP/zerofs.mnt
      mkdir -p "$mnt"
      mounts+=("$mnt")
      "$ZEROFS" mount -f ${MOUNT_OPTS:+-o "$MOUNT_OPTS"} "127.0.0.1:$port" "$mnt" \
        >"$BTMP/zerofs.mount.log" 2>&1 &
      MPID=$!
      bench_pids+=("$MPID")
      if err=$(wait_mount "$mnt" fuse "$MPID" "$BTMP/zerofs.mount.log"); then
        run_bench zerofs "$mnt" "${COMMON_OPTS[@]}"
      else
        skip zerofs "FAILED: zerofs mount $err"
      fi
      unmount_and_stop "$mnt" "$MPID" "$ZPID"
    else
      skip zerofs "FAILED: $err"
    fi
  else
    skip zerofs "FAILED: $err"
  fi
fi

# --- 2. zerofs through the kernel NFS client ---
if want zerofs-nfs; then
  if err=$(make_bucket zerofs-nfs); then
    port=$(free_port)
    if zerofs_start zerofs-nfs zerofs-nfs "[servers.nfs]
addresses = [\"127.0.0.1:$port\"]" "$port"; then
      mnt=$BTMP/zerofs-nfs.mnt
      mkdir -p "$mnt"
      mounts+=("$mnt")
      if timeout 30 mount -t nfs -o "vers=3,proto=tcp,port=$port,mountport=$port,mountproto=tcp,nolock" \
        "127.0.0.1:/" "$mnt" >"$BTMP/zerofs-nfs.mount.log" 2>&1; then
        run_bench zerofs-nfs "$mnt" "${COMMON_OPTS[@]}"
      else
        echo "kernel NFS: not available here ($(tr '\n' ' ' <"$BTMP/zerofs-nfs.mount.log"))"
        skip zerofs-nfs "kernel NFS: not available here"
      fi
      unmount_and_stop "$mnt" "$ZPID"
    else
      skip zerofs-nfs "FAILED: $err"
    fi
  else
    skip zerofs-nfs "FAILED: $err"
  fi
fi

# The peers are configured through files and their own variables only;
# AWS_* from the caller's environment (e.g. AWS_CA_BUNDLE, which makes
# rclone refuse a plain-HTTP transport) must not leak into them.
peer_env=(env -u AWS_CA_BUNDLE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY
  -u AWS_SESSION_TOKEN -u AWS_PROFILE -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_S3)

# --- 3. s3fs ---
if want s3fs; then
  if err=$(make_bucket s3fs); then
    mnt=$BTMP/s3fs.mnt
    mkdir -p "$mnt" "$BTMP/s3fs.cache"
    mounts+=("$mnt")
    echo "$S3_TEST_ACCESS_KEY:$S3_TEST_SECRET_KEY" >"$BTMP/s3fs.passwd"
    chmod 600 "$BTMP/s3fs.passwd"
    "${peer_env[@]}" s3fs s3fs "$mnt" -f -o "passwd_file=$BTMP/s3fs.passwd,url=$PROXY_URL" \
      -o "use_path_request_style,endpoint=$S3_TEST_REGION,use_cache=$BTMP/s3fs.cache" \
      >"$BTMP/s3fs.mount.log" 2>&1 &
    SPID=$!
    bench_pids+=("$SPID")
    if err=$(wait_mount "$mnt" fuse.s3fs "$SPID" "$BTMP/s3fs.mount.log"); then
      # shellcheck disable=SC2086  # S3FS_OPTS is a list of options
      run_bench s3fs "$mnt" "${COMMON_OPTS[@]}" $S3FS_OPTS
    else
      skip s3fs "FAILED: s3fs $err"
    fi
    unmount_and_stop "$mnt" "$SPID"
  else
    skip s3fs "FAILED: $err"
  fi
fi

# --- 4. rclone mount, full VFS cache ---
if want rclone; then
  if err=$(make_bucket rclone); then
    mnt=$BTMP/rclone.mnt
    mkdir -p "$mnt" "$BTMP/rclone.cache"
    mounts+=("$mnt")
    "${peer_env[@]}" RCLONE_CONFIG=/dev/null RCLONE_CONFIG_RGW_TYPE=s3 \
      RCLONE_CONFIG_RGW_PROVIDER=Ceph RCLONE_CONFIG_RGW_ENDPOINT="$PROXY_URL" \
      RCLONE_CONFIG_RGW_ACCESS_KEY_ID="$S3_TEST_ACCESS_KEY" \
      RCLONE_CONFIG_RGW_SECRET_ACCESS_KEY="$S3_TEST_SECRET_KEY" \
      RCLONE_CONFIG_RGW_REGION="$S3_TEST_REGION" RCLONE_CONFIG_RGW_FORCE_PATH_STYLE=true \
      rclone mount rgw:rclone "$mnt" --vfs-cache-mode full --cache-dir "$BTMP/rclone.cache" \
      >"$BTMP/rclone.mount.log" 2>&1 &
    RPID=$!
    bench_pids+=("$RPID")
    if err=$(wait_mount "$mnt" fuse.rclone "$RPID" "$BTMP/rclone.mount.log"); then
      run_bench rclone "$mnt" "${COMMON_OPTS[@]}"
    else
      skip rclone "FAILED: rclone mount $err"
    fi
    unmount_and_stop "$mnt" "$RPID"
  else
    skip rclone "FAILED: $err"
  fi
fi

# --- 5. the local disk ---
if want local; then
  mkdir -p "$BTMP/local"
  blog "local: $(df -T "$BTMP/local" | awk 'NR == 2 {print $1 " (" $2 ")"}')"
  run_bench local "$BTMP/local" "${COMMON_OPTS[@]}"
fi

# --- the table ---
order=(zerofs zerofs-nfs s3fs rclone local)
files=()
for s in "${order[@]}"; do
  if [ -s "$BTMP/$s.csv" ]; then files+=("$s=$BTMP/$s.csv"); fi
done
echo
echo "bench_dir ${COMMON_OPTS[*]} (s3fs also: $S3FS_OPTS); ops/s, higher is better;"
echo "S3 = radosgw on 127.0.0.1 + $DELAY_MS ms per request; zerofs = zerofs mount (9P)"
awk -F, -v files="${files[*]}" -f "$here/table.awk" /dev/null | tee "$BTMP/table.txt"

echo
echo "Per system (wall time of bench_dir incl. its untimed setup and cleanup):"
rc=0
for s in "${order[@]}"; do
  want "$s" || continue
  echo "  $s: ${status_of[$s]:-not run}${secs_of[$s]:+ (${secs_of[$s]} s)}"
  case "${status_of[$s]:-}" in ok | "kernel NFS: not available here") ;; *) rc=1 ;; esac
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); total $(($(date +%s) - t_start)) s"
exit "$rc"
