# Guest side of test-e2e-9p.sh. NINEP_PORT: zerofs's 9P port. Checks: mount with the
# options of the issue (trans=tcp, 9p2000.L, access=user, msize=1 MiB), the conformance
# suite, and the file-tree workload with remount.

step "guest up: $(uname -r)"
mount_9p "$NINEP_PORT" /mnt/9p || die "mount -t 9p 10.0.2.2 (port $NINEP_PORT) failed"
check "mounted" sh -c 'grep -q " /mnt/9p 9p " /proc/mounts'
check "empty new filesystem is writable" sh -c 'echo hi > /mnt/9p/hello && [ "$(cat /mnt/9p/hello)" = hi ]'
check "statfs" sh -c 'df /mnt/9p > /dev/null'

run_conformance /mnt/9p $CONFORMANCE_ARGS

tree_workload /mnt/9p "umount /mnt/9p && mount_9p $NINEP_PORT /mnt/9p"

check "hello survived" test "$(cat /mnt/9p/hello)" = hi
rm -f /mnt/9p/hello
check "umount" umount /mnt/9p
finish
