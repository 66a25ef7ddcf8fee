#!/usr/bin/env bash
# test-nbd-tools.sh ZEROFS_BINARY
#
# `zerofs run` serving NBD to the libnbd tools: nbdinfo lists the devices in
# /.nbd and shows their size and block sizes; nbdcopy writes random data over
# several connections (TCP and the Unix socket) and reads it back with the
# same checksum, also after the server restarts. Devices are created over
# NFS with nfs-cp. Exits 77 when a tool is missing.
set -u
zerofs=${1:?usage: test-nbd-tools.sh PATH_TO_ZEROFS}
. "$(dirname "$0")/nbd_test_lib.sh"
need nbdinfo nbdcopy nfs-cp python3 sha256sum truncate

start_server
make_device vol1 $((64 << 20))
make_device vol2 $((16 << 20))

nbdinfo --list "nbd://127.0.0.1:$nbd_port" >"$tmp/list" 2>&1
check "nbdinfo --list shows vol1" grep -q 'export="vol1"' "$tmp/list"
check "nbdinfo --list shows vol2" grep -q 'export="vol2"' "$tmp/list"

nbdinfo "nbd://127.0.0.1:$nbd_port/vol1" >"$tmp/info" 2>&1
check "vol1 is 64 MiB" grep -q 'export-size: 67108864' "$tmp/info"
check "minimum block size 1" grep -q 'block_size_minimum: 1$' "$tmp/info"
check "preferred block size 32 KiB" grep -q 'block_size_preferred: 32768$' "$tmp/info"
check "maximum block size 32 MiB" grep -q 'block_size_maximum: 33554432$' "$tmp/info"
check "multi-conn" grep -q 'can_multi_conn: true' "$tmp/info"
check "fast zero" grep -q 'can_fast_zero: true' "$tmp/info"

head -c $((64 << 20)) /dev/urandom >"$tmp/random"
want=$(sha256sum <"$tmp/random" | cut -d' ' -f1)
check "nbdcopy writes over 4 TCP connections" \
  nbdcopy --connections=4 --flush "$tmp/random" "nbd://127.0.0.1:$nbd_port/vol1"
nbdcopy --connections=4 "nbd://127.0.0.1:$nbd_port/vol1" "$tmp/back-tcp"
check "read back over TCP matches" test "$(sha256sum <"$tmp/back-tcp" | cut -d' ' -f1)" = "$want"
nbdcopy --connections=2 "nbd+unix:///vol1?socket=$nbd_sock" "$tmp/back-unix"
check "read back over the Unix socket matches" \
  test "$(sha256sum <"$tmp/back-unix" | cut -d' ' -f1)" = "$want"

stop_server
start_server
nbdcopy --connections=4 "nbd://127.0.0.1:$nbd_port/vol1" "$tmp/back-restart"
check "data survives a restart" \
  test "$(sha256sum <"$tmp/back-restart" | cut -d' ' -f1)" = "$want"
check "unknown export is refused" bash -c "! nbdinfo 'nbd://127.0.0.1:$nbd_port/nope' 2>/dev/null"

finish
