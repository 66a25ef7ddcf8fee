#!/bin/bash
# End-to-end NBD: a QEMU guest with Debian's kernel creates /.nbd/vol1 (256 MiB) over
# 9P (E2E_NBD_VIA=nfs: over NFS), attaches it with nbd-client, makes ext4, writes and
# verifies a file tree across a detach/re-attach, writes E2E_NBD_BIG_MIB (24) MiB of
# random data, deletes everything, runs fstrim and fsck; the server must exit 0 on
# SIGTERM. Then the store must shrink once reclamation has run: the server is
# restarted with garbage collection every second, no reader grace and a snapshot every
# second, and within E2E_NBD_SHRINK_SECS (45) the store's object bytes must fall by at
# least 3/4 of the random data below their size when the guest finished.
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

big_mib=${E2E_NBD_BIG_MIB:-24}
# Total size of the objects in the store (apparent bytes, not disk blocks).
store_bytes() { find "$E2E_TMP/store" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }

e2e_guest_args ""
start=$(date +%s)
"$E2E_DIR/run-guest.sh" "$E2E_DIR/guest-nbd.sh" "${E2E_GUEST_ARGS[@]}" \
  --env "NBD_PORT=$nbd_port" --env "FS_PORT=$fs_port" --env "FS_PROTO=$via" --env "BIG_MIB=$big_mib"
rc=$?
e2e_log "guest finished with $rc in $(( $(date +%s) - start ))s; store $(store_bytes) bytes"
if [ $rc = 0 ]; then
  # Reclamation: dead segments go only once a snapshot covers their death and the
  # reader grace has passed, so the restarted server snapshots and collects every
  # second. (The shutdown itself takes a snapshot.)
  e2e_zerofs_stop || rc=1
  peak=$(store_bytes)
  sed -i '/^encryption_password/a snapshot_interval_secs = 1\nflush_interval_secs = 1' \
    "$E2E_TMP/zerofs.toml"
  printf '\n[gc]\nenabled = true\ninterval_secs = 1\nreader_grace_secs = 0\n' >> "$E2E_TMP/zerofs.toml"
  want=$(( peak - big_mib * 1048576 * 3 / 4 ))
  gc_start=$(date +%s)
  e2e_zerofs_launch || rc=1
  deadline=$(( gc_start + ${E2E_NBD_SHRINK_SECS:-45} ))
  while [ "$(store_bytes)" -ge "$want" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.5; done
  now=$(store_bytes)
  e2e_log "store after reclamation: $now bytes (at guest shutdown $peak, must be < $want; $(( $(date +%s) - gc_start ))s)"
  [ "$now" -lt "$want" ] ||
    { echo "FAIL: the store did not shrink by 3/4 of the ${big_mib} MiB deleted within ${E2E_NBD_SHRINK_SECS:-45}s" >&2; rc=1; }
fi
e2e_zerofs_stop || rc=1
[ $rc = 0 ] || e2e_fail "NBD e2e failed (guest status $rc; console log $E2E_TMP/console.log)"
echo "NBD e2e passed (store $(e2e_store_kib) KiB)"
