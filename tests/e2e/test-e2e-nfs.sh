#!/bin/bash
# End-to-end NFSv3: Debian's Linux kernel in a QEMU guest mounts `zerofs run` over
# NFSv3 (no rpcbind: portmapper and MOUNT on the NFS port, nolock), runs the
# conformance suite and a file-tree workload with remount, keeps writing while the
# host restarts the server (hard mount carries on), and the server must exit 0 on
# SIGTERM each time. Conformance cases listed in nfs-client-xfail.txt (what the Linux
# NFS client itself cannot pass) are reported, not counted.
#
# Usage: test-e2e-nfs.sh ZEROFS_BIN [CONFORMANCE_BIN]
# Exit 77 (skipped) when the guest is not prepared or `zerofs run` cannot serve NFS yet.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/host-lib.sh"
[ $# -ge 1 ] || { echo "usage: $0 ZEROFS_BIN [CONFORMANCE_BIN]" >&2; exit 2; }
zerofs=$1 conf=${2:-}

e2e_setup_zerofs_test nfs
port=$(e2e_free_port)
e2e_zerofs_config "$E2E_TMP" nfs "$port"
e2e_zerofs_start "$zerofs" "$E2E_TMP/zerofs.toml" "$E2E_TMP/zerofs.log" "$port"

e2e_guest_args "$conf"
start=$(date +%s)
"$E2E_DIR/run-guest.sh" "$E2E_DIR/guest-nfs.sh" "${E2E_GUEST_ARGS[@]}" \
  --env "NFS_PORT=$port" --on-event "$E2E_DIR/zerofs-event-hook.sh" \
  --file "$E2E_DIR/nfs-client-xfail.txt:/etc/e2e/conformance-xfail.txt" \
  --env "E2E_CONFORMANCE_XFAIL=/etc/e2e/conformance-xfail.txt"
rc=$?
e2e_log "guest finished with $rc in $(( $(date +%s) - start ))s"
[ "$(wc -l < "$E2E_STATE/restarts" 2>/dev/null || echo 0)" -ge 1 ] || { echo "FAIL: the server was not restarted during the test" >&2; [ $rc = 0 ] && rc=1; }
e2e_zerofs_stop || rc=1
[ $rc = 0 ] || e2e_fail "NFS e2e failed (guest status $rc; console log $E2E_TMP/console.log)"
echo "NFS e2e passed (store $(e2e_store_kib) KiB)"
