#!/bin/bash
# A stand-in for `zerofs run -c CONFIG` built from peer servers, to exercise the e2e
# test scripts themselves before the ZeroFS servers exist:
#   [servers.ninep] -> diod exporting STORE_DIR/export (STORE_DIR from storage.url)
#   [servers.nbd]   -> nbdkit's file plugin serving the files of STORE_DIR/export/.nbd
#                      by export name (the same discovery rule as ZeroFS's /.nbd)
#   [servers.nfs]   -> not available (reported like an unbuilt server)
# Exits 0 on SIGTERM. Usage: fake-zerofs.sh run -c CONFIG
set -uo pipefail
[ "${1:-}" = run ] && [ "${2:-}" = -c ] && [ -f "${3:-}" ] || { echo "usage: $0 run -c CONFIG" >&2; exit 2; }
config=$3
section=""
declare -A addr
store=""
while IFS= read -r line; do
  case $line in
    \[*\]) section=${line#[}; section=${section%]} ;;
    url*=*) [ "$section" = storage ] && store=$(echo "$line" | sed 's/.*"file:\/\/\(.*\)".*/\1/') ;;
    addresses*=*) addr[$section]=$(echo "$line" | sed 's/.*\["\([^"]*\)".*/\1/') ;;
  esac
done < "$config"
[ -n "$store" ] || { echo "fake-zerofs: no file:// storage.url" >&2; exit 1; }
if [ -n "${addr[servers.nfs]:-}" ]; then
  echo "fake-zerofs: the NFS server is not available in this build yet" >&2; exit 1
fi
export_dir=$store/export
mkdir -p "$export_dir/.nbd"
chmod 755 "$store" "$export_dir"
pids=()
if [ -n "${addr[servers.ninep]:-}" ]; then
  diod -f -n -c /dev/null -L stderr -l "${addr[servers.ninep]}" -e "$export_dir" &
  pids+=($!)
fi
if [ -n "${addr[servers.nbd]:-}" ]; then
  nbdkit -f -i "${addr[servers.nbd]%:*}" -p "${addr[servers.nbd]##*:}" file dir="$export_dir/.nbd" &
  pids+=($!)
fi
trap 'kill "${pids[@]}" 2>/dev/null; wait; echo "fake-zerofs: stopped" >&2; exit 0' TERM INT
echo "fake-zerofs: serving $export_dir" >&2
wait
