#!/usr/bin/env bash
# Starts radosgw (start-rgw.sh), runs the S3 test binary with its S3_TEST_*
# environment, and stops radosgw again whatever happens.
#   run-s3-tests.sh path/to/s3_store_test [gtest args...]
# Exits 77 (skip) when the Ceph packages are not installed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$1"
shift

env_file="$(mktemp)"
"$here/start-rgw.sh" >"$env_file"
rc=$?
if [ "$rc" -ne 0 ]; then
  rm -f "$env_file"
  exit "$rc"
fi
# shellcheck disable=SC1090
. "$env_file"
rm -f "$env_file"
trap '"$here/stop-rgw.sh" "$S3_TEST_DIR"' EXIT INT TERM

"$binary" "$@"
