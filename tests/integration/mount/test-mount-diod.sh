#!/usr/bin/env bash
# test-mount-diod.sh ZEROFS
#
# `zerofs mount` of diod (a 9P2000.L server exporting a local directory, auth
# off), as the benchmark of issue 6 uses it: mount, basic I/O, checked on the
# exported directory itself, unmount on SIGTERM.
set -u
ZEROFS=${1:?usage: test-mount-diod.sh ZEROFS}
. "$(dirname "$0")/mount-lib.sh"
mount_require
command -v diod > /dev/null || e2e_skip "diod is not installed"
mount_setup diod
EXPORT=$T/export
mkdir -p "$EXPORT"
PORT=$(e2e_free_port)
diod -f -n -c /dev/null -L stderr -l "127.0.0.1:$PORT" -e "$EXPORT" > "$T/diod.log" 2>&1 &
DIOD=$!
e2e_wait_port "$PORT" 10 "$DIOD" || { fail "diod did not start: $(cat "$T/diod.log")"; exit 1; }
MNT=$T/mnt
# diod's export is named by the attach name (aname).
mount_start "$MNT" -o "aname=$EXPORT" "127.0.0.1:$PORT" || { fail "mount of diod"; kill $DIOD; exit 1; }
PID=$MOUNT_PID

head -c 5000000 /dev/urandom > "$T/blob"
mkdir "$MNT/dir" && cp "$T/blob" "$MNT/dir/blob" && sync || fail "write through the mount"
cmp -s "$T/blob" "$EXPORT/dir/blob" && ok "diod: written data is in the export" || fail "diod: export content differs"
cmp -s "$T/blob" "$MNT/dir/blob" && ok "diod: read back" || fail "diod: read back differs"
echo hello > "$EXPORT/dir/local"
# Another client's name in a directory this mount made shows within
# negative_timeout (1 s): until then the mount knows the directory's names.
for i in $(seq 1 30); do [ "$(cat "$MNT/dir/local" 2>/dev/null)" = hello ] && break; sleep 0.1; done
[ "$(cat "$MNT/dir/local")" = hello ] && ok "diod: reads a file made on the server side" || fail "diod: cannot read server-side file"
# O_DIRECT is not passed on to the server (diod refuses a Tlopen with it).
dd if="$MNT/dir/blob" of="$T/direct" bs=4096 count=16 iflag=direct status=none &&
  cmp -s "$T/direct" <(head -c 65536 "$T/blob") && ok "diod: O_DIRECT read" || fail "diod: O_DIRECT read"
mv "$MNT/dir/blob" "$MNT/dir/blob2" && [ -f "$EXPORT/dir/blob2" ] && ok "diod: rename" || fail "diod: rename"
rm "$MNT/dir/blob2" "$MNT/dir/local" && rmdir "$MNT/dir" && [ ! -e "$EXPORT/dir" ] && ok "diod: remove" || fail "diod: remove"
ln -s target "$MNT/link" && [ "$(readlink "$MNT/link")" = target ] && ok "diod: symlink" || fail "diod: symlink"
n=$(ls -1 "$MNT" | wc -l)
[ "$n" = 1 ] && ok "diod: readdir" || fail "diod: readdir shows $n entries"

mount_stop "$PID" "$MNT" && ok "SIGTERM unmounts"
kill $DIOD 2>/dev/null
wait $DIOD 2>/dev/null
echo "mount_diod: $failures failure(s)"
[ $failures = 0 ]
