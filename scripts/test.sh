#!/usr/bin/env bash
# The one test command (README "Test"; .ci/run calls exactly this).
# Installs dependencies, builds the release and the sanitizer (ASan+UBSan)
# configurations with warnings as errors, and runs every default test:
# unit tests in both builds, then integration/crash tests in the release build.
# Set ZEROFS_SLOW_TESTS=1 for the long soaks (not part of the default run).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

scripts/install-deps.sh
scripts/format.sh --check

jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZEROFS_WERROR=ON >/dev/null
ninja -C build
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DZEROFS_SANITIZE=ON -DZEROFS_WERROR=ON >/dev/null
ninja -C build-asan unit_tests

echo "== unit tests under ASan+UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -L unit -j"$jobs" --output-on-failure
echo "== all tests (release build)"
ctest --test-dir build -j"$jobs" --output-on-failure
echo "test.sh: finished in $(( $(date +%s) - start ))s"
