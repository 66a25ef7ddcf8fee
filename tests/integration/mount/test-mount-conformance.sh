#!/usr/bin/env bash
# test-mount-conformance.sh ZEROFS ZEROFS_CONFORMANCE
#
# `zerofs run` (file:// store, 9P on TCP and a Unix socket) mounted by
# `zerofs mount`: the error messages for a bad address, an unreachable server
# and a bad mountpoint; the conformance suite on the mount (cases listed in
# conformance-xfail.txt, with the FUSE/kernel reason for each, may fail);
# --read-only giving EROFS; daemon mode; SIGTERM unmounting.
set -u
ZEROFS=${1:?usage: test-mount-conformance.sh ZEROFS ZEROFS_CONFORMANCE}
CONFORMANCE=${2:?usage: test-mount-conformance.sh ZEROFS ZEROFS_CONFORMANCE}
. "$(dirname "$0")/mount-lib.sh"
mount_require
mount_setup conformance
mount_server "unix_socket = \"$T/9p.sock\""

# --- errors are clear and name the culprit ----------------------------------
mkdir -p "$T/m"
"$ZEROFS" mount -f "no-port-here" "$T/m" > "$T/out" 2>&1
rc=$?
if [ $rc != 0 ] && grep -q "bad address 'no-port-here'" "$T/out"; then ok "bad address named"; else fail "bad address: rc $rc: $(cat "$T/out")"; fi
"$ZEROFS" mount -f "127.0.0.1:$(e2e_free_port)" "$T/m" > "$T/out" 2>&1
rc=$?
if [ $rc != 0 ] && grep -q "cannot reach 9P server at 127.0.0.1:" "$T/out"; then ok "unreachable server named"; else fail "unreachable: rc $rc: $(cat "$T/out")"; fi
"$ZEROFS" mount -f "127.0.0.1:$PORT" "$T/nonexistent" > "$T/out" 2>&1
rc=$?
if [ $rc != 0 ] && grep -q "bad mountpoint '$T/nonexistent'" "$T/out"; then ok "bad mountpoint named"; else fail "bad mountpoint: rc $rc: $(cat "$T/out")"; fi
[ "$(wc -l < "$T/out")" = 1 ] || fail "error output is not one line: $(cat "$T/out")"

# --- the conformance suite on a TCP mount -----------------------------------
MNT=$T/mnt
mount_start "$MNT" -o allow_other,dev "127.0.0.1:$PORT" || { fail "mount"; exit 1; }
PID=$MOUNT_PID
start=$(date +%s)
mkdir "$MNT/conformance"
"$CONFORMANCE" --dir "$MNT/conformance" > "$T/conformance.out" 2>&1
crc=$?
echo "conformance took $(( $(date +%s) - start ))s, exit $crc: $(grep '^conformance:' "$T/conformance.out" | tail -n1)"
grep '^conformance:' "$T/conformance.out" > /dev/null || fail "conformance printed no summary: $(tail -n 5 "$T/conformance.out")"
sed -n 's/^FAIL \(.*\)$/\1/p' "$T/conformance.out" | sort -u > "$T/failed"
grep -v -e '^#' -e '^[[:space:]]*$' "$MOUNT_TEST_DIR/conformance-xfail.txt" | sort -u > "$T/xfail"
unexpected=$(grep -vxF -f "$T/xfail" "$T/failed")
grep -xF -f "$T/xfail" "$T/failed" | sed 's/^/XFAIL (listed limitation): /'
grep -vxF -f "$T/failed" "$T/xfail" | sed 's/^/XPASS: /'
if [ -n "$unexpected" ]; then
  fail "conformance: unexpected failures:"
  echo "$unexpected" | while IFS= read -r c; do grep -A3 -F "FAIL $c" "$T/conformance.out" | head -n 4 >&2; done
else
  ok "conformance suite (no unexpected failures)"
fi
rm -rf "$MNT/conformance"

# --- data written through the mount is visible on a second (unix) mount ------
head -c 3000000 /dev/urandom > "$T/blob"
cp "$T/blob" "$MNT/blob" && sync
RO=$T/ro
mount_start "$RO" --read-only "$T/9p.sock" || fail "read-only mount over the unix socket"
ROPID=$MOUNT_PID
if cmp -s "$T/blob" "$RO/blob"; then ok "unix-socket mount reads the file"; else fail "unix-socket mount: content differs"; fi
# --- --read-only --------------------------------------------------------------
out=$(touch "$RO/new" 2>&1)
case $out in *"Read-only file system"*) ok "--read-only: create is EROFS" ;; *) fail "--read-only create: '$out'" ;; esac
out=$(sh -c "echo x >> '$RO/blob'" 2>&1)
case $out in *"Read-only file system"*) ok "--read-only: write is EROFS" ;; *) fail "--read-only write: '$out'" ;; esac
mount_stop "$ROPID" "$RO" && ok "SIGTERM unmounts (read-only mount)"

# --- daemon mode: returns once mounted, fusermount3 -u ends it ----------------
D=$T/daemon
mkdir -p "$D"
MOUNTED+=("$D")
if "$ZEROFS" mount "127.0.0.1:$PORT" "$D" >> "$T/mount.log" 2>&1 && mount_is_fuse "$D"; then
  if cmp -s "$T/blob" "$D/blob"; then ok "daemon mount works"; else fail "daemon mount: content differs"; fi
  fusermount3 -u "$D" || fail "fusermount3 -u of the daemon mount"
  sleep 0.5
  pgrep -f "zerofs mount 127.0.0.1:$PORT $D" > /dev/null && fail "daemon still running after unmount"
else
  fail "daemon mount did not mount"
fi

# --- POSIX locks go to the server (Tlock/Tgetlock) -------------------------------
echo data > "$MNT/lk"
out=$(python3 - "$MNT/lk" <<'PY'
import fcntl, os, struct, sys, time
p = sys.argv[1]
fd = os.open(p, os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX)
pid = os.fork()
if pid == 0:
    fd2 = os.open(p, os.O_RDWR)
    try:
        fcntl.lockf(fd2, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("nonblocking:granted")
    except OSError as e:
        print("nonblocking:%d" % e.errno)
    r = fcntl.fcntl(fd2, fcntl.F_GETLK, struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0))
    print("getlk:%d" % struct.unpack("hhqqi", r)[0])
    fcntl.lockf(fd2, fcntl.LOCK_EX)  # waits for the parent's close
    print("blocking:granted")
    os._exit(0)
time.sleep(0.5)
os.close(fd)
os.waitpid(pid, 0)
PY
)
if [ "$(echo $out)" = "nonblocking:11 getlk:1 blocking:granted" ]; then ok "POSIX locks"; else fail "POSIX locks: $out"; fi

mount_stop "$PID" "$MNT" && ok "SIGTERM unmounts"
e2e_zerofs_stop 30 || fail "zerofs run did not stop cleanly"
echo "mount_conformance: $failures failure(s)"
[ $failures = 0 ]
