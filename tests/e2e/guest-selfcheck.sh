# Guest side of test-e2e-selfcheck.sh: the harness against peer servers on the host.
# NBD_PORT: nbdkit memory 256M; NINEP_PORT/E2E_9P_ANAME: diod; NFS_PORT/NFS_MOUNTPORT/
# E2E_NFS_EXPORT: nfs-ganesha (optional; conformance reported only, and only with
# RUN_PEER_CONFORMANCE=1); RUN_CONFORMANCE=1 to
# also run the conformance suite on the ext4 filesystem on the NBD device (the suite
# must pass on ext4; this proves it runs in the guest). It is not run on diod, which
# refuses attaches for uids without a host account (the suite's users 1001/1002).

step "guest up: $(uname -r), $(nproc) cpu, $(awk '/MemTotal/ {print $2}' /proc/meminfo) KiB"
check "eth0 has 10.0.2.15" sh -c 'ip addr show eth0 | grep -q 10.0.2.15'
check "/dev/nbd0 exists" test -b /dev/nbd0

# ---- NBD: nbd-client, ext4 on top, files, fstrim, fsck.
step "nbd: attaching $E2E_HOST:$NBD_PORT"
if check "nbd-client attaches" attach_nbd "$NBD_PORT" vol1 /dev/nbd0; then
  check "size is 256 MiB" test "$(cat /sys/block/nbd0/size)" = 524288
  check "mkfs.ext4" mkfs.ext4 -q -F -b 4096 -I 256 -E nodiscard /dev/nbd0
  mkdir -p /mnt/nbd
  check "mount ext4" mount -t ext4 /dev/nbd0 /mnt/nbd
  step "nbd: writing a tree"
  check "tree_create on ext4" tree_create /mnt/nbd/tree
  step "nbd: manifest"
  tree_manifest /mnt/nbd/tree > /tmp/nbd.before
  step "nbd: remount"
  check "umount ext4" umount /mnt/nbd
  echo 3 > /proc/sys/vm/drop_caches
  check "mount ext4 again" mount -t ext4 /dev/nbd0 /mnt/nbd
  tree_manifest /mnt/nbd/tree > /tmp/nbd.after
  check "tree intact after remount" cmp /tmp/nbd.before /tmp/nbd.after
  step "nbd: rm, fstrim, fsck"
  rm -rf /mnt/nbd/tree
  # ext4 is the reference: the suite must pass on it, which checks that the suite
  # itself runs in the guest.
  if [ "${RUN_CONFORMANCE:-0}" = 1 ]; then
    run_conformance /mnt/nbd
  fi
  check "fstrim" fstrim -v /mnt/nbd
  check "umount ext4" umount /mnt/nbd
  check "fsck.ext4 clean" fsck.ext4 -f -n /dev/nbd0
  check "nbd-client -d" detach_nbd /dev/nbd0
fi

# ---- 9P: diod exporting a host directory.
if [ -n "${NINEP_PORT:-}" ]; then
  step "9p: mounting $E2E_HOST:$NINEP_PORT aname=$E2E_9P_ANAME"
  if check "mount -t 9p" mount_9p "$NINEP_PORT" /mnt/9p; then
    check "host file visible" test "$(cat /mnt/9p/hello.txt)" = "hello from the host"
    # diod is slow per file (~0.3 s a create under TCG): a smaller tree.
    tree_workload /mnt/9p "umount /mnt/9p && mount_9p $NINEP_PORT /mnt/9p" "${E2E_PEER_TREE_FILES:-30}"
    echo "guest wrote this" > /mnt/9p/from-guest.txt
    check "umount 9p" umount /mnt/9p
  fi
fi

# ---- NFSv3: nfs-ganesha exporting a host directory (when installed).
if [ -n "${NFS_PORT:-}" ]; then
  step "nfs: mounting $E2E_HOST:$E2E_NFS_EXPORT port $NFS_PORT mountport $NFS_MOUNTPORT"
  if check "mount -t nfs" mount_nfs "$NFS_PORT" /mnt/nfs "$NFS_MOUNTPORT"; then
    check "host file visible" test "$(cat /mnt/nfs/hello.txt)" = "hello from the host"
    tree_workload /mnt/nfs "umount /mnt/nfs && mount_nfs $NFS_PORT /mnt/nfs $NFS_MOUNTPORT" "${E2E_PEER_TREE_FILES:-30}"
    # ~2.5 min under TCG, so only on request (E2E_PEER_CONFORMANCE=1 on the host).
    if [ "${RUN_CONFORMANCE:-0}" = 1 ] && [ "${RUN_PEER_CONFORMANCE:-0}" = 1 ]; then
      E2E_CONFORMANCE_REPORT_ONLY=1
      run_conformance /mnt/nfs || echo "(conformance failures on ganesha are reported, not checked)"
      E2E_CONFORMANCE_REPORT_ONLY=0
    fi
    echo "guest wrote this" > /mnt/nfs/from-guest.txt
    check "umount nfs" umount /mnt/nfs
  fi
fi

finish
