#!/bin/bash
# End-to-end 9P2000.L: Debian's Linux kernel in a QEMU guest mounts `zerofs run` with
# `mount -t 9p -o trans=tcp,port=P,version=9p2000.L,access=user,msize=1048576`, runs the
# conformance suite and a file-tree workload with remount; the server must exit 0 on
# SIGTERM. Conformance cases listed in ninep-xfail.txt are reported, not counted.
#
# Usage: test-e2e-9p.sh ZEROFS_BIN [CONFORMANCE_BIN]
# Exit 77 (skipped) when the guest is not prepared or `zerofs run` cannot serve 9P yet.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/host-lib.sh"
[ $# -ge 1 ] || { echo "usage: $0 ZEROFS_BIN [CONFORMANCE_BIN]" >&2; exit 2; }
zerofs=$1 conf=${2:-}
# The server knows the conformance suite's users and groups (with-test-users.sh).
export E2E_TEST_USERS=1

e2e_setup_zerofs_test 9p
port=$(e2e_free_port)
e2e_zerofs_config "$E2E_TMP" ninep "$port"
e2e_zerofs_start "$zerofs" "$E2E_TMP/zerofs.toml" "$E2E_TMP/zerofs.log" "$port"

# v9fs (cache=none) makes several round trips per file; 50 files keep the default run
# short while still covering every size edge and the 1 MiB + 1 file.
: "${E2E_TREE_FILES:=50}"
e2e_guest_args "$conf"
start=$(date +%s)
"$E2E_DIR/run-guest.sh" "$E2E_DIR/guest-9p.sh" "${E2E_GUEST_ARGS[@]}" --env "NINEP_PORT=$port" \
  --file "$E2E_DIR/ninep-xfail.txt:/etc/e2e/conformance-xfail.txt" \
  --env "E2E_CONFORMANCE_XFAIL=/etc/e2e/conformance-xfail.txt"
rc=$?
e2e_log "guest finished with $rc in $(( $(date +%s) - start ))s"
e2e_zerofs_stop || rc=1
[ $rc = 0 ] || e2e_fail "9P e2e failed (guest status $rc; console log $E2E_TMP/console.log)"
echo "9P e2e passed (store $(e2e_store_kib) KiB)"
