#!/bin/sh
# Runs zerofs-conformance against a fresh directory on the local disk, so the
# expectations are checked against Linux itself. Usage: run_localdisk.sh BINARY
# [PARENT_DIR] [extra args...]. PARENT_DIR defaults to $TMPDIR or /tmp; CTest
# passes the build directory because /tmp may be tmpfs (no user xattrs on old
# kernels; the suite probes and skips rather than fails).
set -eu
bin=$1
parent=${2:-${TMPDIR:-/tmp}}
[ $# -ge 2 ] && shift 2 || shift $#
dir=$(mktemp -d "$parent/zerofs-conformance.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
"$bin" --dir "$dir" "$@"
