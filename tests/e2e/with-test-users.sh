#!/usr/bin/env bash
# with-test-users.sh CMD [ARG...]: runs CMD (exec'd, so with this process's pid)
# in a private mount namespace whose /etc/passwd and /etc/group also know the
# conformance suite's users (tests/conformance/case.h): uid 1001 with primary
# group 1001 and supplementary group 3000, uid 1002 with group 1002. Entries
# with those ids on this machine are left out of the copies; the machine's own
# files are not changed.
#
# Why: 9P2000.L carries a caller's uid but never its groups, so the ZeroFS 9P
# server takes them from its own user database (docs/protocol/9p2000l.md,
# "Identity"). Deployments give the server the same users as the clients
# (files, LDAP); the tests do the same with this wrapper. Needs root.
set -euo pipefail
if [ "${1:-}" != --inside ]; then
  exec unshare --mount --propagation private "$0" --inside "$@"
fi
shift
dir=$(mktemp -d)
awk -F: '$3 != 1001 && $3 != 1002' /etc/passwd > "$dir/passwd"
printf '%s\n' 'zfs-u1:x:1001:1001::/nonexistent:/usr/sbin/nologin' \
  'zfs-u2:x:1002:1002::/nonexistent:/usr/sbin/nologin' >> "$dir/passwd"
awk -F: '$3 != 1001 && $3 != 1002 && $3 != 3000' /etc/group > "$dir/group"
printf '%s\n' 'zfs-g1:x:1001:' 'zfs-g2:x:1002:' 'zfs-shared:x:3000:zfs-u1' >> "$dir/group"
mount --bind "$dir/passwd" /etc/passwd
mount --bind "$dir/group" /etc/group
rm -rf "$dir"  # the bind mounts keep the files
exec "$@"
