# Guest-side helpers for the e2e tests (busybox sh). run-guest.sh sources this file at
# the top of every guest script. The host is 10.0.2.2 (QEMU user networking).
#
#   mount_nfs PORT DIR [MOUNTPORT] [EXTRA_OPTS]   NFSv3 over TCP, no rpcbind, nolock
#   mount_9p PORT DIR [EXTRA_OPTS]                9P2000.L over TCP, access=user
#   attach_nbd PORT EXPORT DEV                    nbd-client, waits for the device size
#   detach_nbd DEV
#   tree_create DIR [NFILES]                      deterministic tree of files (default 200)
#   tree_manifest DIR                             checksums + metadata on stdout
#   tree_workload DIR REMOUNT_CMD [NFILES]        create, remount, verify, tar, rename, rm
#   run_conformance DIR [ARGS...]                 zerofs-conformance on DIR
#   guest_event NAME                              asks the host to run its event hook
#   step NAME / check COND... / fail MSG          logging and assertions
#
# E2E_TREE_FILES sets the default tree size (200). E2E_HOST overrides the server address (default 10.0.2.2); E2E_NFS_EXPORT the NFS
# export path (default /); E2E_9P_ANAME the 9P attach name (default none).

E2E_HOST=${E2E_HOST:-10.0.2.2}
E2E_NFS_EXPORT=${E2E_NFS_EXPORT:-/}
E2E_FAILS=0
# coreutils' sha256sum (32 KiB reads) when the initramfs has it: busybox sh runs its
# own applets before searching PATH, so it must be named by path.
E2E_SHA256SUM=sha256sum
[ -x /usr/bin/sha256sum ] && E2E_SHA256SUM=/usr/bin/sha256sum

