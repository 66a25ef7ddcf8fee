#!/usr/bin/env bash
# test-nbd-ext4.sh ZEROFS_BINARY
#
# An ext4 filesystem on a ZeroFS block device: nbdfuse exposes /.nbd/disk as
# a file, mkfs.ext4 formats it with a file tree (-d, so no mount is needed),
# the server is restarted, and fsck.ext4 -f must report a clean filesystem
# whose files (read back with debugfs) are intact. Exits 77 when a tool or
# /dev/fuse is missing.
set -u
zerofs=${1:?usage: test-nbd-ext4.sh PATH_TO_ZEROFS}
. "$(dirname "$0")/nbd_test_lib.sh"
need nbdfuse fusermount3 mkfs.ext4 fsck.ext4 debugfs nfs-cp python3 sha256sum truncate
[ -e /dev/fuse ] || { echo "SKIP: no /dev/fuse" >&2; exit 77; }

# A small tree: nested directories, an empty file, a large random file.
tree="$tmp/tree"
mkdir -p "$tree/a/b/c" "$tree/empty-dir"
head -c $((5 << 20)) /dev/urandom >"$tree/a/big.bin"
for i in $(seq 1 50); do echo "file $i" >"$tree/a/b/c/f$i.txt"; done
: >"$tree/empty"
(cd "$tree" && find . -type f -exec sha256sum {} + | sort -k2) >"$tmp/want.sums"

fuse_dir="$tmp/fuse"
mkdir -p "$fuse_dir"
attach() {  # exposes /.nbd/disk as $fuse_dir/nbd
  nbdfuse "$fuse_dir" "nbd://127.0.0.1:$nbd_port/disk" &
  fuse_pid=$!
  for _ in $(seq 1 100); do [ -e "$fuse_dir/nbd" ] && return 0; sleep 0.1; done
  echo "FAIL: nbdfuse did not attach" >&2
  exit 1
}
detach() {
  fusermount3 -u "$fuse_dir"
  wait "$fuse_pid"  # not a bare wait: the server is a background job too
}

start_server
make_device disk $((128 << 20))
attach
check "mkfs.ext4 -d formats the device with the tree" \
  mkfs.ext4 -q -F -d "$tree" "$fuse_dir/nbd"
sync "$fuse_dir/nbd"
detach

stop_server
start_server
attach
check "fsck.ext4 -f finds a clean filesystem after the restart" \
  fsck.ext4 -f -n "$fuse_dir/nbd"
out="$tmp/out"
mkdir -p "$out"
debugfs -R "rdump / $out" "$fuse_dir/nbd" >/dev/null 2>&1
(cd "$out" && find . -type f -exec sha256sum {} + | grep -v './lost+found' | sort -k2) \
  >"$tmp/got.sums"
check "every file is intact" cmp -s "$tmp/want.sums" "$tmp/got.sums"
detach

finish
