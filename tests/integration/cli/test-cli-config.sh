#!/usr/bin/env bash
# test-cli-config.sh ZEROFS_BINARY
#
# Runs the real zerofs binary and checks what a user sees: --version, --help
# on every command, `zerofs init` (to a file, to stdout, refusing to
# overwrite), and that configuration mistakes (unset ${VAR}, unknown key,
# wrong type, TOML syntax) make `run` and `fsck` exit non-zero with exactly
# one line on stderr that names the variable or key; SIGTERM flushes and
# exits 0, and a second SIGTERM ends a shutdown that cannot finish. Needs no
# network.
set -u

zerofs=${1:?usage: test-cli-config.sh PATH_TO_ZEROFS}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zerofs-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
mkdir -p "$HOME"
unset ZEROFS_CONFIG ZEROFS_TEST_UNSET_VAR
cd "$tmp" || exit 1

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*" >&2
  [ -s "$tmp/err" ] && sed 's/^/  stderr: /' "$tmp/err" >&2
}

# Runs zerofs with the given arguments; sets $rc, leaves output in out/err.
run() {
  "$zerofs" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

check() {  # check DESCRIPTION CONDITION...
  local what=$1
  shift
  if "$@"; then pass; else fail "$what"; fi
}

lines() { wc -l <"$1" | tr -d ' '; }

# --- version and help ---------------------------------------------------

run --version
check "--version exits 0" test "$rc" -eq 0
check "--version prints 'zerofs <version>'" grep -qxE 'zerofs [0-9]+\.[0-9]+\.[0-9]+.*' "$tmp/out"

run version
check "'version' prints the same as --version" grep -qxE 'zerofs [0-9]+\.[0-9]+\.[0-9]+.*' "$tmp/out"

run --help
check "--help exits 0 and shows usage" \
  bash -c "[ $rc -eq 0 ] && grep -q '^Usage: zerofs' '$tmp/out'"

for cmd in init run change-password fsck version; do
  run "$cmd" --help
  check "$cmd --help exits 0 and shows its usage" \
    bash -c "[ $rc -eq 0 ] && grep -q '^Usage: zerofs $cmd' '$tmp/out'"
done

run run
check "run without -c is a usage error (exit 2)" test "$rc" -eq 2

# --- init -----------------------------------------------------------------

run init "$tmp/first.toml"
check "init PATH exits 0" test "$rc" -eq 0
check "init PATH writes the file" test -s "$tmp/first.toml"
check "init PATH creates it mode 0600" test "$(stat -c %a "$tmp/first.toml")" = 600
check "init PATH prints the next command" grep -qF "zerofs run -c $tmp/first.toml" "$tmp/out"
check "init writes a generated 24-character password" \
  grep -qE '^encryption_password = "[A-Za-z0-9]{24}"$' "$tmp/first.toml"

run init
check "init with no PATH writes ./zerofs.toml" bash -c "[ $rc -eq 0 ] && [ -s '$tmp/zerofs.toml' ]"

before=$(md5sum <"$tmp/first.toml")
run init "$tmp/first.toml"
check "init refuses to overwrite (non-zero exit)" test "$rc" -ne 0
check "init refusal is one line naming the file and --force" \
  bash -c "[ \$(wc -l <'$tmp/err') -eq 1 ] && grep -q 'already exists.*--force' '$tmp/err'"
check "init refusal leaves the file unchanged" test "$(md5sum <"$tmp/first.toml")" = "$before"

run init --force "$tmp/first.toml"
check "init --force overwrites" \
  bash -c "[ $rc -eq 0 ] && [ \"\$(md5sum <'$tmp/first.toml')\" != '$before' ]"

run init -
check "init - exits 0" test "$rc" -eq 0
check "init - writes the config to stdout" \
  bash -c "grep -q '^\[storage\]' '$tmp/out' && grep -q '^url = ' '$tmp/out'"
check "init - writes nothing to stderr" test ! -s "$tmp/err"
check "init - creates no file named '-'" test ! -e "$tmp/-"

# --- configuration errors -------------------------------------------------

# expect_config_error NAME EXPECTED_STDERR_LINE (file content on stdin)
# EXPECTED may end in '*' to match a prefix.
expect_config_error() {
  local name=$1 expected=$2 file="$tmp/$1.toml" cmd
  cat >"$file"
  expected=${expected//@FILE@/$file}
  for cmd in run fsck; do
    run "$cmd" -c "$file"
    local line
    line=$(head -n 1 "$tmp/err")
    if [ "$rc" -eq 0 ]; then
      fail "$cmd with $name: exit code 0"
    elif [ "$(lines "$tmp/err")" -ne 1 ]; then
      fail "$cmd with $name: stderr has $(lines "$tmp/err") lines, want 1"
    elif [[ $expected == *'*' ]] && [[ $line != "${expected%\*}"* ]]; then
      fail "$cmd with $name: stderr '$line', want prefix '${expected%\*}'"
    elif [[ $expected != *'*' ]] && [[ $line != "$expected" ]]; then
      fail "$cmd with $name: stderr '$line', want '$expected'"
    else
      pass
    fi
  done
}

expect_config_error unset-var \
  "zerofs: @FILE@: storage.encryption_password: environment variable ZEROFS_TEST_UNSET_VAR is not set" <<'TOML'
[storage]
url = "file:///var/tmp/zerofs-cli-test"
encryption_password = "${ZEROFS_TEST_UNSET_VAR}"
[servers.nfs]
TOML

expect_config_error unknown-key \
  "zerofs: @FILE@: unknown key 'servers.nfs.adresses' (did you mean 'addresses'?)" <<'TOML'
[storage]
url = "file:///var/tmp/zerofs-cli-test"
encryption_password = "pw"
[servers.nfs]
adresses = ["127.0.0.1:2049"]
TOML

expect_config_error wrong-type \
  "zerofs: @FILE@: servers.nbd.addresses: expected an array of strings, got integer" <<'TOML'
[storage]
url = "file:///var/tmp/zerofs-cli-test"
encryption_password = "pw"
[servers.nbd]
addresses = 10809
TOML

expect_config_error syntax-error "zerofs: @FILE@:3:*" <<'TOML'
[storage]
url = "file:///var/tmp/zerofs-cli-test"
encryption_password =
TOML

expect_config_error missing-storage \
  "zerofs: @FILE@: missing [storage] section (storage.url and storage.encryption_password are required)" <<'TOML'
[servers.nfs]
TOML

expect_config_error bad-port \
  "zerofs: @FILE@: servers.nfs.addresses[0]: invalid address '127.0.0.1:0': port must be in 1..65535" <<'TOML'
[storage]
url = "file:///var/tmp/zerofs-cli-test"
encryption_password = "pw"
[servers.nfs]
addresses = ["127.0.0.1:0"]
TOML

run fsck -c "$tmp/does-not-exist.toml"
check "a missing config file is one line naming it" \
  bash -c "[ $rc -ne 0 ] && [ \$(wc -l <'$tmp/err') -eq 1 ] && grep -qF '$tmp/does-not-exist.toml' '$tmp/err'"

# --- run, change-password, unreachable store --------------------------------

export ZEROFS_TEST_FAST_KDF=1  # cheap Argon2id so the key steps take milliseconds

# An unusable store: the parent of the store directory is a regular file.
touch "$tmp/not-a-dir"
cat >"$tmp/unreachable.toml" <<TOML
[storage]
url = "file://$tmp/not-a-dir/store"
encryption_password = "pw"
TOML
run run -c "$tmp/unreachable.toml"
check "an unreachable store exits non-zero" test "$rc" -ne 0
check "an unreachable store is one line naming the URL" \
  bash -c "[ \$(wc -l <'$tmp/err') -eq 1 ] && grep -qF 'file://$tmp/not-a-dir/store' '$tmp/err'"

cat >"$tmp/live.toml" <<TOML
[storage]
url = "file://$tmp/live-store"
encryption_password = "old-password"
[cache]
dir = "$tmp/live-cache"
TOML
# run creates the store, and SIGTERM makes it flush and exit 0.
"$zerofs" run -c "$tmp/live.toml" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q "ready" "$tmp/err" && break; sleep 0.1; done
check "run reports ready" grep -q "ready" "$tmp/err"
kill -TERM "$pid"
wait "$pid"
rc=$?
check "run exits 0 on SIGTERM" test "$rc" -eq 0
check "run says everything was flushed" grep -q "flushed" "$tmp/err"
check "run created the key file" test -s "$tmp/live-store/zerofs.key"

key_before=$(md5sum <"$tmp/live-store/zerofs.key")
sed 's/old-password/wrong-password/' "$tmp/live.toml" >"$tmp/wrong.toml"
run run -c "$tmp/wrong.toml"
check "a wrong password exits non-zero" test "$rc" -ne 0
check "a wrong password says so in one line" \
  bash -c "[ \$(wc -l <'$tmp/err') -eq 1 ] && grep -q 'wrong encryption password' '$tmp/err'"
check "a wrong password changes nothing" test "$(md5sum <"$tmp/live-store/zerofs.key")" = "$key_before"

"$zerofs" change-password -c "$tmp/live.toml" <<<"new-password" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "change-password exits 0" test "$rc" -eq 0
check "change-password rewrote the key file" test "$(md5sum <"$tmp/live-store/zerofs.key")" != "$key_before"
sed 's/old-password/new-password/' "$tmp/live.toml" >"$tmp/new.toml"
"$zerofs" run -c "$tmp/new.toml" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q "ready" "$tmp/err" && break; sleep 0.1; done
check "the new password opens the store" grep -q "ready" "$tmp/err"
kill -TERM "$pid"
wait "$pid"
run run -c "$tmp/live.toml"
check "the old password no longer opens it" \
  bash -c "[ $rc -ne 0 ] && grep -q 'wrong encryption password' '$tmp/err'"
"$zerofs" change-password -c "$tmp/new.toml" </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
check "change-password with no input fails in one line" \
  bash -c "[ $rc -ne 0 ] && [ \$(wc -l <'$tmp/err') -eq 1 ]"

# A shutdown that cannot finish (the store went away: the final flush keeps
# retrying its uploads) still running after the first SIGTERM, and a second
# one exits at once with status 1 and says what is lost.
cat >"$tmp/gone.toml" <<TOML
[storage]
url = "file://$tmp/gone-store"
encryption_password = "old-password"
TOML
"$zerofs" run -c "$tmp/gone.toml" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q "ready" "$tmp/err" && break; sleep 0.1; done
rm -rf "$tmp/gone-store"
kill -TERM "$pid"
sleep 1.5
check "a shutdown that cannot flush keeps trying" kill -0 "$pid"
check "the first SIGTERM says a second one exits at once" grep -q "again to exit" "$tmp/err"
kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "a second SIGTERM exits within 5 s" bash -c "! kill -0 $pid 2>/dev/null"
wait "$pid"
rc=$?
check "a second SIGTERM exits 1" test "$rc" -eq 1
check "a second SIGTERM says changes are lost" grep -q "again: exiting without finishing the flush" "$tmp/err"

echo "cli_config: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
