# Host-side helpers for the e2e test scripts (bash). Sourced, not run.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_CACHE=${ZEROFS_E2E_CACHE:-$HOME/.cache/zerofs-e2e}
E2E_SKIP=77

e2e_log() { echo "[$(date +%T)] $*" >&2; }
e2e_skip() { echo "SKIP: $*" >&2; exit $E2E_SKIP; }
e2e_fail() { echo "FAIL: $*" >&2; exit 1; }

# The tests never download anything: without a prepared cache they are skipped.
e2e_require_prepared() {
  command -v qemu-system-x86_64 > /dev/null ||
    e2e_skip "qemu-system-x86_64 is not installed; run scripts/e2e-prepare.sh"
  [ -f "$E2E_CACHE/env.sh" ] ||
    e2e_skip "no prepared guest in $E2E_CACHE; run scripts/e2e-prepare.sh"
}

# A TCP port nobody listens on right now.
e2e_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 30000))
}

e2e_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# e2e_wait_port PORT SECS [PID]: waits until 127.0.0.1:PORT accepts connections.
# Returns 1 on timeout, 2 if PID exited first.
e2e_wait_port() {
  local port=$1 secs=$2 pid=${3:-} i=0
  while [ $i -lt $((secs * 10)) ]; do
    e2e_port_open "$port" && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 2; fi
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

# e2e_stop PID [SECS]: SIGTERM, wait up to SECS (default 30), then SIGKILL. Returns
# the process's exit status (only meaningful for children of this shell), 137 if it
# had to be killed.
e2e_stop() {
  local pid=$1 secs=${2:-30} i=0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return $?; }
  kill -TERM "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null && [ $i -lt $((secs * 10)) ]; do
    sleep 0.1; i=$((i + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    e2e_log "pid $pid did not exit within ${secs}s of SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 137
  fi
  wait "$pid" 2>/dev/null
}

# ---------------------------------------------------------------- zerofs server
# e2e_zerofs_config DIR PROTO PORT [EXTRA_TOML]: writes DIR/zerofs.toml for a file://
# store under DIR serving PROTO (nfs, ninep or nbd) on 127.0.0.1:PORT.
e2e_zerofs_config() {
  local dir=$1 proto=$2 port=$3 extra=${4:-}
  mkdir -p "$dir/store" "$dir/cache"
  cat > "$dir/zerofs.toml" <<EOF
[storage]
url = "file://$dir/store"
encryption_password = "e2e"

[cache]
dir = "$dir/cache"

[servers.$proto]
addresses = ["127.0.0.1:$port"]
$extra
EOF
}

# The running server is described by files in E2E_STATE (a directory the test creates)
# so that a separate process (the restart hook run by run-guest.sh --on-event) can stop
# and start it: bin, config, log, ports, pid (of zerofs itself) and, once it exited,
# rc.N (its exit status, N = instance number).

# e2e_zerofs_start BINARY CONFIG LOG PORT...: starts `zerofs run -c CONFIG` in the
# background and waits for every PORT. Skips the test (exit 77) when this build cannot
# serve yet: `zerofs run` reports the command or server as not available, or the ports
# never open. Fails if the server exited otherwise.
e2e_zerofs_start() {
  local bin=$1 config=$2 log=$3; shift 3
  [ -n "${E2E_STATE:-}" ] || e2e_fail "E2E_STATE is not set"
  mkdir -p "$E2E_STATE"
  [ -x "$bin" ] || e2e_skip "no zerofs binary at $bin"
  echo "$bin" > "$E2E_STATE/bin"; echo "$config" > "$E2E_STATE/config"
  echo "$log" > "$E2E_STATE/log"; echo "$*" > "$E2E_STATE/ports"
  e2e_zerofs_launch || exit $?
}

# Starts the server described by E2E_STATE; returns 77 / 1 as e2e_zerofs_start exits.
e2e_zerofs_launch() {
  local bin config log n port rc pid i
  bin=$(cat "$E2E_STATE/bin"); config=$(cat "$E2E_STATE/config"); log=$(cat "$E2E_STATE/log")
  n=$(( $(cat "$E2E_STATE/instance" 2>/dev/null || echo 0) + 1 ))
  echo $n > "$E2E_STATE/instance"
  rm -f "$E2E_STATE/pid"
  e2e_log "starting zerofs #$n: $bin run -c $config (log $log)"
  echo "---- zerofs instance $n, $(date +%T)" >> "$log"
  # E2E_TEST_USERS=1: the server sees the conformance suite's users in its
  # user database (9P carries no groups; with-test-users.sh says why).
  local users=""
  [ "${E2E_TEST_USERS:-0}" = 1 ] && users="$(dirname "${BASH_SOURCE[0]}")/with-test-users.sh"
  # A wrapper that records the exit status, so whoever stops it can check it.
  bash -c '$6 "$1" run -c "$2" >> "$3" 2>&1 & echo $! > "$4/pid"; wait $!; echo $? > "$4/rc.$5"' \
    wrapper "$bin" "$config" "$log" "$E2E_STATE" "$n" "$users" < /dev/null > /dev/null 2>&1 &
  for i in $(seq 1 100); do [ -s "$E2E_STATE/pid" ] && break; sleep 0.05; done
  pid=$(cat "$E2E_STATE/pid" 2>/dev/null) || { echo "FAIL: could not start $bin" >&2; return 1; }
  for port in $(cat "$E2E_STATE/ports"); do
    e2e_wait_port "$port" "${E2E_START_SECS:-60}" "$pid"
    rc=$?
    [ $rc = 0 ] && continue
    if [ $rc = 2 ]; then
      for i in $(seq 1 50); do [ -f "$E2E_STATE/rc.$n" ] && break; sleep 0.1; done
      rc=$(cat "$E2E_STATE/rc.$n" 2>/dev/null || echo "?")
      if [ "$rc" != 0 ] && grep -qiE 'not (yet )?(available|implemented|built|supported)|unsupported|pending' "$log"; then
        echo "SKIP: the zerofs server is not available in this build yet (zerofs run exited $rc: $(tail -n 3 "$log" | tr '\n' ' '))" >&2
        return 77
      fi
      echo "FAIL: zerofs run exited $rc before port $port opened; log:" >&2
      tail -n 30 "$log" >&2
      return 1
    fi
    e2e_zerofs_stop 10 > /dev/null 2>&1
    if [ "$n" = 1 ]; then
      echo "SKIP: port $port never opened: zerofs run did not start that server within ${E2E_START_SECS:-60}s (not available yet?); log: $(tail -n 5 "$log" | tr '\n' ' ')" >&2
      return 77
    fi
    echo "FAIL: restarted zerofs did not open port $port" >&2
    return 1
  done
  e2e_log "zerofs #$n is up (pid $pid)"
}

# e2e_zerofs_stop [SECS]: SIGTERM to the running server; returns 1 unless it exits 0
# within SECS (default 60).
e2e_zerofs_stop() {
  local secs=${1:-60} n pid rc i
  [ -s "${E2E_STATE:-/nonexistent}/pid" ] || return 0
  n=$(cat "$E2E_STATE/instance"); pid=$(cat "$E2E_STATE/pid")
  rm -f "$E2E_STATE/pid"
  e2e_log "stopping zerofs #$n (SIGTERM to $pid)"
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 $((secs * 10))); do [ -f "$E2E_STATE/rc.$n" ] && break; sleep 0.1; done
  if [ ! -f "$E2E_STATE/rc.$n" ]; then
    echo "FAIL: zerofs #$n did not exit within ${secs}s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null
    return 1
  fi
  rc=$(cat "$E2E_STATE/rc.$n")
  [ "$rc" = 0 ] || { echo "FAIL: zerofs #$n exited $rc after SIGTERM (expected 0)" >&2; return 1; }
  e2e_log "zerofs #$n exited 0"
}

# e2e_zerofs_restart: stop (must exit 0) and start again on the same ports. Used as the
# run-guest.sh event hook through zerofs-event-hook.sh.
e2e_zerofs_restart() {
  e2e_zerofs_stop || return 1
  e2e_zerofs_launch || return 1
  echo restarted >> "$E2E_STATE/restarts"
}

# e2e_setup_zerofs_test NAME: checks the prerequisites, makes E2E_TMP and E2E_STATE and
# installs the cleanup trap (stops zerofs, removes E2E_TMP unless E2E_KEEP=1).
e2e_setup_zerofs_test() {
  e2e_require_prepared
  E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/zerofs-e2e-$1.XXXXXX")
  E2E_STATE=$E2E_TMP/state
  export E2E_STATE
  mkdir -p "$E2E_STATE"
  chmod 755 "$E2E_TMP"
  trap e2e_cleanup EXIT
  trap 'exit 130' INT TERM
}

e2e_cleanup() {
  local rc=$?
  if [ -s "${E2E_STATE:-/nonexistent}/pid" ]; then e2e_zerofs_stop 20 > /dev/null 2>&1; fi
  if [ "${E2E_KEEP:-0}" = 1 ] || { [ $rc != 0 ] && [ $rc != 77 ]; }; then
    echo "e2e: kept $E2E_TMP (zerofs log: $E2E_TMP/zerofs.log)" >&2
    [ $rc != 0 ] && [ -f "$E2E_TMP/zerofs.log" ] && { echo "---- zerofs log (tail)" >&2; tail -n 40 "$E2E_TMP/zerofs.log" >&2; }
  else
    rm -rf "$E2E_TMP"
  fi
}

# e2e_guest_args CONFORMANCE_BIN: run-guest.sh arguments common to the zerofs tests.
e2e_guest_args() {
  E2E_GUEST_ARGS=(--timeout "${E2E_GUEST_TIMEOUT:-780}" --log "$E2E_TMP/console.log"
                  --env "E2E_TREE_FILES=${E2E_TREE_FILES:-100}"
                  --env "CONFORMANCE_ARGS=${E2E_CONFORMANCE_ARGS:-}")
  # A 9P attach name, for servers that need one (fake-zerofs.sh: @STORE@/export).
  if [ -n "${E2E_9P_ANAME:-}" ]; then
    E2E_GUEST_ARGS+=(--env "E2E_9P_ANAME=${E2E_9P_ANAME//@STORE@/$E2E_TMP/store}")
  fi
  if [ -n "${1:-}" ]; then
    [ -x "$1" ] || e2e_fail "no conformance binary at $1"
    E2E_GUEST_ARGS+=(--bin "$1:/opt/zerofs/bin/zerofs-conformance")
  fi
}

# e2e_store_kib: size of the object store directory in KiB.
e2e_store_kib() { du -sk "$E2E_TMP/store" 2>/dev/null | cut -f1; }
