#!/bin/bash
# Proves the e2e harness with peer servers instead of ZeroFS: a QEMU guest attaches
# `nbdkit memory 256M` with nbd-client (ext4, file tree, fstrim, fsck and, with
# CONFORMANCE_BIN, the conformance suite on that ext4, which must pass), mounts a host
# directory exported by diod over 9P2000.L and one exported by nfs-ganesha over NFSv3
# (file-tree workload with remount on each; on ganesha also the conformance suite,
# reported but not checked, as the results are ganesha's, and only with
# E2E_PEER_CONFORMANCE=1 as it takes ~2.5 min). ganesha needs rpcbind: an
# rpcbind already on port 111 is used, else one is started for the test. Without
# ganesha installed the NFS part is left out (with a message), not failed.
#
# Usage: test-e2e-selfcheck.sh [CONFORMANCE_BIN]
# Exit 77 (skipped) when the guest is not prepared (scripts/e2e-prepare.sh) or the peer
# servers are not installed.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/host-lib.sh"

conf_bin=${1:-}
e2e_require_prepared
command -v nbdkit > /dev/null || e2e_skip "nbdkit not installed; run scripts/e2e-prepare.sh"
diod=$(PATH=/usr/sbin:/sbin:$PATH command -v diod) || e2e_skip "diod not installed; run scripts/e2e-prepare.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zerofs-e2e-selfcheck.XXXXXX")
chmod 755 "$tmp"  # diod may serve a user other than root, who must reach the export
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]+"${pids[@]}"}"; do e2e_stop "$p" 5; done
  if [ "${E2E_KEEP:-0}" = 1 ] || { [ $rc != 0 ] && [ $rc != 77 ]; }; then
    echo "e2e: kept $tmp (console.log, peer server logs)" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nbd_port=$(e2e_free_port)
nbdkit -f -i 127.0.0.1 -p "$nbd_port" memory 256M > "$tmp/nbdkit.log" 2>&1 &
pids+=($!)
e2e_wait_port "$nbd_port" 20 "${pids[-1]}" || e2e_fail "nbdkit did not start: $(cat "$tmp/nbdkit.log")"

ninep_port=$(e2e_free_port)
export_dir="$tmp/export"
mkdir -p "$export_dir"
chmod 755 "$export_dir"
echo "hello from the host" > "$export_dir/hello.txt"
# -n: no authentication (no munge);
# -c /dev/null: ignore /etc/diod.conf.
"$diod" -f -n -c /dev/null -L stderr -l "127.0.0.1:$ninep_port" -e "$export_dir" > "$tmp/diod.log" 2>&1 &
pids+=($!)
e2e_wait_port "$ninep_port" 20 "${pids[-1]}" || e2e_fail "diod did not start: $(cat "$tmp/diod.log")"
e2e_log "nbdkit on :$nbd_port, diod on :$ninep_port exporting $export_dir"

# nfs-ganesha (NFSv3 only, VFS backend, NFS and MOUNT on two ports).
nfs_args=()
ganesha=$(PATH=/usr/sbin:/sbin:$PATH command -v ganesha.nfsd || true)
rpcbind=$(PATH=/usr/sbin:/sbin:$PATH command -v rpcbind || true)
if [ -n "$ganesha" ] && [ -n "$rpcbind" ]; then
  if ! e2e_port_open 111; then
    "$rpcbind" -f -w > "$tmp/rpcbind.log" 2>&1 &
    pids+=($!)
    e2e_wait_port 111 10 "${pids[-1]}" || e2e_fail "rpcbind did not start: $(cat "$tmp/rpcbind.log")"
  fi
  nfs_port=$(e2e_free_port)
  mnt_port=$(e2e_free_port)
  nfs_dir="$tmp/nfs-export"
  mkdir -p "$nfs_dir"
  chmod 755 "$nfs_dir"
  echo "hello from the host" > "$nfs_dir/hello.txt"
  cat > "$tmp/ganesha.conf" <<GANESHA
NFS_CORE_PARAM {
  Protocols = 3;
  NFS_Port = $nfs_port;
  MNT_Port = $mnt_port;
  Bind_addr = 127.0.0.1;
  Enable_NLM = false;
  Enable_RQUOTA = false;
}
NFSV4 { Graceless = true; }
EXPORT {
  Export_Id = 1;
  Path = $nfs_dir;
  Pseudo = /export;
  Protocols = 3;
  Transports = TCP;
  Access_Type = RW;
  Squash = No_Root_Squash;
  SecType = sys;
  FSAL { Name = VFS; }
}
LOG { Default_Log_Level = WARN; }
GANESHA
  "$ganesha" -F -L "$tmp/ganesha.log" -f "$tmp/ganesha.conf" -p "$tmp/ganesha.pid" > "$tmp/ganesha.out" 2>&1 &
  pids+=($!)
  { e2e_wait_port "$nfs_port" 30 "${pids[-1]}" && e2e_wait_port "$mnt_port" 10 "${pids[-1]}"; } ||
    e2e_fail "nfs-ganesha did not start: $(grep -v DBUS "$tmp/ganesha.log" | tail -n 5)"
  nfs_args=(--env "NFS_PORT=$nfs_port" --env "NFS_MOUNTPORT=$mnt_port" --env "E2E_NFS_EXPORT=$nfs_dir"
            --file "$E2E_DIR/nfs-client-xfail.txt:/etc/e2e/conformance-xfail.txt"
            --env "E2E_CONFORMANCE_XFAIL=/etc/e2e/conformance-xfail.txt")
  e2e_log "nfs-ganesha on :$nfs_port (mount :$mnt_port) exporting $nfs_dir"
else
  e2e_log "nfs-ganesha or rpcbind not installed: leaving out the NFS part (run scripts/e2e-prepare.sh)"
fi

args=(--timeout "${E2E_GUEST_TIMEOUT:-600}" --log "$tmp/console.log"
      --env "NBD_PORT=$nbd_port" --env "NINEP_PORT=$ninep_port" --env "E2E_9P_ANAME=$export_dir"
      --env "E2E_TREE_FILES=${E2E_TREE_FILES:-100}" --env "E2E_PEER_TREE_FILES=${E2E_PEER_TREE_FILES:-30}"
      "${nfs_args[@]+"${nfs_args[@]}"}")
if [ -n "$conf_bin" ]; then
  [ -x "$conf_bin" ] || e2e_fail "no conformance binary at $conf_bin"
  args+=(--bin "$conf_bin:/opt/zerofs/bin/zerofs-conformance" --env RUN_CONFORMANCE=1
         --env "RUN_PEER_CONFORMANCE=${E2E_PEER_CONFORMANCE:-0}")
fi
start=$(date +%s)
"$E2E_DIR/run-guest.sh" "$E2E_DIR/guest-selfcheck.sh" "${args[@]}"
rc=$?
e2e_log "guest finished with $rc in $(( $(date +%s) - start ))s"
[ $rc = 0 ] || e2e_fail "guest checks failed (status $rc); logs in $tmp"
# What the guest wrote over 9P must be on the host.
[ "$(cat "$export_dir/from-guest.txt" 2>/dev/null)" = "guest wrote this" ] ||
  e2e_fail "the file written over 9P is not in the host directory"
if [ ${#nfs_args[@]} -gt 0 ]; then
  [ "$(cat "$nfs_dir/from-guest.txt" 2>/dev/null)" = "guest wrote this" ] ||
    e2e_fail "the file written over NFS is not in the host directory"
fi
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || e2e_fail "a peer server died during the test"; done
echo "selfcheck passed"
