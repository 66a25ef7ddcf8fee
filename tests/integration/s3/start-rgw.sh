#!/usr/bin/env bash
# Brings up a throwaway single-node Ceph cluster (one monitor, one memstore
# OSD, no auth, pool size 1) and a radosgw S3 gateway on 127.0.0.1, creates a
# user with fixed keys and a bucket, and prints shell variable assignments:
#
#   eval "$(tests/integration/s3/start-rgw.sh)"    # sets S3_TEST_*; ~12 s
#   ... use $S3_TEST_ENDPOINT, $S3_TEST_ACCESS_KEY, $S3_TEST_SECRET_KEY,
#       $S3_TEST_BUCKET, $S3_TEST_REGION ...
#   tests/integration/s3/stop-rgw.sh "$S3_TEST_DIR"
#
# Everything (data, sockets, logs, pid files) lives in one temp directory, so
# several clusters can run side by side. Exits 77 (CTest "skip") when the
# Ceph packages are missing: scripts/install-deps.sh installs them. The
# settings follow /work/shared/notes/test-servers.md (measured gotchas:
# osd class/crush update on start = false, beast tcp_nodelay=1).
set -euo pipefail

for tool in ceph ceph-mon ceph-osd ceph-authtool monmaptool radosgw radosgw-admin curl python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "start-rgw: '$tool' is missing; run scripts/install-deps.sh" >&2
    exit 77
  fi
done

ACCESS_KEY="${S3_TEST_ACCESS_KEY:-ZEROFSTESTACCESSKEY1}"
SECRET_KEY="${S3_TEST_SECRET_KEY:-zerofs/test/secret/key/0123456789abcdefXYZ}"
BUCKET="${S3_TEST_BUCKET:-zerofs-test}"
REGION="us-east-1"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

DIR="$(mktemp -d "${TMPDIR:-/tmp}/zerofs-rgw-XXXXXX")"
log() { echo "start-rgw: $*" >&2; }
fail() {
  log "$*; logs in $DIR/log"
  tail -n 20 "$DIR"/log/*.log >&2 2>/dev/null || true
  "$(dirname "$0")/stop-rgw.sh" "$DIR" >&2 || true
  exit 1
}

MON_PORT="$(free_port)"
RGW_PORT="$(free_port)"
FSID="$(python3 -c 'import uuid; print(uuid.uuid4())')"
CONF="$DIR/ceph.conf"
mkdir -p "$DIR/log" "$DIR/run" "$DIR/mon" "$DIR/osd0" "$DIR/rgw"

cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon host = 127.0.0.1:$MON_PORT
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
ms bind ipv6 = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
client mount timeout = 30
rgw init timeout = 60
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 4294967296
osd class update on start = false
osd crush update on start = false
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
keyring = $DIR/keyring
mon data = $DIR/mon/\$name
osd data = $DIR/osd0
rgw data = $DIR/rgw
[client.rgw.test]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw dns name = localhost
# radosgw asks for "secure" monitor connections by default, which auth none
# cannot provide (the client then fails with -13 for minutes).
ms mon client mode = crc
EOF

C=(-c "$CONF")
log "cluster in $DIR (mon 127.0.0.1:$MON_PORT, rgw 127.0.0.1:$RGW_PORT)"
ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --add a "127.0.0.1:$MON_PORT" --fsid "$FSID" "$DIR/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" 2>>"$DIR/log/setup.log" ||
  fail "ceph-mon --mkfs failed"
ceph-mon "${C[@]}" -i a || fail "ceph-mon did not start"

OSD_UUID="$(python3 -c 'import uuid; print(uuid.uuid4())')"
OSD_ID="$(timeout 30 ceph "${C[@]}" osd new "$OSD_UUID" 2>>"$DIR/log/setup.log")" ||
  fail "ceph osd new failed (monitor not reachable?)"
ceph-osd "${C[@]}" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >>"$DIR/log/setup.log" 2>&1 ||
  fail "ceph-osd --mkfs failed"
ceph-osd "${C[@]}" -i "$OSD_ID" 2>>"$DIR/log/setup.log" || fail "ceph-osd did not start"
ceph "${C[@]}" osd crush add "osd.$OSD_ID" 1.0 root=default >/dev/null 2>>"$DIR/log/setup.log" ||
  fail "ceph osd crush add failed"

for _ in $(seq 1 120); do
  if ceph "${C[@]}" osd stat 2>/dev/null | grep -q "1 up"; then break; fi
  sleep 0.25
done
ceph "${C[@]}" osd stat 2>/dev/null | grep -q "1 up" || fail "the OSD never came up"

radosgw "${C[@]}" -n client.rgw.test 2>>"$DIR/log/setup.log" || fail "radosgw did not start"
for _ in $(seq 1 240); do
  if curl -s -o /dev/null "http://127.0.0.1:$RGW_PORT/"; then break; fi
  sleep 0.25
done
curl -s -o /dev/null "http://127.0.0.1:$RGW_PORT/" || fail "radosgw never answered on port $RGW_PORT"

radosgw-admin "${C[@]}" user create --uid zerofs-test --display-name "ZeroFS test" \
  --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" >/dev/null 2>>"$DIR/log/setup.log" ||
  fail "radosgw-admin user create failed"

# curl 7.88 needs the payload hash header spelled out (notes, "curl and awscli").
status=""
for _ in $(seq 1 40); do
  status="$(curl -s -o "$DIR/log/create-bucket.xml" -w '%{http_code}' -X PUT \
    --aws-sigv4 "aws:amz:$REGION:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "http://127.0.0.1:$RGW_PORT/$BUCKET")" || true
  if [ "$status" = "200" ]; then break; fi
  sleep 0.25
done
[ "$status" = "200" ] || fail "creating bucket $BUCKET answered HTTP $status"

log "ready"
cat <<EOF
S3_TEST_DIR=$DIR
S3_TEST_ENDPOINT=http://127.0.0.1:$RGW_PORT
S3_TEST_REGION=$REGION
S3_TEST_ACCESS_KEY=$ACCESS_KEY
S3_TEST_SECRET_KEY=$SECRET_KEY
S3_TEST_BUCKET=$BUCKET
export S3_TEST_DIR S3_TEST_ENDPOINT S3_TEST_REGION S3_TEST_ACCESS_KEY S3_TEST_SECRET_KEY S3_TEST_BUCKET
EOF
