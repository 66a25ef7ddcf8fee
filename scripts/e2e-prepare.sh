#!/bin/bash
# Prepares everything the end-to-end tests (tests/e2e/) need to boot Debian's Linux
# kernel in a QEMU guest (TCG) and mount ZeroFS from it:
#   - host packages (apt-get): qemu-system-x86, busybox-static, kmod, cpio, nbd-client,
#     e2fsprogs, and the peer servers used by the harness self-check (nbdkit, diod,
#     nfs-ganesha with its VFS backend and rpcbind, which ganesha needs to start);
#   - the newest Debian linux-image-6.1.0-*-amd64, fetched with `apt-get download` and
#     unpacked with `dpkg -x` into the cache;
#   - a base initramfs: busybox-static with applet links, the kernel modules for
#     virtio-net, NFSv3, 9P over TCP, NBD and ext4 (dependency order resolved on the
#     host with `modprobe -d ... --show-depends`), mkfs.ext4/e2fsck/nbd-client copied
#     from the host with their shared libraries, and an /init that brings up eth0
#     (QEMU user networking: 10.0.2.15/24, gateway 10.0.2.2 = the host's 127.0.0.1),
#     runs /test.sh, prints ZEROFS-E2E-EXIT=<status> and powers off.
#
# The cache directory is $ZEROFS_E2E_CACHE (default ~/.cache/zerofs-e2e). The script is
# idempotent: a second run only checks that everything is in place (a couple of
# seconds). It writes $CACHE/env.sh (ZEROFS_E2E_KERNEL, ZEROFS_E2E_INITRD, ...), which
# tests/e2e/run-guest.sh reads.
#
# Usage: scripts/e2e-prepare.sh [--no-install] [--rebuild]
#   --no-install  do not call apt-get install (packages must already be present)
#   --rebuild     rebuild the initramfs even if it looks current
set -euo pipefail

cache=${ZEROFS_E2E_CACHE:-$HOME/.cache/zerofs-e2e}
install_pkgs=1
rebuild=0
for a in "$@"; do
  case $a in
    --no-install) install_pkgs=0 ;;
    --rebuild) rebuild=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "e2e-prepare: unknown argument $a" >&2; exit 2 ;;
  esac
done

log() { echo "e2e-prepare: $*" >&2; }
die() { echo "e2e-prepare: error: $*" >&2; exit 1; }

# Bumped whenever the initramfs layout or /init changes, so cached images are rebuilt.
layout_version=3

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# ---------------------------------------------------------------- host packages
host_pkgs=(qemu-system-x86 busybox-static kmod cpio nbd-client e2fsprogs nbdkit diod
           nfs-ganesha nfs-ganesha-vfs rpcbind xz-utils)
apt_opts=(-o DPkg::Lock::Timeout=900 -y -q --no-install-recommends)

missing=()
for p in "${host_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ $install_pkgs = 1 ] || die "missing packages: ${missing[*]} (run without --no-install)"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  log "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get "${apt_opts[@]}" install "${missing[@]}" >&2; then
    log "apt-get install failed; updating package lists and retrying"
    $sudo apt-get -o DPkg::Lock::Timeout=900 -q update >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get "${apt_opts[@]}" install "${missing[@]}" >&2
  fi
fi

# ---------------------------------------------------------------- kernel
# The kernel the metapackage linux-image-amd64 points at (the current one), else the
# newest linux-image-6.1.0-N-amd64 the package lists know.
pick_kernel_pkg() {
  local dep
  dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n1)
  if [ -n "$dep" ]; then echo "$dep"; return; fi
  apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
    grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -V | tail -n1
}

kpkg=""
# Reuse an already unpacked kernel unless none is there: the tests must not depend on
# the package lists moving on.
if [ -f "$cache/kernel.pkg" ] && [ -d "$cache/kernel/$(cat "$cache/kernel.pkg")" ]; then
  kpkg=$(cat "$cache/kernel.pkg")
