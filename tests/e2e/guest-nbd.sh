# Guest side of test-e2e-nbd.sh. NBD_PORT: zerofs's NBD port; the device file is
# created over 9P (FS_PROTO=ninep, FS_PORT) or NFS (FS_PROTO=nfs) as /.nbd/vol1.
# Checks: attach with nbd-client, mkfs.ext4, files written and verified after a
# re-attach, fstrim, fsck, detach. BIG_MIB (default 24) MiB of incompressible data are
# written, flushed and deleted before fstrim, so that the host can require the store
# to shrink by most of it once reclamation has run.

step "guest up: $(uname -r)"
case $FS_PROTO in
  ninep) mount_9p "$FS_PORT" /mnt/fs || die "mount -t 9p (port $FS_PORT) failed" ;;
  nfs) mount_nfs "$FS_PORT" /mnt/fs || die "mount -t nfs (port $FS_PORT) failed" ;;
  *) die "FS_PROTO must be ninep or nfs" ;;
esac
check "/.nbd exists on a new filesystem" test -d /mnt/fs/.nbd
check "create the device file" truncate -s 268435456 /mnt/fs/.nbd/vol1
check "device file size" test "$(stat -c %s /mnt/fs/.nbd/vol1)" = $((256 * 1024 * 1024))

attach_nbd "$NBD_PORT" vol1 /dev/nbd0 || die "nbd-client could not attach vol1"
check "device size is 256 MiB" test "$(cat /sys/block/nbd0/size)" = 524288
# Not nodiscard: mkfs discards the whole device first, which exercises TRIM.
check "mkfs.ext4" mkfs.ext4 -q -F -b 4096 -I 256 /dev/nbd0
mkdir -p /mnt/nbd
check "mount ext4" mount -t ext4 /dev/nbd0 /mnt/nbd
step "nbd: writing a tree on ext4"
check "tree_create" tree_create /mnt/nbd/tree
tree_manifest /mnt/nbd/tree > /tmp/nbd.before
check "umount ext4" umount /mnt/nbd
check "nbd-client -d" detach_nbd /dev/nbd0

step "nbd: re-attaching and verifying"
attach_nbd "$NBD_PORT" vol1 /dev/nbd0 || die "nbd-client could not re-attach vol1"
check "fsck.ext4 clean after re-attach" fsck.ext4 -f -n /dev/nbd0
check "mount ext4 again" mount -t ext4 /dev/nbd0 /mnt/nbd
tree_manifest /mnt/nbd/tree > /tmp/nbd.after
check "tree intact after re-attach" cmp /tmp/nbd.before /tmp/nbd.after
step "nbd: ${BIG_MIB:=24} MiB of random data, flushed, then deleted with the tree"
check "write the big file" dd if=/dev/urandom of=/mnt/nbd/big bs=1048576 count="$BIG_MIB" 2>/dev/null
# sync sends NBD FLUSH: the data is in the object store before it is trimmed.
sync
check "big file size" test "$(stat -c %s /mnt/nbd/big)" = $((BIG_MIB * 1048576))
rm -rf /mnt/nbd/tree /mnt/nbd/big
sync
check "fstrim" fstrim -v /mnt/nbd
check "umount ext4" umount /mnt/nbd
check "fsck.ext4 clean" fsck.ext4 -f -n /dev/nbd0
check "nbd-client -d" detach_nbd /dev/nbd0
check "device file still there" test "$(stat -c %s /mnt/fs/.nbd/vol1)" = $((256 * 1024 * 1024))
check "umount $FS_PROTO" umount /mnt/fs
finish
