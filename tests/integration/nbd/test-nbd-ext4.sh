#!/usr/bin/env bash
# test-nbd-ext4.sh ZEROFS_BINARY
#
# An ext4 filesystem on a ZeroFS block device: nbdfuse exposes /.nbd/disk as
# a file, a loop device on that file is formatted with mkfs.ext4 and mounted,
# a file tree is copied in, everything is unmounted and detached, the server
# is restarted, and fsck.ext4 -f must report a clean filesystem whose files
# are intact. Without loop devices (no root, no /dev/loop-control) the tree
# goes in with mkfs.ext4 -d on the nbdfuse file and is read back with
# debugfs. Exits 77 when a tool or /dev/fuse is missing.
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
sums() { (cd "$1" && find . -type f -exec sha256sum {} + | grep -v './lost+found' | sort -k2); }
sums "$tree" >"$tmp/want.sums"

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
loop_attach() {  # sets loop_dev to a loop device on the nbdfuse file
  loop_dev=$(losetup -f --show "$fuse_dir/nbd") || { echo "FAIL: losetup" >&2; exit 1; }
}
loop_detach() {
  losetup -d "$loop_dev"
  loop_dev=
}

use_loop=0
if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null && [ -e /dev/loop-control ]; then
  use_loop=1
else
  echo "note: no loop devices here; using mkfs.ext4 -d and debugfs instead" >&2
fi

start_server
make_device disk $((128 << 20))
attach
ext4_mnt="$tmp/mnt"
mkdir -p "$ext4_mnt"
if [ $use_loop = 1 ]; then
  loop_attach
  check "mkfs.ext4 on a loop device over nbdfuse" mkfs.ext4 -q -F "$loop_dev"
  check "mount ext4" mount -t ext4 "$loop_dev" "$ext4_mnt"
  check "copy the tree in" cp -a "$tree/." "$ext4_mnt/"
  check "umount ext4" umount "$ext4_mnt"
  loop_detach
else
  check "mkfs.ext4 -d formats the device with the tree" \
    mkfs.ext4 -q -F -d "$tree" "$fuse_dir/nbd"
fi
sync "$fuse_dir/nbd"
detach

stop_server
start_server
attach
check "fsck.ext4 -f finds a clean filesystem after the restart" \
  fsck.ext4 -f -n "$fuse_dir/nbd"
if [ $use_loop = 1 ]; then
  loop_attach
  check "mount ext4 after the restart" mount -t ext4 -o ro "$loop_dev" "$ext4_mnt"
  sums "$ext4_mnt" >"$tmp/got.sums"
  umount "$ext4_mnt"
  loop_detach
else
  out="$tmp/out"
  mkdir -p "$out"
  debugfs -R "rdump / $out" "$fuse_dir/nbd" >/dev/null 2>&1
  sums "$out" >"$tmp/got.sums"
fi
check "every file is intact" cmp -s "$tmp/want.sums" "$tmp/got.sums"
detach

finish