fi
if [ -z "$kpkg" ]; then
  kpkg=$(pick_kernel_pkg)
  if [ -z "$kpkg" ]; then
    log "no linux-image-6.1.0-*-amd64 in the package lists; running apt-get update"
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get -o DPkg::Lock::Timeout=900 -q update >&2
    kpkg=$(pick_kernel_pkg)
  fi
  [ -n "$kpkg" ] || die "cannot find a linux-image-6.1.0-*-amd64 package"
  kdir="$cache/kernel/$kpkg"
  tmp=$(mktemp -d "$cache/dl.XXXXXX")
  chmod 755 "$tmp"  # apt-get download runs as _apt when it can
  log "downloading $kpkg"
  (cd "$tmp" && apt-get download "$kpkg" >&2) || { rm -rf "$tmp"; die "apt-get download $kpkg failed"; }
  deb=$(ls "$tmp"/*.deb | head -n1)
  log "unpacking $(basename "$deb")"
  mkdir -p "$tmp/root"
  dpkg -x "$deb" "$tmp/root"
  mkdir -p "$cache/kernel"
  rm -rf "$kdir"
  mv "$tmp/root" "$kdir"
  rm -rf "$tmp"
  echo "$kpkg" > "$cache/kernel.pkg"
fi
kdir="$cache/kernel/$kpkg"
kver=${kpkg#linux-image-}
vmlinuz="$kdir/boot/vmlinuz-$kver"
[ -f "$vmlinuz" ] || die "no $vmlinuz in the unpacked kernel"
[ -d "$kdir/lib/modules/$kver" ] || die "no modules in the unpacked kernel"
if [ ! -f "$kdir/lib/modules/$kver/modules.dep" ] ||
   [ "$kdir/lib/modules/$kver/modules.dep" -ot "$kdir/boot/vmlinuz-$kver" ]; then
  log "depmod -b $kdir $kver"
  depmod -b "$kdir" "$kver"
fi

# The bzImage decompresses itself (xz) in ~10 s under TCG. QEMU boots the plain ELF
# vmlinux through its PVH entry (CONFIG_PVH=y in Debian's kernel) without that step, so
# extract it once; run-guest.sh falls back to the bzImage when this fails.
vmlinux="$cache/vmlinux-$kver"
if [ ! -s "$vmlinux" ] && [ ! -f "$vmlinux.failed" ]; then
  log "extracting vmlinux from the bzImage"
  off=$(LC_ALL=C grep -obUaP '\xfd\x37\x7a\x58\x5a\x00' "$vmlinuz" | head -n1 | cut -d: -f1)
  if [ -n "$off" ] &&
     { tail -c +$((off + 1)) "$vmlinuz" || true; } | xz -dc --single-stream > "$vmlinux.tmp" 2>/dev/null &&
     [ "$(head -c 4 "$vmlinux.tmp" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
    mv "$vmlinux.tmp" "$vmlinux"
  else
    rm -f "$vmlinux.tmp"
    : > "$vmlinux.failed"
    log "could not extract vmlinux; the guest boots the bzImage (slower)"
  fi
fi
[ -s "$vmlinux" ] || vmlinux=""

# ---------------------------------------------------------------- initramfs
initrd="$cache/initramfs-$kver.cpio.gz"
stamp="$cache/initramfs-$kver.stamp"
self_sum=$( (cat "$0"; echo "$layout_version") | sha256sum | cut -c1-16)
if [ $rebuild = 0 ] && [ -f "$initrd" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$self_sum" ]; then
  :
else
  log "building the initramfs for $kver"
  work=$(mktemp -d "$cache/initramfs.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  r="$work/root"
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,mnt,root,lib/modules,var/run}

  # busybox with every applet linked in /bin (the guest's /bin/sh).
  bb=/bin/busybox
  file -L "$bb" 2>/dev/null | grep -q 'statically linked' || bb=$(command -v busybox)
  cp "$bb" "$r/bin/busybox"
  for app in $("$r/bin/busybox" --list); do
    [ -e "$r/bin/$app" ] || ln -s busybox "$r/bin/$app"
  done

  # Host binaries with their shared libraries (ldd), for what busybox lacks.
  copy_with_libs() {  # HOST_PATH GUEST_PATH
    local src=$1 dst=$2 lib
    mkdir -p "$r/$(dirname "$dst")"
    rm -f "$r/$dst"
    cp -L "$src" "$r/$dst"
    for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
      [ -e "$r$lib" ] && continue
      mkdir -p "$r$(dirname "$lib")"
      cp -L "$lib" "$r$lib"
    done
  }
  for b in mke2fs e2fsck nbd-client; do
    p=$(PATH=/usr/sbin:/sbin:$PATH command -v "$b") || die "$b not found on the host"
    copy_with_libs "$p" "/usr/sbin/$b"
  done
  # coreutils' sha256sum reads 32 KiB at a time (busybox's 4 KiB): 8x fewer round trips
  # on a cache=none 9P mount. It shadows the busybox applet (/usr/bin comes first).
  copy_with_libs "$(command -v sha256sum)" /usr/bin/sha256sum
  ln -sf mke2fs "$r/usr/sbin/mkfs.ext4"
  ln -sf e2fsck "$r/usr/sbin/fsck.ext4"
  # mke2fs looks for its config; an empty one means built-in defaults.
  [ -f /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$r/etc/mke2fs.conf"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
  printf '127.0.0.1 localhost\n10.0.2.2 host\n' > "$r/etc/hosts"
  echo zerofs-e2e > "$r/etc/hostname"

  # Kernel modules in load order. `modprobe -d ROOT -S VER --show-depends MOD` prints
  # one "insmod PATH" line per module (dependencies first) and "builtin MOD" for
  # built-in ones; missing modules are an error for required ones only.
  mods_required="virtio_pci virtio_net nfsv3 nfs 9p 9pnet_fd nbd ext4 crc32c_generic"
  mods_optional="crc32c_intel crc16 af_packet"
  order="$work/order"
  : > "$order"
  for m in $mods_required $mods_optional; do
    if ! out=$(modprobe -d "$kdir" -S "$kver" --show-depends "$m" 2>&1); then
      case " $mods_required " in *" $m "*) die "module $m: $out" ;; esac
      continue
    fi
    echo "$out" | sed -n 's/^insmod \([^ ]*\).*/\1/p' >> "$order"
  done
  mdir="$r/lib/modules/$kver"
  mkdir -p "$mdir"
  : > "$r/etc/modules.order"
  awk '!seen[$0]++' "$order" | while read -r path; do
    name=$(basename "$path")
    case $name in
      *.ko.xz) xz -dc "$path" > "$mdir/${name%.xz}"; name=${name%.xz} ;;
      *.ko.zst) zstd -qdc "$path" > "$mdir/${name%.zst}"; name=${name%.zst} ;;
      *.ko.gz) gzip -dc "$path" > "$mdir/${name%.gz}"; name=${name%.gz} ;;
      *) cp "$path" "$mdir/$name" ;;
    esac
    echo "/lib/modules/$kver/$name" >> "$r/etc/modules.order"
  done
  [ -s "$r/etc/modules.order" ] || die "no modules selected"

  cat > "$r/init" <<'INIT'
