#!/usr/bin/env bash
# test-mount-attrcache.sh ZEROFS
#
# The mount's attribute cache (src/mount/attr_cache.h), counted by the
# server's 9P metrics (Tgetattr requests):
#  - N stats right after N create+close cost (almost) no Tgetattr with the
#    cache, and at least N with `-o attr_timeout=0` (the cache off: what
#    every mount paid before, since the kernel drops its own cached
#    attributes at each close under the write-back cache).
#  - Nothing stale from this mount: a stat right after a write, truncate,
#    chmod, utimes, link, unlink, rename, mkdir, setxattr through the same
#    mount (attr_timeout=30) sees the change at once.
#  - A directory listed with attributes through a mount that has never seen
#    it costs Treaddirplus and no Twalk/Tgetattr per entry, with the same
#    attributes as stats through the mount that made the files.
#  - Lookups of a missing name are cached for negative_timeout (1 s): this
#    mount's own creation shows at once, another client's after it.
#  - Writes do not cost a getxattr(security.capability) round trip each,
#    and a write still drops a capability another client set.
#  - chmod and utimes cost one Tsetattrplus each and no Tgetattr, and the
#    stats after them see the change; unlink and rmdir cost one
#    Tunlinkatplus each and renames one Trenameat2, with no Tgetattr of
#    the directories.
#  - Another client's change (chmod) is seen within attr_timeout (2 s here).
#  - A reconnect (server restart) empties the cache.
set -u
ZEROFS=${1:?usage: test-mount-attrcache.sh ZEROFS}
. "$(dirname "$0")/mount-lib.sh"
mount_require
mount_setup attrcache
MPORT=$(e2e_free_port)
mount_server "
[servers.metrics]
addresses = [\"127.0.0.1:$MPORT\"]"
e2e_wait_port "$MPORT" 10 || { fail "metrics port $MPORT not open"; exit 1; }

# ops NAME: NAME requests (Tgetattr, Twalk...) the server answered so far.
ops() {
  local v
  v=$(
    exec 3<> "/dev/tcp/127.0.0.1/$MPORT" || exit 1
    printf 'GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    awk -v want="zerofs_protocol_ops_total{protocol=\"9p\",op=\"$1\"}" \
      '$1 == want { v = $2 } END { print (v == "" ? 0 : v) }' <&3
  )
  echo "${v:-0}"
}
getattrs() { ops Tgetattr; }

M30=$T/m30 M2=$T/m2 M0=$T/m0
mount_start "$M30" -o attr_timeout=30,entry_timeout=30,reconnect_timeout=60 "127.0.0.1:$PORT" || { fail "mount"; exit 1; }
mount_start "$M2" -o attr_timeout=2,entry_timeout=30 "127.0.0.1:$PORT" || { fail "mount"; exit 1; }
mount_start "$M0" -o attr_timeout=0 "127.0.0.1:$PORT" || { fail "mount"; exit 1; }
# Without the write-back cache the kernel takes size and times from the mount.
MWT=$T/mwt
mount_start "$MWT" -o attr_timeout=30,entry_timeout=30,no_writeback_cache "127.0.0.1:$PORT" ||
  { fail "mount"; exit 1; }

# --- N stats after N create+close ---------------------------------------------
N=200
# stats_after_creates DIR: creates N files, then stats each; prints the
# Tgetattrs the stats cost.
stats_after_creates() {
  local dir=$1 before after
  mkdir "$dir"
  python3 -c 'import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    os.close(os.open(f"{d}/f{i}", os.O_CREAT | os.O_WRONLY, 0o644))' "$dir" "$N" || return 1
  before=$(getattrs)
  python3 -c 'import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    os.stat(f"{d}/f{i}")' "$dir" "$N" || return 1
  after=$(getattrs)
  echo $((after - before))
}
cached=$(stats_after_creates "$M30/cached")
off=$(stats_after_creates "$M0/off")
echo "Tgetattrs for $N stats after $N create+close: $cached with the cache, $off with attr_timeout=0"
[ -n "$off" ] && [ "$off" -ge "$N" ] && ok "attr_timeout=0: every stat reaches the server ($off)" ||
  fail "attr_timeout=0: $N stats cost $off Tgetattrs (expected >= $N: the count or the option is broken)"
[ -n "$cached" ] && [ "$cached" -le $((N / 10)) ] && ok "cache: $N stats cost $cached Tgetattrs" ||
  fail "cache: $N stats after create+close cost $cached Tgetattrs (expected <= $((N / 10)))"

# --- nothing stale after this mount's own changes ------------------------------
for mnt in "$M30" "$MWT"; do
echo "changes through $mnt:"
mkdir "$mnt/own-$(basename "$mnt")"
python3 - "$mnt/own-$(basename "$mnt")" << 'EOF' || fail "stale attributes after a change through $mnt (above)"
import os, sys, time
m = sys.argv[1]
bad = []
def check(what, cond):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        bad.append(what)

f = f"{m}/fresh"
os.close(os.open(f, os.O_CREAT | os.O_WRONLY, 0o644))
os.utime(f, (1000000000, 1000000000))
st = os.stat(f)
check("utimes seen", st.st_mtime == 1000000000)
os.stat(f)  # cached now
with open(f, "wb") as w:
    w.write(b"x" * 12345)
st = os.stat(f)
check(f"size after write+close ({st.st_size})", st.st_size == 12345)
check("mtime after write+close", abs(st.st_mtime - time.time()) < 60)
check("blocks after write+close", st.st_blocks > 0)
os.utime(f, (1000000000, 1000000000))
os.stat(f)
fd = os.open(f, os.O_WRONLY | os.O_APPEND)
os.write(fd, b"y" * 100)
os.close(fd)
st = os.stat(f)
check("size after append", st.st_size == 12445)
check("mtime after append", st.st_mtime != 1000000000)
os.truncate(f, 10)
check("size after truncate", os.stat(f).st_size == 10)
os.close(os.open(f, os.O_WRONLY | os.O_TRUNC))
check("size after O_TRUNC", os.stat(f).st_size == 0)
os.chmod(f, 0o600)
check("mode after chmod", os.stat(f).st_mode & 0o777 == 0o600)
c0 = os.stat(f).st_ctime_ns
time.sleep(0.02)
os.link(f, f"{m}/fresh.link")
st = os.stat(f)
check("nlink after link", st.st_nlink == 2)
check("ctime after link", st.st_ctime_ns != c0)
os.unlink(f"{m}/fresh.link")
check("nlink after unlink of the other name", os.stat(f).st_nlink == 1)
os.mkdir(f"{m}/d")
d0 = os.stat(f"{m}/d")
time.sleep(0.02)
os.mkdir(f"{m}/d/sub")
d1 = os.stat(f"{m}/d")
check("directory nlink after mkdir in it", d1.st_nlink == d0.st_nlink + 1)
check("directory mtime after mkdir in it", d1.st_mtime_ns != d0.st_mtime_ns)
time.sleep(0.02)
os.close(os.open(f"{m}/d/file", os.O_CREAT | os.O_WRONLY, 0o644))
d2 = os.stat(f"{m}/d")
check("directory mtime after create in it", d2.st_mtime_ns != d1.st_mtime_ns)
time.sleep(0.02)
os.rename(f"{m}/d/file", f"{m}/d/sub/file")
d3 = os.stat(f"{m}/d")
check("directory mtime after rename out of it", d3.st_mtime_ns != d2.st_mtime_ns)
c1 = os.stat(f).st_ctime_ns
time.sleep(0.02)
try:
    os.setxattr(f, "user.k", b"v")
    check("ctime after setxattr", os.stat(f).st_ctime_ns != c1)
except OSError as e:
    print(f"setxattr not checked: {e}")
# atime: the server updates it on read and readlink (relatime: atime was
# not newer than mtime), the kernel asks again.
os.symlink("target", f"{m}/sym")
a0 = os.lstat(f"{m}/sym").st_atime_ns
time.sleep(0.02)
os.readlink(f"{m}/sym")
check("symlink atime after readlink", os.lstat(f"{m}/sym").st_atime_ns != a0)
r = f"{m}/readme"
with open(r, "wb") as w:
    w.write(b"data")
a0 = os.stat(r).st_atime_ns
time.sleep(0.02)
with open(r, "rb") as x:
    x.read()
check("atime after read", os.stat(r).st_atime_ns != a0)
# Many rounds of write+stat: never the size before the write.
g = f"{m}/rounds"
for i in range(1, 101):
    with open(g, "ab") as w:
        w.write(b"z" * 7)
    if os.stat(g).st_size != 7 * i:
        check(f"size after write round {i}", False)
        break
sys.exit(1 if bad else 0)
EOF
done

# --- a directory walk: the attributes come with the entries ---------------------
# N files made through one mount, listed with their attributes (ls -l, find)
# through another that has never seen them: Treaddirplus carries the
# attributes, so no Twalk or Tgetattr per entry, and they are the same as
# the first mount's stats.
mkdir "$M30/walk"
python3 -c 'import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(f"{d}/f{i}", "wb") as f:
        f.write(b"w" * i)
    os.chmod(f"{d}/f{i}", 0o600 + i % 64)' "$M30/walk" "$N" || fail "walk: files"
python3 -c 'import os, sys
d = sys.argv[1]
with open(sys.argv[2], "w") as out:
    for e in sorted(os.listdir(d)):
        st = os.lstat(f"{d}/{e}")
        print(e, st.st_ino, oct(st.st_mode), st.st_size, st.st_mtime_ns, file=out)' "$M30/walk" "$T/walk.want" ||
  fail "walk: stats through the first mount"
w0=$(ops Twalk) g0=$(getattrs) p0=$(ops Treaddirplus)
python3 -c 'import os, sys
d = sys.argv[1]
with open(sys.argv[2], "w") as out:
    for e in sorted(os.scandir(d), key=lambda e: e.name):
        st = e.stat(follow_symlinks=False)
        print(e.name, st.st_ino, oct(st.st_mode), st.st_size, st.st_mtime_ns, file=out)' "$M2/walk" "$T/walk.got" ||
  fail "walk: listing through the second mount"
w1=$(ops Twalk) g1=$(getattrs) p1=$(ops Treaddirplus)
echo "listing $N new entries: $((w1 - w0)) Twalk, $((g1 - g0)) Tgetattr, $((p1 - p0)) Treaddirplus"
cmp -s "$T/walk.want" "$T/walk.got" && ok "walk: same attributes through both mounts" ||
  fail "walk: attributes differ between the mounts: $(diff "$T/walk.want" "$T/walk.got" | head -5)"
[ $((p1 - p0)) -ge 1 ] && [ $((w1 - w0 + g1 - g0)) -le $((N / 10)) ] &&
  ok "walk: no walk or getattr per entry" ||
  fail "walk: $N entries cost $((w1 - w0)) Twalk + $((g1 - g0)) Tgetattr and $((p1 - p0)) Treaddirplus"

# --- chmod and utimes: one message each ------------------------------------------
# Tsetattrplus answers with the attributes after the change: no Tgetattr.
g0=$(getattrs) s0=$(ops Tsetattrplus)
python3 -c 'import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    os.chmod(f"{d}/f{i}", 0o640)
    os.utime(f"{d}/f{i}", (1000000000, 1000000000 + i))
for i in range(n):
    st = os.stat(f"{d}/f{i}")
    if st.st_mode & 0o777 != 0o640 or st.st_mtime != 1000000000 + i:
        sys.exit(f"f{i}: mode {oct(st.st_mode)} mtime {st.st_mtime}")' "$M30/walk" "$N" ||
  fail "chmod/utimes: stale attributes (above)"
g1=$(getattrs) s1=$(ops Tsetattrplus)
echo "$N chmod + $N utimes + $N stats: $((s1 - s0)) Tsetattrplus, $((g1 - g0)) Tgetattr"
[ $((s1 - s0)) -ge $((2 * N)) ] && [ $((g1 - g0)) -le $((N / 10)) ] &&
  ok "chmod/utimes: one Tsetattrplus each, no Tgetattr" ||
  fail "chmod/utimes: $((s1 - s0)) Tsetattrplus and $((g1 - g0)) Tgetattr for $N of each"

# --- unlink and rmdir: the directory's attributes come with the reply ----------------
# Tunlinkatplus answers with the directory's attributes after the removal,
# which the kernel asks for next: no Tgetattr, and nothing stale.
mkdir "$M30/walk/sub" || fail "mkdir walk/sub"
g0=$(getattrs) u0=$(ops Tunlinkatplus)
python3 -c 'import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    os.unlink(f"{d}/f{i}")
    os.stat(d)
os.rmdir(f"{d}/sub")' "$M30/walk" "$N" || fail "unlink: python (above)"
g1=$(getattrs) u1=$(ops Tunlinkatplus)
echo "$N unlink + 1 rmdir, each with a stat of the directory: $((u1 - u0)) Tunlinkatplus, $((g1 - g0)) Tgetattr"
[ $((u1 - u0)) -ge $((N + 1)) ] && [ $((g1 - g0)) -le $((N / 10)) ] &&
  ok "unlink/rmdir: one Tunlinkatplus each, no Tgetattr of the directory" ||
  fail "unlink/rmdir: $((u1 - u0)) Tunlinkatplus and $((g1 - g0)) Tgetattr for $((N + 1))"
# The directory as this mount sees it and as the server has it (attr_timeout=0).
dir_attrs() { python3 -c 'import os, sys; s = os.stat(sys.argv[1]); print(s.st_nlink, s.st_size, s.st_mtime_ns, s.st_ctime_ns)' "$1"; }
[ "$(dir_attrs "$M30/walk")" = "$(dir_attrs "$M0/walk")" ] &&
  ok "unlink/rmdir: the directory's attributes are the server's" ||
  fail "unlink/rmdir: directory $(dir_attrs "$M30/walk") through the mount, $(dir_attrs "$M0/walk") on the server"

# --- rename: both directories' attributes come with the reply -------------------------
# Trenameat2 answers with both directories' attributes after the rename,
# which the kernel asks for before the next lookup in each. What is left is
# the lookup of each new name (a walk and a Tgetattr that fail): about N,
# where asking for the directories cost 3N (and the walks 2N: the moved
# file's fid was dropped).
mkdir "$M30/ra" "$M30/rb" || fail "mkdir ra rb"
python3 -c 'import sys
for i in range(int(sys.argv[2])): open(f"{sys.argv[1]}/f{i}", "w").close()' "$M30/ra" "$N"
g0=$(getattrs) r0=$(ops Trenameat2) w0=$(ops Twalk)
python3 -c 'import os, sys
a, b, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    os.rename(f"{a}/f{i}", f"{b}/g{i}")' "$M30/ra" "$M30/rb" "$N" || fail "rename: python (above)"
g1=$(getattrs) r1=$(ops Trenameat2) w1=$(ops Twalk)
echo "$N renames across directories: $((r1 - r0)) Trenameat2, $((g1 - g0)) Tgetattr, $((w1 - w0)) Twalk"
# The moved files keep their fids (a zerofs server's fids name inodes):
# the kernel's ctime setattr after each rename walks nothing.
[ $((w1 - w0)) -le $((N + N / 4)) ] &&
  ok "rename: the moved file's fid is kept (no walk after the rename)" ||
  fail "rename: $((w1 - w0)) Twalk for $N renames (a walk per lookup at most)"
[ $((r1 - r0)) -ge "$N" ] && [ $((g1 - g0)) -le $((N + N / 4)) ] &&
  ok "rename: one Trenameat2 each, no Tgetattr of the directories" ||
  fail "rename: $((r1 - r0)) Trenameat2 and $((g1 - g0)) Tgetattr for $N"
for d in ra rb; do
  [ "$(dir_attrs "$M30/$d")" = "$(dir_attrs "$M0/$d")" ] &&
    ok "rename: the attributes of $d are the server's" ||
    fail "rename: $d is $(dir_attrs "$M30/$d") through the mount, $(dir_attrs "$M0/$d") on the server"
done

# --- negative lookups: cached for negative_timeout (1 s by default) ------------------
# 100 stats of a missing name cost one walk; this mount's own creation of the
# name shows at once; another client's after the timeout.
w0=$(ops Twalk)
python3 -c 'import os, sys
for i in range(100):
    try:
        os.stat(sys.argv[1])
        sys.exit("exists")
    except FileNotFoundError:
        pass' "$M2/missing" || fail "negative: stat of a missing name"
w1=$(ops Twalk)
echo "100 stats of a missing name: $((w1 - w0)) Twalk"
[ $((w1 - w0)) -le 3 ] && ok "negative: lookups of a missing name cached" ||
  fail "negative: 100 stats of a missing name cost $((w1 - w0)) Twalk (expected <= 3)"
printf own > "$M2/missing"
[ "$(cat "$M2/missing" 2>/dev/null)" = own ] && ok "negative: own creation seen at once" ||
  fail "negative: a file this mount created is not seen"
stat "$M2/missing2" > /dev/null 2>&1 && fail "negative: missing2 exists"
printf other > "$M0/missing2"
sleep 1.3
[ "$(cat "$M2/missing2" 2>/dev/null)" = other ] && ok "negative: another client's creation seen after the timeout" ||
  fail "negative: another client's creation not seen after negative_timeout"
# open(O_CREAT) without O_EXCL of a name the kernel holds as missing, made
# meanwhile by another client, opens that file (not EEXIST: Tlcreate
# without O_EXCL opens an existing file, as open(2) does).
stat "$M2/late" > /dev/null 2>&1 && fail "negative: late exists"
printf first > "$M0/late"
python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)
os.write(fd, b"+second")
os.close(fd)' "$M2/late" && ok "negative: O_CREAT open of a name made meanwhile opens it" ||
  fail "negative: O_CREAT open of a name another client made failed"
