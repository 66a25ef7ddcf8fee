#!/usr/bin/env bash
# test-mount-restart.sh ZEROFS
#
# A workload runs through one `zerofs mount` while the server is restarted
# (SIGTERM, start again on the same port): it writes a tree of files and
# verifies each, and keeps one file open across the restart, writing before
# and after it. Everything must finish correctly through the same mount.
# A process holds a POSIX lock through the mount across the restart: a
# second mount must still find it taken afterwards (the first mount takes
# its locks again when it reconnects), and free once released. Another
# keeps a file open that it deleted before the restart, and writes, fsyncs
# and reads it after (the server keeps it for the mount's session: Tsession
# and Treclaim); another does the same across a dropped connection.
set -u
ZEROFS=${1:?usage: test-mount-restart.sh ZEROFS}
. "$(dirname "$0")/mount-lib.sh"
mount_require
mount_setup restart
mount_server
MNT=$T/mnt
mount_start "$MNT" -o reconnect_timeout=60 "127.0.0.1:$PORT" || { fail "mount"; exit 1; }
PID=$MOUNT_PID
MNT2=$T/mnt2
mount_start "$MNT2" "127.0.0.1:$PORT" || { fail "second mount"; exit 1; }
PID2=$MOUNT_PID

# try_lock FILE: "got" or "busy" for a non-blocking whole-file write lock.
try_lock() {
  python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("got")
except OSError:
    print("busy")' "$1"
}
python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
os.close(fd)' "$MNT/locked" "$T/lock.ready" "$T/lock.release" &
LOCKER=$!
for i in $(seq 1 100); do [ -f "$T/lock.ready" ] && break; sleep 0.05; done
[ "$(try_lock "$MNT2/locked")" = busy ] && ok "lock held through the first mount is seen by the second" ||
  fail "the second mount got a lock the first holds"

# hold_deleted NAME: a process that writes and fsyncs $MNT/NAME, deletes
# it, and once $T/NAME.go exists writes at its end, fsyncs and reads it back
# whole through the same descriptor (exit 0 if all of it is right). Returns
# once the file is deleted; its pid is in HELD_PID.
hold_deleted() {
  python3 -c 'import os, sys, time
path, ready, go, p1, p2 = sys.argv[1:]
one, two = open(p1, "rb").read(), open(p2, "rb").read()
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, one)
os.fsync(fd)
os.unlink(path)
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.05)
os.pwrite(fd, two, len(one))
os.fsync(fd)
got = os.pread(fd, len(one) + len(two) + 1, 0)
assert os.fstat(fd).st_nlink == 0, "it has a name again"
sys.exit(0 if got == one + two else 3)' "$MNT/$1" "$T/$1.ready" "$T/$1.go" \
    "$T/part1" "$T/part2" > "$T/$1.log" 2>&1 &
  HELD_PID=$!
  for i in $(seq 1 200); do [ -f "$T/$1.ready" ] && break; sleep 0.05; done
  [ -f "$T/$1.ready" ] || fail "$1: not ready: $(cat "$T/$1.log")"
}
# check_deleted NAME PID WHAT: lets NAME's process go on and checks it.
check_deleted() {
  touch "$T/$1.go"
  if wait "$2"; then ok "deleted file held open across $3: written, fsynced, read back"
  else fail "deleted file held open across $3: $(cat "$T/$1.log")"; fi
}

head -c 1000000 /dev/urandom > "$T/part1"
head -c 1000000 /dev/urandom > "$T/part2"
hold_deleted deleted
DELETED=$HELD_PID

mkdir -p "$T/src"
for i in $(seq 1 60); do head -c $((i * 3001)) /dev/urandom > "$T/src/f$i"; done

# The held-open file: first part now, second part after the restart.
exec 3> "$MNT/held"
cat "$T/part1" >&3 || fail "write to the held file before the restart"

# The workload: copy and verify files one by one until told to stop (and at
# least one full pass after the restart).
workload() {
  local pass=0 i
  while :; do
    pass=$((pass + 1))
    mkdir -p "$MNT/tree/p$pass" || { echo "mkdir p$pass failed" >&2; return 1; }
    for i in $(seq 1 60); do
      cp "$T/src/f$i" "$MNT/tree/p$pass/f$i" || { echo "cp p$pass/f$i failed" >&2; return 1; }
      cmp -s "$T/src/f$i" "$MNT/tree/p$pass/f$i" || { echo "p$pass/f$i differs" >&2; return 1; }
    done
    [ -f "$T/stop" ] && [ "$pass" -gt "$(cat "$T/stop")" ] && break
  done
  echo "$pass" > "$T/passes"
}
workload > "$T/workload.log" 2>&1 &
WL=$!
sleep 1
before=$(ls "$MNT/tree" 2>/dev/null | wc -l)
start=$(date +%s%N)
e2e_zerofs_restart || fail "server restart"
echo "server restarted in $(( ($(date +%s%N) - start) / 1000000 )) ms (workload had $before pass dirs)"
# One more full pass after the restart, then stop.
ls "$MNT/tree" | wc -l > "$T/stop"
wait $WL
wrc=$?
if [ $wrc = 0 ]; then ok "workload finished across the restart ($(cat "$T/passes") passes)"; else fail "workload: $(cat "$T/workload.log")"; fi

# The workload has made the first mount reconnect; its lock must be back.
[ "$(try_lock "$MNT2/locked")" = busy ] && ok "lock taken again after the reconnect" ||
  fail "lock lost in the restart: the second mount got it"
touch "$T/lock.release"
wait $LOCKER || fail "locker process"
[ "$(try_lock "$MNT2/locked")" = got ] && ok "lock free once released" ||
  fail "lock still taken after its holder closed the file"

check_deleted deleted $DELETED "the restart"

cat "$T/part2" >&3 || fail "write to the held file after the restart"
exec 3>&-
cat "$T/part1" "$T/part2" > "$T/held.expect"
if cmp -s "$T/held.expect" "$MNT/held"; then ok "file held open across the restart"; else fail "held file content differs"; fi

# Everything written is still there and intact.
bad=0
for d in "$MNT"/tree/p*; do
  for i in $(seq 1 60); do
    [ -f "$d/f$i" ] || continue
    cmp -s "$T/src/f$i" "$d/f$i" || bad=$((bad + 1))
  done
done
[ $bad = 0 ] && ok "tree verified after the restart" || fail "$bad files differ after the restart"

# A dropped connection while the server keeps running (ss -K resets the
# mounts' sockets): the server keeps the deleted file for the mount's
# session, and the mount claims it back when it reconnects.
hold_deleted dropped
DROPPED=$HELD_PID
dials=$(grep -c "connected to" "$T/mount.log")
ss -K dst 127.0.0.1 dport = "$PORT" > /dev/null 2>&1
check_deleted dropped $DROPPED "a dropped connection"
[ "$(grep -c "connected to" "$T/mount.log")" -gt "$dials" ] ||
  echo "note: ss -K reset no socket here (kernel without INET_DIAG_DESTROY?): nothing was dropped"

mount_stop "$PID2" "$MNT2" || fail "second mount did not stop"
mount_stop "$PID" "$MNT" && ok "SIGTERM unmounts"
grep -q "reconnect\|connected to" "$T/mount.log" && ok "mount log shows the reconnect"
e2e_zerofs_stop 30 || fail "zerofs run did not stop cleanly"
echo "mount_restart: $failures failure(s)"
[ $failures = 0 ]
