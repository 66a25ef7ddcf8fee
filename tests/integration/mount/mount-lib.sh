# Helpers for the `zerofs mount` tests (bash, sourced). The zerofs server
# start/stop/restart functions come from tests/e2e/host-lib.sh.
MOUNT_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../e2e/host-lib.sh
. "$MOUNT_TEST_DIR/../../e2e/host-lib.sh"

export ZEROFS_TEST_FAST_KDF=1
# The server knows the conformance suite's users and groups (host-lib.sh).
export E2E_TEST_USERS=1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# mount_require: skip (77) unless this can mount FUSE file systems.
mount_require() {
  [ "$(id -u)" = 0 ] || e2e_skip "needs root"
  [ -c /dev/fuse ] || e2e_skip "no /dev/fuse"
  command -v fusermount3 > /dev/null || e2e_skip "fusermount3 not installed (fuse3)"
}

# mount_setup NAME: temp dir ($T), E2E_STATE, cleanup trap.
mount_setup() {
  T=$(mktemp -d "${TMPDIR:-/tmp}/zerofs-mount-$1.XXXXXX")
  chmod 755 "$T"
  E2E_STATE=$T/state
  export E2E_STATE
  mkdir -p "$E2E_STATE"
  MOUNT_PIDS=()
  MOUNTED=()
  trap mount_cleanup EXIT
  trap 'exit 130' INT TERM
}

mount_cleanup() {
  local rc=$? m p
  for m in "${MOUNTED[@]}"; do mount_is_fuse "$m" && fusermount3 -u -z "$m" 2>/dev/null; done
  for p in "${MOUNT_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  [ -s "$E2E_STATE/pid" ] && e2e_zerofs_stop 20 > /dev/null 2>&1
  if [ $rc != 0 ] && [ $rc != 77 ]; then
    echo "---- kept $T; zerofs log tail:" >&2
    tail -n 20 "$T/zerofs.log" 2>/dev/null >&2
    echo "---- mount log tail:" >&2
    tail -n 20 "$T/mount.log" 2>/dev/null >&2
  else
    rm -rf "$T"
  fi
}

mount_is_fuse() { awk -v m="$1" '$2 == m && $3 ~ /^fuse/ {f=1} END {exit !f}' /proc/mounts; }

# mount_start MNT ARGS...: `zerofs mount -f ARGS... MNT` in the background,
# waits until MNT is a FUSE mount; sets MOUNT_PID. Returns 1 if it exited.
mount_start() {
  local mnt=$1 i
  shift
  mkdir -p "$mnt"
  "$ZEROFS" mount -f "$@" "$mnt" >> "$T/mount.log" 2>&1 &
  MOUNT_PID=$!
  MOUNT_PIDS+=("$MOUNT_PID")
  MOUNTED+=("$mnt")
  for i in $(seq 1 200); do
    mount_is_fuse "$mnt" && return 0
    kill -0 "$MOUNT_PID" 2>/dev/null || { echo "zerofs mount exited:" >&2; tail -n 5 "$T/mount.log" >&2; return 1; }
    sleep 0.05
  done
  echo "zerofs mount: $mnt not mounted after 10s" >&2
  return 1
}

# mount_stop PID MNT: SIGTERM; the process must exit 0 and MNT be unmounted.
mount_stop() {
  local pid=$1 mnt=$2 rc i
  kill -TERM "$pid"
  for i in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    fail "zerofs mount did not exit within 10s of SIGTERM"
    return 1
  fi
  wait "$pid"
  rc=$?
  [ $rc = 0 ] || fail "zerofs mount exited $rc after SIGTERM (expected 0)"
  if mount_is_fuse "$mnt"; then
    fail "$mnt still mounted after SIGTERM"
    return 1
  fi
  return 0
}

# mount_server [EXTRA_TOML]: writes a config and starts `zerofs run` serving 9P
# on 127.0.0.1:$PORT; sets PORT.
mount_server() {
  PORT=$(e2e_free_port)
  e2e_zerofs_config "$T" ninep "$PORT" "${1:-}"
  e2e_zerofs_start "$ZEROFS" "$T/zerofs.toml" "$T/zerofs.log" "$PORT"
}