# (read through a mount whose kernel holds no pages of it)
[ "$(cat "$M30/late")" = first+second ] || fail "negative: late holds '$(cat "$M30/late")', expected first+second"
# Names another client makes in a directory this mount made show within
# negative_timeout (the mount knows that directory's names until then), and
# lookups there of names nobody made need no walk.
mkdir "$M2/made"
printf x > "$M0/made/theirs"
w0=$(ops Twalk)
python3 -c 'import os, sys
for i in range(100):
    try:
        os.stat(f"{sys.argv[1]}/none{i}")
        sys.exit(f"none{i} exists")
    except FileNotFoundError:
        pass' "$M2/made" || fail "dirnames: stats of missing names"
w1=$(ops Twalk)
[ $((w1 - w0)) -le 3 ] && ok "dirnames: 100 missing names in a directory this mount made: $((w1 - w0)) Twalk" ||
  fail "dirnames: 100 missing names in a directory this mount made cost $((w1 - w0)) Twalk"
sleep 1.1
[ "$(cat "$M2/made/theirs" 2>/dev/null)" = x ] && ok "dirnames: another client's name seen after negative_timeout" ||
  fail "dirnames: another client's name in a directory this mount made not seen after negative_timeout"

# --- getxattr(security.capability) before each write: answered by the mount --------
# The kernel asks before every write(2) under the write-back cache; the
# mount keeps the absence (xattr_misses.h). A capability set by another
# client is still dropped by the write: the server does it.
printf x > "$M30/xw"
x0=$(ops Txattrwalk)
python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)
for i in range(100):
    os.write(fd, b"y" * 4096)
