#!/usr/bin/env bash
# test-metrics.sh ZEROFS_BINARY
#
# Runs `zerofs run` with NFS and [servers.metrics] on a file:// store and
# checks, through the real endpoint:
#  - /metrics answers in the Prometheus text format with the object-store,
#    engine, cache and per-protocol series, and other paths get 404;
#  - the counters move with the work done (NFS operations, PUTs on flush);
#  - the disk cache tier: after a restart, a file read once is read again
#    after a second restart with no GET to the store (counted from the
#    metrics), while with the disk cache off the same read sends GETs.
# Needs libnfs-utils (nfs-cp, nfs-cat).
set -u
zerofs=${1:?usage: test-metrics.sh PATH_TO_ZEROFS}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zerofs-metrics.XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export ZEROFS_TEST_FAST_KDF=1

failed=0
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*" >&2
}
die() {
  echo "FAIL: $*" >&2
  [ -f "$tmp/zerofs.log" ] && tail -n 20 "$tmp/zerofs.log" >&2
  exit 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
nfs_port=$(free_port)
metrics_port=$(free_port)
nbd_port=$(free_port)
# libnfs needs a directory above the file: /.nbd, which the NBD server creates.
nfs_data="nfs://127.0.0.1/.nbd/data?version=3&nfsport=$nfs_port&mountport=$nfs_port"

# write_config DISK_GB
write_config() {
  cat >"$tmp/zerofs.toml" <<TOML
[storage]
url = "file://$tmp/store"
encryption_password = "metrics-test"

[cache]
dir = "$tmp/cache"
disk_size_gb = $1

[servers.nfs]
addresses = ["127.0.0.1:$nfs_port"]

[servers.nbd]
addresses = ["127.0.0.1:$nbd_port"]

[servers.metrics]
addresses = ["127.0.0.1:$metrics_port"]

[gc]
enabled = false
TOML
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
start() {
  "$zerofs" run -c "$tmp/zerofs.toml" >>"$tmp/zerofs.log" 2>&1 &
  pid=$!
  local i
  for i in $(seq 1 300); do
    port_open "$nfs_port" && port_open "$metrics_port" && return 0
    kill -0 "$pid" 2>/dev/null || die "zerofs exited at start"
    sleep 0.1
  done
  die "zerofs did not open its ports"
}
stop() {
  kill -TERM "$pid" && wait "$pid" || die "zerofs did not stop cleanly"
  pid=
}

# http PATH: the whole HTTP response (HTTP/1.0, bash /dev/tcp).
http() {
  exec 3<>"/dev/tcp/127.0.0.1/$metrics_port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$1" >&3
  cat <&3
  exec 3<&-
}
# metric SERIES: the value of one series in a fresh scrape (0 if absent).
metric() {
  http /metrics | awk -v s="$1" '$1 == s { v = $2 } END { print (v == "" ? 0 : v) }'
}
gets() { metric 'zerofs_objstore_requests_total{kind="get"}'; }

head -c $((6 << 20)) /dev/urandom >"$tmp/data"
want=$(sha256sum <"$tmp/data" | cut -d' ' -f1)
read_back() {
  rm -f "$tmp/back"
  nfs-cp "$nfs_data" "$tmp/back" >/dev/null 2>&1 || nfs-cat "$nfs_data" >"$tmp/back" 2>/dev/null
  [ "$(sha256sum <"$tmp/back" | cut -d' ' -f1)" = "$want" ]
}

# read_counting_gets WHAT: reads the file back; sets read_gets to the GETs
# the store saw meanwhile.
read_counting_gets() {
  local g0 g1
  g0=$(gets)
  read_back || fail "$1: read back differs"
  g1=$(gets)
  read_gets=$((g1 - g0))
  echo "$1: $read_gets GETs for the read"
}

# --- the endpoint -----------------------------------------------------
write_config 1
start
http /metrics >"$tmp/scrape" || die "no answer from /metrics"
head -n 1 "$tmp/scrape" | grep -q '^HTTP/1.1 200' || fail "/metrics did not answer 200"
grep -q '^Content-Type: text/plain; version=0.0.4' "$tmp/scrape" || fail "content type"
for series in zerofs_objstore_requests_total zerofs_objstore_request_seconds_bucket \
  zerofs_engine_commits_total zerofs_cache_hits_total zerofs_gc_passes_total \
  zerofs_fs_used_inodes zerofs_engine_flush_seconds_count zerofs_fs_write_buffer_bytes; do
  grep -q "^$series" "$tmp/scrape" || fail "no $series in the scrape"
done
http /other | head -n 1 | grep -q '^HTTP/1.1 404' || fail "/other did not answer 404"

puts0=$(metric 'zerofs_objstore_requests_total{kind="put"}')
sent0=$(metric zerofs_objstore_sent_bytes_total)
nfs-cp "$tmp/data" "$nfs_data" >/dev/null || die "nfs-cp to zerofs failed"
read_back || fail "read back over NFS differs"
# The periodic flush (every 5 s by default) uploads the new data.
for _ in $(seq 1 100); do
  [ "$(metric zerofs_objstore_sent_bytes_total)" -ge $((sent0 + (6 << 20))) ] && break
  sleep 0.2
done
puts1=$(metric 'zerofs_objstore_requests_total{kind="put"}')
sent1=$(metric zerofs_objstore_sent_bytes_total)
echo "PUTs $puts0 -> $puts1, bytes sent $sent0 -> $sent1"
[ "$puts1" -gt "$puts0" ] || fail "no PUT counted after writing 6 MiB"
[ "$sent1" -ge $((sent0 + (6 << 20))) ] || fail "less than the 6 MiB written counted as sent"
# Per-protocol series: the NFS WRITEs and READs of the copy and read-back.
[ "$(metric 'zerofs_protocol_ops_total{protocol="nfs",op="WRITE"}')" -gt 0 ] ||
  fail "no NFS WRITE counted"
[ "$(metric 'zerofs_protocol_ops_total{protocol="nfs",op="READ"}')" -gt 0 ] ||
  fail "no NFS READ counted"
[ "$(metric 'zerofs_protocol_written_bytes_total{protocol="nfs"}')" -eq $((6 << 20)) ] ||
  fail "NFS bytes written is not the 6 MiB copied"
[ "$(metric 'zerofs_protocol_read_bytes_total{protocol="nfs"}')" -ge $((6 << 20)) ] ||
  fail "NFS bytes read is less than the 6 MiB read back"
[ "$(metric 'zerofs_protocol_op_seconds_count{protocol="nfs",op="WRITE"}')" -eq \
  "$(metric 'zerofs_protocol_ops_total{protocol="nfs",op="WRITE"}')" ] ||
  fail "NFS WRITE latency count differs from the op count"
stop
start

# --- the disk tier: a warm restart reads without GETs ------------------
read_back || fail "read after restart differs"  # fills the disk tier
stop
start
read_counting_gets "warm disk cache"
[ "$read_gets" -eq 0 ] || fail "the read after a warm restart sent $read_gets GETs"
disk_hits=$(metric 'zerofs_cache_hits_total{tier="disk"}')
[ "${disk_hits%.*}" -gt 0 ] || fail "no disk cache hits counted"
stop

# Control: the same read with the disk cache off does send GETs (so the
# check above can fail).
write_config 0
start
read_counting_gets "no disk cache"
[ "$read_gets" -gt 0 ] || fail "the read without a disk cache sent no GETs"
stop

if [ "$failed" -ne 0 ]; then
  tail -n 20 "$tmp/zerofs.log" >&2
  echo "metrics: $failed check(s) failed" >&2
  exit 1
fi
echo "metrics: all checks passed"
