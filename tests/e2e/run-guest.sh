#!/bin/bash
# Boots Debian's Linux kernel in a QEMU guest (TCG) with the e2e initramfs built by
# scripts/e2e-prepare.sh, runs GUEST_SCRIPT inside it as root and exits with its exit
# status.
#
# Usage: run-guest.sh GUEST_SCRIPT [options]
#   --timeout SECS       kill the guest after SECS seconds (default 600) and fail (124)
#   --mem MB             guest memory (default 1024)
#   --smp N              guest CPUs (default 2)
#   --env NAME=VALUE     export NAME in the guest script (repeatable)
#   --bin HOST[:GUEST]   copy an executable and its shared libraries (ldd) into the
#                        guest (default GUEST: /opt/zerofs/bin/NAME) (repeatable)
#   --file HOST:GUEST    copy a file into the guest (repeatable)
#   --log FILE           console log (default: a temp file, removed if the script
#                        exits 0, kept and named otherwise)
#   --on-event CMD       when the guest prints "ZEROFS-E2E-EVENT=NAME" (guest_event NAME
#                        in guest-lib.sh), run `CMD NAME` on the host; the guest does not
#                        wait for it. If CMD fails, run-guest.sh fails (after the guest).
#   --append ARGS        extra kernel command line
#
# The guest script runs under busybox sh with guest-lib.sh already sourced and the
# --env variables exported. The host is 10.0.2.2 in the guest (QEMU user networking),
# so a server on the host's 127.0.0.1:PORT is reached at 10.0.2.2:PORT.
#
# Exit status: the guest script's status; 124 on timeout; 125 when the harness itself
# could not run (no prepared cache, no qemu); 1 if the guest never reported a status.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${ZEROFS_E2E_CACHE:-$HOME/.cache/zerofs-e2e}

die() { echo "run-guest: error: $*" >&2; exit 125; }

[ $# -ge 1 ] || die "usage: run-guest.sh GUEST_SCRIPT [--timeout SECS] [--mem MB] ..."
script=$1; shift
[ -f "$script" ] || die "no guest script $script"
timeout_s=600
mem=1024
smp=2
log=""
on_event=""
append=""
envs=()
bins=()
files=()
while [ $# -gt 0 ]; do
  case $1 in
    --timeout) timeout_s=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --smp) smp=$2; shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --bin) bins+=("$2"); shift 2 ;;
    --file) files+=("$2"); shift 2 ;;
    --log) log=$2; shift 2 ;;
    --on-event) on_event=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done

[ -f "$cache/env.sh" ] || die "no $cache/env.sh: run scripts/e2e-prepare.sh first"
# shellcheck source=/dev/null
. "$cache/env.sh"
[ -f "${ZEROFS_E2E_KERNEL:-}" ] && [ -f "${ZEROFS_E2E_INITRD:-}" ] ||
  die "kernel or initramfs missing: run scripts/e2e-prepare.sh"
qemu=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not installed: run scripts/e2e-prepare.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/zerofs-e2e-guest.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
temp_log=0
if [ -z "$log" ]; then
  log=$(mktemp "${TMPDIR:-/tmp}/zerofs-e2e-console.XXXXXX.log")
  temp_log=1
fi
: > "$log"