os.close(fd)' "$M30/xw" || fail "xattr: writes"
x1=$(ops Txattrwalk)
echo "100 writes: $((x1 - x0)) Txattrwalk"
[ $((x1 - x0)) -le 3 ] && ok "xattr: 100 writes cost $((x1 - x0)) getxattr round trips" ||
  fail "xattr: 100 writes cost $((x1 - x0)) Txattrwalk (expected <= 3)"
python3 -c 'import os, struct, sys
p, q = sys.argv[1], sys.argv[2]
os.setxattr(q, "user.seen", b"1")
if os.getxattr(p, "user.seen") != b"1":
    sys.exit("own setxattr not seen")
# vfs_cap_data revision 2: cap_net_raw permitted (the kernel checks the form)
os.setxattr(q, "security.capability", struct.pack("<5I", 0x02000000, 1 << 13, 0, 0, 0))
with open(p, "ab") as f:
    f.write(b"z")
try:
    os.getxattr(q, "security.capability")
    sys.exit("security.capability survived a write")
except OSError:
    pass' "$M30/xw" "$M0/xw" && ok "xattr: a write drops another client's security.capability" ||
  fail "xattr: capabilities after a write (above)"

# Under the write-back cache the kernel keeps its own size and times of a
# regular file and ignores the server's, so other clients' changes are shown
# by the mode. mode_of uses stat(2), which asks for st_blocks: the kernel
# asks the mount after a close.
mode_of() { python3 -c 'import os, sys; print(oct(os.stat(sys.argv[1]).st_mode & 0o7777))' "$1"; }

