#!/usr/bin/env bash
# The one test command (README "Test"; .ci/run calls exactly this).
# Installs dependencies, builds the release and the sanitizer (ASan+UBSan)
# configurations with warnings as errors, and runs every default test:
# unit tests in both builds, integration/crash tests in the release build,
# then a short run of each fuzz target (scripts/fuzz.sh).
# The QEMU kernel-client tests (tests/e2e) are part of the default run:
# scripts/e2e-prepare.sh prepares the guest first; ZEROFS_E2E=0 leaves them out.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

scripts/install-deps.sh
scripts/format.sh --check

jobs=$(nproc)
e2e=OFF
if [ "${ZEROFS_E2E:-1}" = 1 ]; then
  scripts/e2e-prepare.sh
  e2e=ON
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZEROFS_WERROR=ON -DZEROFS_E2E=$e2e >/dev/null
ninja -C build
# Unity build: the sanitizer build compiles every layer from scratch in CI,
# and as a few large translation units it takes a third of the time.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DZEROFS_SANITIZE=ON -DZEROFS_WERROR=ON \
  -DZEROFS_UNITY_BUILD=ON >/dev/null
ninja -C build-asan unit_tests

echo "== unit tests under ASan+UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -L unit -j"$jobs" --output-on-failure
echo "== all tests (release build)"
ctest --test-dir build -j"$jobs" --output-on-failure
# Fuzz targets (clang build in build-fuzz), ZEROFS_FUZZ_SECS seconds each.
echo "== fuzz targets"
scripts/fuzz.sh "${ZEROFS_FUZZ_SECS:-10}"
echo "test.sh: finished in $(( $(date +%s) - start ))s"
