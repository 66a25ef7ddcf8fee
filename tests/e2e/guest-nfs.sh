# Guest side of test-e2e-nfs.sh. NFS_PORT: zerofs's NFS port (MOUNT and the
# portmapper on the same port). Checks: mount, the conformance suite, the file-tree
# workload with remount, and a workload that runs while the host restarts the server
# (the hard mount must carry on), then a final remount.

step "guest up: $(uname -r)"
mount_nfs "$NFS_PORT" /mnt/nfs || die "mount -t nfs 10.0.2.2:/ (port $NFS_PORT) failed"
check "mounted" sh -c 'grep -q " /mnt/nfs nfs " /proc/mounts'
check "empty new filesystem is writable" sh -c 'echo hi > /mnt/nfs/hello && [ "$(cat /mnt/nfs/hello)" = hi ]'

run_conformance /mnt/nfs $CONFORMANCE_ARGS

tree_workload /mnt/nfs "umount /mnt/nfs && mount_nfs $NFS_PORT /mnt/nfs"

# Server restart in the middle of a workload: the host hook stops zerofs (SIGTERM, exit
# 0) and starts it again; the hard mount retries and the workload completes.
step "restart: writing a tree while the server restarts"
guest_event restart
check "tree_create across a server restart" tree_create /mnt/nfs/restart "${E2E_RESTART_FILES:-60}"
tree_manifest /mnt/nfs/restart > /tmp/restart.before
check "umount after restart" umount /mnt/nfs
check "mount again" mount_nfs "$NFS_PORT" /mnt/nfs
tree_manifest /mnt/nfs/restart > /tmp/restart.after
check "tree written across the restart is intact" cmp /tmp/restart.before /tmp/restart.after
check "hello survived" test "$(cat /mnt/nfs/hello)" = hi
rm -rf /mnt/nfs/restart /mnt/nfs/hello
check "umount" umount /mnt/nfs
finish
