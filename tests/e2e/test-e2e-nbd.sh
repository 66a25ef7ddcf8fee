#!/bin/bash
# End-to-end NBD: a QEMU guest with Debian's kernel creates /.nbd/vol1 (256 MiB) over
# 9P (E2E_NBD_VIA=nfs: over NFS), attaches it with nbd-client, makes ext4, writes and
# verifies a file tree across a detach/re-attach, runs fstrim and fsck; the server must
# exit 0 on SIGTERM. The store size is printed before and after fstrim; with
# E2E_NBD_SHRINK_SECS=N the test also waits up to N s (server restarted and idle) for
# the store to shrink below its peak once reclamation has run.
#
# Usage: test-e2e-nbd.sh ZEROFS_BIN
# Exit 77 (skipped) when the guest is not prepared or `zerofs run` cannot serve NBD and
# the chosen file protocol yet.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/host-lib.sh"
[ $# -ge 1 ] || { echo "usage: $0 ZEROFS_BIN" >&2; exit 2; }
zerofs=$1
via=${E2E_NBD_VIA:-ninep}

e2e_setup_zerofs_test nbd
nbd_port=$(e2e_free_port)
fs_port=$(e2e_free_port)
[ "$fs_port" = "$nbd_port" ] && fs_port=$((nbd_port + 1))
e2e_zerofs_config "$E2E_TMP" nbd "$nbd_port" "
[servers.$via]
addresses = [\"127.0.0.1:$fs_port\"]"
e2e_zerofs_start "$zerofs" "$E2E_TMP/zerofs.toml" "$E2E_TMP/zerofs.log" "$nbd_port" "$fs_port"

e2e_guest_args ""
start=$(date +%s)
"$E2E_DIR/run-guest.sh" "$E2E_DIR/guest-nbd.sh" "${E2E_GUEST_ARGS[@]}" \
  --env "NBD_PORT=$nbd_port" --env "FS_PORT=$fs_port" --env "FS_PROTO=$via"
rc=$?
e2e_log "guest finished with $rc in $(( $(date +%s) - start ))s; store $(e2e_store_kib) KiB"
if [ $rc = 0 ] && [ -n "${E2E_NBD_SHRINK_SECS:-}" ]; then
  e2e_zerofs_restart || rc=1
  peak=$(e2e_store_kib)
  deadline=$(( $(date +%s) + E2E_NBD_SHRINK_SECS ))
  while [ "$(e2e_store_kib)" -ge "$peak" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 2; done
  now=$(e2e_store_kib)
  e2e_log "store after reclamation: $now KiB (peak $peak KiB)"
  [ "$now" -lt "$peak" ] || { echo "FAIL: the store did not shrink after fstrim within ${E2E_NBD_SHRINK_SECS}s" >&2; rc=1; }
fi
e2e_zerofs_stop || rc=1
[ $rc = 0 ] || e2e_fail "NBD e2e failed (guest status $rc; console log $E2E_TMP/console.log)"
echo "NBD e2e passed (store $(e2e_store_kib) KiB)"
