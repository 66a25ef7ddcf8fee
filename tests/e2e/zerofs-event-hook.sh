#!/bin/bash
# run-guest.sh --on-event hook for the zerofs e2e tests: `restart` stops the zerofs
# server described by $E2E_STATE with SIGTERM (it must exit 0) and starts it again on
# the same ports, while the guest keeps using its mount.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/host-lib.sh"
case ${1:-} in
  restart) e2e_zerofs_restart ;;
  *) echo "zerofs-event-hook: unknown event ${1:-}" >&2; exit 1 ;;
esac