# ---------------------------------------------------------------- logging
# e2e_ms: guest uptime in milliseconds (busybox date has no %N).
e2e_ms() { local _up _x; read -r _up _x < /proc/uptime; echo $(( ${_up%.*} * 1000 + 1${_up#*.}0 - 1000 )); }
E2E_T0=$(e2e_ms)
# e2e_now: seconds since the guest script started, one decimal.
e2e_now() { local _t=$(( $(e2e_ms) - E2E_T0 )); echo "$((_t / 1000)).$((_t % 1000 / 100))"; }
step() { echo "== [$(e2e_now)s] $*"; }
fail() { echo "FAIL: $*"; E2E_FAILS=$((E2E_FAILS + 1)); return 1; }
# check DESCRIPTION CMD...: runs CMD, records a failure if it fails.
check() {
  local _ck_desc="$1"; shift
  if "$@"; then echo "ok: $_ck_desc"; return 0; fi
  fail "$_ck_desc (command: $*)"
}
# die MSG: stops the guest script now with status 1.
die() { echo "FATAL: $*"; exit 1; }
# finish: exits 0 if no check failed, else 1.
finish() {
  if [ "$E2E_FAILS" = 0 ]; then step "all checks passed"; exit 0; fi
  step "$E2E_FAILS check(s) failed"; exit 1
}
guest_event() { echo "ZEROFS-E2E-EVENT=$1"; }

# ---------------------------------------------------------------- mounts
# The kernel's text mount API needs addr= (mount.nfs normally adds it); busybox mount
# passes the options through to mount(2) unchanged.
mount_nfs() {
  _port=$1 _dir=$2 _mport=${3:-$1} _extra=${4:-}
  mkdir -p "$_dir"
  _o="vers=3,proto=tcp,port=$_port,mountport=$_mport,mountproto=tcp,nolock,addr=$E2E_HOST,mountaddr=$E2E_HOST"
  [ -n "$_extra" ] && _o="$_o,$_extra"
  mount -t nfs -o "$_o" "$E2E_HOST:$E2E_NFS_EXPORT" "$_dir"
}

mount_9p() {
  _port=$1 _dir=$2 _extra=${3:-}
  mkdir -p "$_dir"
  _o="trans=tcp,port=$_port,version=9p2000.L,access=user,msize=1048576"
  [ -n "${E2E_9P_ANAME:-}" ] && _o="$_o,aname=$E2E_9P_ANAME"
  [ -n "$_extra" ] && _o="$_o,$_extra"
  mount -t 9p -o "$_o" "$E2E_HOST" "$_dir"
}

attach_nbd() {
  _port=$1 _export=$2 _dev=$3
  nbd-client "$E2E_HOST" "$_port" "$_dev" -N "$_export" || return 1
  _n=0 _b=$(basename "$_dev")
  while [ "$(cat /sys/block/$_b/size 2>/dev/null || echo 0)" = 0 ]; do
    _n=$((_n + 1)); [ $_n -gt 100 ] && { echo "attach_nbd: $_dev has no size"; return 1; }
    sleep 0.1
  done
}

detach_nbd() { nbd-client -d "$1"; }

# ---------------------------------------------------------------- file trees
# A deterministic ~2.3 MB byte pattern (text digits and gzip output), made once.
e2e_pattern() {
  if [ ! -f /tmp/e2e-pattern ]; then
    { seq 1 300000; seq 1 100000 | gzip -1; } > /tmp/e2e-pattern
  fi
  echo /tmp/e2e-pattern
}

# tree_create DIR [NFILES]: NFILES (default 200) files in nested directories with sizes
# from 0 bytes to 1 MiB + 1 (sizes around the 4 KiB page and 32 KiB extent edges), a
# sparse file, symlinks and hard links. The same NFILES always gives the same tree.
# Each file is written by one dd with one write(2) call: under TCG every round trip to
# the server costs milliseconds, so the writes must not be split into 4 KiB pieces.
tree_create() {
  local _root=$1 _n=${2:-${E2E_TREE_FILES:-200}} _pat _i _d _k _size _off
  _pat=$(e2e_pattern)
  mkdir -p "$_root" || return 1
  set -- 0 1 17 511 4095 4096 4097 8191 32767 32768 32769 65536 100003 131073 262147
  _i=0
  while [ $_i -lt "$_n" ]; do
    _d="$_root/d$((_i % 7))/s$((_i % 3))"
    [ -d "$_d" ] || mkdir -p "$_d" || return 1
    _k=$((_i % $# + 1))
    eval "_size=\${$_k}"
    # One file in 50 is 1 MiB + 1 byte.
    [ $((_i % 50)) = 49 ] && _size=1048577
    _off=$((_i * 7919 % 1000000))
    # Odd files are 0600, through the umask (a chmod would cost one more process).
    if [ $((_i % 2)) = 0 ]; then umask 022; else umask 077; fi
    if [ "$_size" = 0 ]; then
      : > "$_d/f$_i" || { umask 022; return 1; }
    else
      dd if="$_pat" of="$_d/f$_i" bs="$_size" count=1 skip="$_off" iflag=skip_bytes 2>/dev/null || { umask 022; return 1; }
    fi
    _i=$((_i + 1))
  done
  umask 022
  mkdir -p "$_root/links" "$_root/empty/dir"
  ln -s ../d0/s0/f0 "$_root/links/rel" && ln -s /nonexistent "$_root/links/dangling" &&
    ln "$_root/d1/s1/f1" "$_root/links/hard" || return 1
  # Sparse: 3 MiB with data at 0, at 1 MiB and at the very end.
  _d="$_root/sparse"
  dd if="$_pat" of="$_d" bs=4096 count=1 2>/dev/null &&
    dd if="$_pat" of="$_d" bs=70000 count=1 skip=12345 iflag=skip_bytes seek=1048576 oflag=seek_bytes conv=notrunc 2>/dev/null &&
    truncate -s 3145728 "$_d" &&
    dd if="$_pat" of="$_d" bs=100 count=1 seek=3145628 oflag=seek_bytes conv=notrunc 2>/dev/null || return 1
}

# tree_manifest DIR: one line per entry with type, mode, size, link count and sha256 or
# link target, sorted by path. Directory sizes and times are not included.
# Batched (find -exec ... +) because every fork is slow under TCG.
tree_manifest() {
  (cd "$1" || exit 1
   {
     find . -type l -exec stat -c 'l %n -> %N' {} + | sed 's/ -> .* -> / -> /'
     find . -type d -exec stat -c 'd %n %a' {} +
     find . -type f -exec stat -c 'f %n %a %s %h' {} +
     find . -type f -exec "$E2E_SHA256SUM" {} + | awk '{ print "h " $2 " " $1 }'
   } | LC_ALL=C sort -k2,2 -k1,1)
}

# tree_workload DIR REMOUNT_CMD [NFILES]: creates a tree in DIR/tree, records its
# manifest, runs REMOUNT_CMD (a shell command that unmounts and mounts again, so the
# data is read back from the server rather than the page cache), verifies the manifest,
# archives the tree with tar and extracts it again, renames and finally deletes both.
tree_workload() {
  local _w=$1 _remount=$2 _nf=${3:-${E2E_TREE_FILES:-200}} _nfind
  rm -rf "$_w/tree" "$_w/tree2" "$_w/tree.moved" /tmp/tree.tar
  step "tree: creating $_nf files in $_w/tree"
  tree_create "$_w/tree" "$_nf" || { fail "tree_create"; return 1; }
  tree_manifest "$_w/tree" > /tmp/manifest.before || { fail "manifest"; return 1; }
  step "tree: $(wc -l < /tmp/manifest.before) entries, $(du -sk "$_w/tree" | cut -f1) KiB; remounting"
  sync
  eval "$_remount" || { fail "remount ($_remount)"; return 1; }
  step "tree: verifying after remount"
  tree_manifest "$_w/tree" > /tmp/manifest.after
  if ! cmp -s /tmp/manifest.before /tmp/manifest.after; then
    diff /tmp/manifest.before /tmp/manifest.after | head -n 40
    fail "tree differs after remount"; return 1
  fi
  echo "ok: tree identical after remount"
  step "tree: tar round trip, rename, find, delete"
  (cd "$_w" && tar cf /tmp/tree.tar tree) || { fail "tar c"; return 1; }
  mkdir -p "$_w/tree2" && (cd "$_w/tree2" && tar xf /tmp/tree.tar) || { fail "tar x"; return 1; }
  tree_manifest "$_w/tree2/tree" > /tmp/manifest.tar
  # tar extracts hard links as links too, so the manifests must match exactly.
  cmp -s /tmp/manifest.before /tmp/manifest.tar || { diff /tmp/manifest.before /tmp/manifest.tar | head -n 20; fail "tree differs after tar x"; return 1; }
  echo "ok: tar round trip"
  mv "$_w/tree" "$_w/tree.moved" || { fail "rename tree"; return 1; }
  [ ! -e "$_w/tree" ] && [ -f "$_w/tree.moved/d0/s0/f0" ] || { fail "rename not visible"; return 1; }
  _nfind=$(find "$_w/tree.moved" -type f | wc -l)
  [ "$_nfind" -eq "$((_nf + 2))" ] || { fail "find saw $_nfind files, expected $((_nf + 2))"; return 1; }
  find "$_w/tree.moved" -exec stat -c '%n' {} + > /dev/null || { fail "stat of every entry"; return 1; }
  rm -rf "$_w/tree.moved" "$_w/tree2" || { fail "rm -rf"; return 1; }
  [ ! -e "$_w/tree.moved" ] && [ ! -e "$_w/tree2" ] || { ls -la "$_w"; fail "entries left after rm -rf"; return 1; }
  rm -f /tmp/tree.tar
  echo "ok: tree workload"
}

# ---------------------------------------------------------------- conformance suite
# e2e_lines_in SET FILE / e2e_lines_not_in SET FILE: the lines of FILE that are (are
# not) whole lines of SET; either file may be empty.
e2e_lines_in() { awk -v set="$1" 'FILENAME == set { s[$0] = 1; next } $0 in s' "$1" "$2"; }
e2e_lines_not_in() { awk -v set="$1" 'FILENAME == set { s[$0] = 1; next } !($0 in s)' "$1" "$2"; }

# run_conformance DIR [ARGS...]: runs zerofs-conformance (copied into the guest with
# run-guest.sh --bin) in a fresh DIR/conformance. Slow cases stay skipped unless ARGS
# has --slow. Prints the summary line and the failures, and records a failure unless
# every failing case is listed in the file $E2E_CONFORMANCE_XFAIL (one case title per
# line, as printed after "FAIL "; # comments): cases the Linux client itself cannot
# pass, whatever the server does. Listed cases that pass are reported (XPASS).
# E2E_CONFORMANCE_REPORT_ONLY=1: report, never record a failure.
run_conformance() {
  local _cd=$1 _bin _rc _sum _unexp
  shift
  _bin=$(command -v zerofs-conformance) || { fail "zerofs-conformance not in the guest (run-guest.sh --bin)"; return 1; }
  mkdir -p "$_cd/conformance" || { fail "mkdir $_cd/conformance"; return 1; }
  step "conformance on $_cd/conformance $*"
  "$_bin" --dir "$_cd/conformance" "$@" > /tmp/conformance.out 2>&1
  _rc=$?
  tail -n 200 /tmp/conformance.out
  _sum=$(grep '^conformance:' /tmp/conformance.out | tail -n1)
  step "conformance exit $_rc: ${_sum:-no summary line}"
  rm -rf "$_cd/conformance"
  [ -n "$_sum" ] || { fail "conformance suite printed no summary on $_cd"; return 1; }
  sed -n 's/^FAIL \(.*\)$/\1/p' /tmp/conformance.out | sed 's/: cannot create case directory: .*$//' | sort -u > /tmp/conformance.failed
  if [ -n "${E2E_CONFORMANCE_XFAIL:-}" ] && [ -f "$E2E_CONFORMANCE_XFAIL" ]; then
    grep -v -e '^#' -e '^[[:space:]]*$' "$E2E_CONFORMANCE_XFAIL" | sort -u > /tmp/conformance.xfail
  else
    : > /tmp/conformance.xfail
  fi
  # Set operations with awk, not grep -f: busybox grep with an empty pattern file
  # matches every line, which once counted every failure as expected.
  _unexp=$(e2e_lines_not_in /tmp/conformance.xfail /tmp/conformance.failed)
  e2e_lines_in /tmp/conformance.xfail /tmp/conformance.failed | sed 's/^/XFAIL (listed as expected): /'
  e2e_lines_not_in /tmp/conformance.failed /tmp/conformance.xfail | sed 's/^/XPASS (listed as expected to fail, passed or not run): /'
  if [ -n "$_unexp" ]; then
    [ "${E2E_CONFORMANCE_REPORT_ONLY:-0}" = 1 ] && return 1
    fail "conformance suite on $_cd: $(echo "$_unexp" | wc -l) unexpected failure(s)"
    return 1
  fi
  [ $_rc = 0 ] || [ -s /tmp/conformance.failed ] || { fail "conformance exited $_rc without FAIL lines"; return 1; }
  echo "ok: conformance suite on $_cd"
}