#!/bin/sh
# ZeroFS e2e guest init: mounts the pseudo filesystems, loads the modules, brings up
# eth0 on QEMU user networking, runs /test.sh and powers off. The host (run-guest.sh)
# reads the exit status from the ZEROFS-E2E-EXIT= line on the console.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
echo 4 > /proc/sys/kernel/printk 2>/dev/null
while read -r m; do
  insmod "$m" 2>/tmp/insmod.err || {
    grep -q 'File exists' /tmp/insmod.err || echo "init: insmod $m: $(cat /tmp/insmod.err)"
  }
done < /etc/modules.order
hostname -F /etc/hostname
ip link set lo up
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
ip addr add 10.0.2.15/24 dev eth0
ip link set eth0 up
ip route add default via 10.0.2.2
rc=99
if [ -f /test.sh ]; then
  echo "ZEROFS-E2E-START"
  cd /root
  sh /test.sh
  rc=$?
  cd /
else
  echo "init: no /test.sh in the initramfs"
fi
sync
echo "ZEROFS-E2E-EXIT=$rc"
poweroff -f
sleep 5
echo o > /proc/sysrq-trigger
INIT
  chmod 755 "$r/init"

  (cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$work/initrd"
  mv "$work/initrd" "$initrd"
  echo "$self_sum" > "$stamp"
  rm -rf "$work"
  trap - EXIT
fi

cat > "$cache/env.sh.tmp" <<EOF
ZEROFS_E2E_KERNEL_VERSION=$kver
ZEROFS_E2E_KERNEL=$vmlinuz
ZEROFS_E2E_VMLINUX=$vmlinux
ZEROFS_E2E_INITRD=$initrd
EOF
mv "$cache/env.sh.tmp" "$cache/env.sh"
log "ready: kernel $kver, initramfs $(du -h "$initrd" | cut -f1) ($cache/env.sh)"
