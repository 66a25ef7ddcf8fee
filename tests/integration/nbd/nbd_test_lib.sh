# shellcheck shell=bash
# Shared by the NBD shell tests: a temporary store, a config with NFS (to
# create device files in /.nbd) and NBD servers on free ports, and helpers to
# start and stop `zerofs run`. Source it after setting $zerofs.

: "${zerofs:?set zerofs before sourcing nbd_test_lib.sh}"

need() {  # need TOOL...: exit 77 (skipped) unless every tool is present
  for t in "$@"; do
    if ! command -v "$t" >/dev/null 2>&1; then
      echo "SKIP: $t not found" >&2
      exit 77
    fi
  done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zerofs-nbd.XXXXXX")
server_pid=
cleanup() {
  [ -n "${ext4_mnt:-}" ] && umount "$ext4_mnt" 2>/dev/null
  [ -n "${loop_dev:-}" ] && losetup -d "$loop_dev" 2>/dev/null
  [ -n "${fuse_dir:-}" ] && fusermount3 -u "$fuse_dir" 2>/dev/null
  stop_server
  rm -rf "$tmp"
}
trap cleanup EXIT

nfs_port=$(free_port)
nbd_port=$(free_port)
nbd_sock="$tmp/nbd.sock"
cat >"$tmp/zerofs.toml" <<TOML
[storage]
url = "file://$tmp/store"
encryption_password = "nbd-test-password"

[cache]
dir = "$tmp/cache"

[servers.nfs]
addresses = ["127.0.0.1:$nfs_port"]

[servers.nbd]
addresses = ["127.0.0.1:$nbd_port"]
unix_socket = "$nbd_sock"
TOML

start_server() {
  "$zerofs" run -c "$tmp/zerofs.toml" >>"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if nbdinfo --list "nbd://127.0.0.1:$nbd_port" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if grep -q 'has no nbd server yet' "$tmp/server.log"; then
    echo "SKIP: this zerofs build does not start the NBD server yet" >&2
    exit 77
  fi
  echo "FAIL: zerofs run did not start serving NBD; log:" >&2
  sed 's/^/  /' "$tmp/server.log" >&2
  exit 1
}

stop_server() {  # SIGTERM: the server flushes everything before exiting
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=
  fi
}

# make_device NAME SIZE: creates /.nbd/NAME of SIZE bytes over NFS (all
# zeros, which the store keeps as holes).
make_device() {
  truncate -s "$2" "$tmp/blank"
  nfs-cp "$tmp/blank" "nfs://127.0.0.1/.nbd/$1?version=3&nfsport=$nfs_port&mountport=$nfs_port" \
    >/dev/null || { echo "FAIL: nfs-cp could not create /.nbd/$1" >&2; exit 1; }
  rm -f "$tmp/blank"
}

passed=0
failed=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what" >&2; fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