# --- another client's change: seen within attr_timeout (2 s) -------------------
# (entry_timeout=30: no lookup refreshes the attributes meanwhile.)
printf abc > "$M0/other"
chmod 644 "$M0/other"
[ "$(mode_of "$M2/other")" = 0o644 ] || fail "second mount: mode $(mode_of "$M2/other"), expected 0o644"
chmod 600 "$M0/other"
sleep 2.3
m=$(mode_of "$M2/other")
[ "$m" = 0o600 ] && ok "another client's chmod seen after attr_timeout" ||
  fail "another client's chmod not seen after attr_timeout (mode $m, expected 0o600)"

# --- a reconnect empties the cache ---------------------------------------------
# (entry_timeout=30 and attr_timeout=30 on this mount: only a getattr after
# the close below can bring the new mode.)
printf 12345 > "$M30/re"
chmod 644 "$M30/re"
[ "$(mode_of "$M30/re")" = 0o644 ] || fail "mode before the restart"
e2e_zerofs_restart || fail "server restart"
chmod 600 "$M0/re"         # another client, after the restart
stat -f "$M30" > /dev/null # the first mount reconnects (statfs: no attributes)
# open+close (no read: a read drops the entry for atime): the kernel asks the
# mount again
python3 -c 'import os, sys; os.close(os.open(sys.argv[1], os.O_RDONLY))' "$M30/re"
m=$(mode_of "$M30/re")
[ "$m" = 0o600 ] && ok "after a reconnect the cache is empty" ||
  fail "stale mode $m after a reconnect (expected 0o600)"

[ $failures = 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all attribute cache checks passed"
