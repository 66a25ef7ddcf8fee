#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/CMakeLists.txt) with clang in build-fuzz
# and runs each for a short time from its seed corpus. Fails on any crash,
# sanitizer report, leak, timeout or out-of-memory.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 20 s, all)
# Findings are kept in build-fuzz/fuzz-artifacts/ (rerun one with
# build-fuzz/fuzz/TARGET FILE); logs in build-fuzz/fuzz-logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(nfs_fuzz ninep_fuzz nbd_fuzz codec_fuzz key_file_fuzz)
fi
build="build-fuzz"
start=$(date +%s)

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DZEROFS_FUZZ=ON -DZEROFS_WERROR=ON "${launcher[@]}" >/dev/null
ninja -C "$build" "${targets[@]}" >/dev/null
echo "fuzz.sh: built in $(( $(date +%s) - start ))s; running ${secs}s per target"

seeds_of() {
  case "$1" in
    nbd_fuzz) echo src/nbd/fuzz_corpus ;;
    *) echo "fuzz/corpus/$1" ;;
  esac
}

failed=0
for t in "${targets[@]}"; do
  work=$build/fuzz-work/$t logs=$build/fuzz-logs arts=$build/fuzz-artifacts
  rm -rf "$work"
  mkdir -p "$work" "$logs" "$arts"
  # New inputs go to the scratch dir (first); the committed seeds stay as they are.
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
      -print_final_stats=1 -artifact_prefix="$arts/$t-" "$work" "$(seeds_of "$t")" \
      >"$logs/$t.log" 2>&1; then
    init=$(grep -m1 -o 'INITED cov: [0-9]* ft: [0-9]*' "$logs/$t.log" || true)
    done_=$(grep -o 'DONE *cov: [0-9]* ft: [0-9]*' "$logs/$t.log" | tail -1 | tr -s ' ' || true)
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$logs/$t.log" | grep -o '[0-9]*$' || true)
    echo "fuzz.sh: $t ok: seeds ${init#INITED } -> ${done_#DONE }, $runs runs," \
      "corpus $(find "$work" -type f | wc -l) new inputs"
  else
    echo "fuzz.sh: $t FAILED (log $logs/$t.log, inputs in $arts/):"
    grep -E -A25 'ERROR: |runtime error|==ERROR|deadly signal|timeout|out-of-memory' \
      "$logs/$t.log" | head -60
    failed=1
  fi
done
echo "fuzz.sh: finished in $(( $(date +%s) - start ))s"
exit $failed
