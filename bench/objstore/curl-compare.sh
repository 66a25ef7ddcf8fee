#!/usr/bin/env bash
# The requests bench_objstore makes, done by curl (--aws-sigv4) against the
# same S3 endpoint, to put ZeroFS's numbers next to a reference client.
#   S3_TEST_* from tests/integration/s3/start-rgw.sh must be set.
#   bench/objstore/curl-compare.sh [count=8] [small=100]
# Throughput: `count` objects per size, 4 at a time (like --threads 4); curl's
# own timing excludes process start-up for the latency figures.
set -euo pipefail
count="${1:-8}"
small="${2:-100}"
: "${S3_TEST_ENDPOINT:?run start-rgw.sh first}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
base="$S3_TEST_ENDPOINT/$S3_TEST_BUCKET/curlbench-$$"
sig=(--aws-sigv4 "aws:amz:${S3_TEST_REGION:-us-east-1}:s3" --user "$S3_TEST_ACCESS_KEY:$S3_TEST_SECRET_KEY"
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -s -f)
now() { date +%s.%N; }

printf '%10s %12s %12s\n' size "PUT MiB/s" "GET MiB/s"
for mib in 1 4 16 64; do
  head -c "$((mib << 20))" /dev/urandom >"$tmp/obj"
  t0="$(now)"
  seq 0 $((count - 1)) | xargs -P 4 -I{} curl "${sig[@]}" -T "$tmp/obj" "$base/${mib}m/{}" -o /dev/null
  t1="$(now)"
  seq 0 $((count - 1)) | xargs -P 4 -I{} curl "${sig[@]}" "$base/${mib}m/{}" -o /dev/null
  t2="$(now)"
  python3 -c "m=$mib*$count; print('%8d M %12.1f %12.1f' % ($mib, m/($t1-$t0), m/($t2-$t1)))"
done
head -c 4096 /dev/urandom >"$tmp/small"
for i in $(seq 1 "$small"); do
  curl "${sig[@]}" -T "$tmp/small" "$base/small/$i" -o /dev/null -w '%{time_total}\n' >>"$tmp/put"
  curl "${sig[@]}" "$base/small/$i" -o /dev/null -w '%{time_total}\n' >>"$tmp/get"
done
python3 - "$tmp/put" "$tmp/get" "$small" <<'PY'
import sys
def pct(path, p):
    v = sorted(float(x) * 1000 for x in open(path))
    return v[min(len(v) - 1, int(p * len(v)))]
print("4 KiB x %s sequential: PUT p50 %.2f ms p99 %.2f ms | GET p50 %.2f ms p99 %.2f ms (curl, new connection each)"
      % (sys.argv[3], pct(sys.argv[1], .5), pct(sys.argv[1], .99), pct(sys.argv[2], .5), pct(sys.argv[2], .99)))
PY
# Clean up with the bucket listing (keys under curlbench-$$).
for mib in 1 4 16 64; do
  for i in $(seq 0 $((count - 1))); do curl "${sig[@]}" -X DELETE "$base/${mib}m/$i" -o /dev/null || true; done
done
for i in $(seq 1 "$small"); do curl "${sig[@]}" -X DELETE "$base/small/$i" -o /dev/null || true; done