# The per-run archive: /test.sh (a header with the environment, then the script),
# /guest-lib.sh, extra binaries and files. Appended to the base initramfs (the kernel
# unpacks concatenated cpio archives in order).
x="$work/extra"
mkdir -p "$x/opt/zerofs/bin"
cp "$here/guest-lib.sh" "$x/guest-lib.sh"
{
  echo "#!/bin/sh"
  for kv in "${envs[@]+"${envs[@]}"}"; do
    name=${kv%%=*}
    value=${kv#*=}
    printf "export %s='%s'\n" "$name" "$(printf '%s' "$value" | sed "s/'/'\\\\''/g")"
  done
  echo "export PATH=/opt/zerofs/bin:\$PATH"
  echo ". /guest-lib.sh"
  echo "# ---- $(basename "$script")"
  cat "$script"
} > "$x/test.sh"
chmod 755 "$x/test.sh"
add_file() {  # HOST GUEST
  mkdir -p "$x$(dirname "$2")"
  cp -L "$1" "$x$2"
}
for spec in "${bins[@]+"${bins[@]}"}"; do
  src=${spec%%:*}
  dst=/opt/zerofs/bin/$(basename "$src")
  [ "$spec" != "$src" ] && dst=${spec#*:}
  [ -x "$src" ] || die "--bin $src: not an executable"
  add_file "$src" "$dst"
  for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
    [ -e "$x$lib" ] || add_file "$lib" "$lib"
  done
done
for spec in "${files[@]+"${files[@]}"}"; do
  [ -f "${spec%%:*}" ] || die "--file ${spec%%:*}: no such file"
  add_file "${spec%%:*}" "${spec#*:}"
done
(cd "$x" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$work/extra.cpio.gz"
cat "$ZEROFS_E2E_INITRD" "$work/extra.cpio.gz" > "$work/initrd"

# The plain ELF vmlinux (PVH entry) when e2e-prepare.sh could extract it: it skips the
# bzImage's self-decompression, ~10 s under TCG.
kernel=$ZEROFS_E2E_KERNEL
[ -n "${ZEROFS_E2E_VMLINUX:-}" ] && [ -s "$ZEROFS_E2E_VMLINUX" ] && kernel=$ZEROFS_E2E_VMLINUX
cmd=("$qemu" -accel tcg,thread=multi -cpu max -m "$mem" -smp "$smp"
     -nographic -no-reboot
     -kernel "$kernel" -initrd "$work/initrd"
     -append "console=ttyS0 quiet loglevel=4 panic=-1 rdinit=/init $append"
     -netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=
     -pidfile "$work/qemu.pid")

echo "run-guest: booting $ZEROFS_E2E_KERNEL_VERSION ($(basename "$script"), timeout ${timeout_s}s, console log $log)" >&2
start=$(date +%s)
event_fail="$work/event-failed"
timeout --foreground -k 10 "$timeout_s" "${cmd[@]}" < /dev/null 2>&1 |
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    printf '%s\n' "$line"
    printf '%s\n' "$line" >> "$log"
    case $line in
      ZEROFS-E2E-EVENT=*)
        ev=${line#ZEROFS-E2E-EVENT=}
        if [ -n "$on_event" ]; then
          echo "run-guest: event $ev" >&2
          if ! $on_event "$ev" >&2; then
            # The guest may now wait forever (a hard NFS mount): stop it.
            echo "run-guest: event hook failed for $ev; stopping the guest" >&2
            echo "$ev" >> "$event_fail"
            [ -s "$work/qemu.pid" ] && kill "$(cat "$work/qemu.pid")" 2>/dev/null
          fi
        fi
        ;;
    esac
  done
qemu_rc=${PIPESTATUS[0]}
elapsed=$(( $(date +%s) - start ))

rc=$(sed -n 's/^.*ZEROFS-E2E-EXIT=\([0-9][0-9]*\).*$/\1/p' "$log" | tail -n1)
if [ -s "$event_fail" ] && [ -z "$rc" ]; then
  echo "run-guest: host event hook failed for: $(tr '\n' ' ' < "$event_fail") (console log: $log)" >&2
  exit 1
fi
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
  echo "run-guest: TIMEOUT: the guest did not finish within ${timeout_s}s and was killed (console log: $log)" >&2
  exit 124
fi
if [ -z "$rc" ]; then
  echo "run-guest: the guest stopped without reporting a status (qemu exit $qemu_rc, ${elapsed}s; console log: $log)" >&2
  exit 1
fi
if [ -s "$event_fail" ]; then
  echo "run-guest: host event hook failed for: $(tr '\n' ' ' < "$event_fail") (console log: $log)" >&2
  [ "$rc" = 0 ] && rc=1
fi
echo "run-guest: guest script exited $rc after ${elapsed}s (console log: $log)" >&2
[ "$rc" = 0 ] && [ $temp_log = 1 ] && rm -f "$log"
exit "$rc"
