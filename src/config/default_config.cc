#include "config/default_config.h"

#include <cassert>

#include "config/password.h"

namespace zerofs::config {

namespace {

constexpr std::string_view kPasswordMarker = "@ENCRYPTION_PASSWORD@";

// Keep in step with config/config_schema.h (default_config_test checks that
// every accepted key is documented here and that the text parses).
constexpr std::string_view kTemplate =
    R"(# zerofs.toml: configuration for ZeroFS, written by `zerofs init`.
#
# Start the servers with:   zerofs run -c zerofs.toml
#
# Syntax notes:
#  * Any string may refer to environment variables as ${NAME}; an unset
#    variable is an error at startup. Write $${ for a literal "${".
#  * In paths (and in file:// URLs) a leading "~/" is your home directory.
#  * Sizes ending in _gb are GiB (1024^3 bytes), _mb are MiB, _secs seconds.
#  * Lines of the form "# key = value" are optional settings, shown with their
#    default values; remove the "# " to change one. Unknown keys are errors.

[storage]
# Where the filesystem lives (required). One of:
#   file:///absolute/path    a local directory (no cloud account needed)
#   s3://bucket/prefix       Amazon S3 or an S3-compatible store, see [aws]
#   az://container/prefix    Azure Blob Storage, see [azure]
#   gs://bucket/prefix       Google Cloud Storage, see [gcp]
url = "file://~/.local/share/zerofs/data"

# Password protecting the encryption key of everything in the store
# (required). It was generated at random by `zerofs init`. KEEP A COPY IN A
# SAFE PLACE: without it the data cannot be read by anyone, including you.
# To keep it out of this file, use an environment variable instead, e.g.
# "${ZEROFS_PASSWORD}". Changing this value does not change the password of
# an existing store; use `zerofs change-password` for that.
encryption_password = "@ENCRYPTION_PASSWORD@"

# Compression of file data before encryption: "zstd" (level 3), "zstd-1"
# through "zstd-22", "lz4" (faster, larger output) or "none". It may be changed
# at any time; existing data stays readable.
# compression = "zstd"

# Size in MiB at which the open segment is sealed and uploaded (1..4096).
# Larger means fewer objects but more memory (up to three segments are held
# while uploads run) and a longer wait for the fsync after a large write.
# segment_size_mb = 64

# Seconds between periodic flushes: at most this much acknowledged but not
# yet fsync'd data is lost if the machine crashes.
# flush_interval_secs = 5

# Seconds between metadata snapshots; shorter means faster restarts after a
# crash, at the cost of more uploads.
# snapshot_interval_secs = 300

# At startup ZeroFS checks that the store enforces conditional writes
# (If-None-Match / If-Match), which keep a second writer from corrupting it.
# Only set this for a store known not to, with a single writer guaranteed.
# allow_unsafe_conditional_writes = false

[cache]
# Local directory for the disk cache and the metadata index. It is only a
# cache: it is rebuilt from the store when lost.
# dir = "~/.cache/zerofs"

# Disk space the cache may use, in GiB (0 disables the disk cache). It
# keeps data read from the store and, when the store is not file://, data
# written to it, so that recent data is read back without a request.
# disk_size_gb = 10.0

# Memory the cache may use, in GiB (0 disables the memory cache).
# memory_size_gb = 1.0

# Largest read-ahead window, in MiB, for files read sequentially: the data
# after a sequential read is fetched in the background before it is asked
# for (0 disables read-ahead).
# read_ahead_mb = 8

[filesystem]
# Size limit in GiB, reported as the filesystem's capacity; writes beyond it
# fail with "no space left". 0 means unlimited.
# max_size_gb = 0.0

# Memory in MiB for file extents changed by writes smaller than 32 KiB: they
# are kept here and written to the store in the background (at the latest
# within a second, and on every fsync), so rewriting the same block is cheap.
# 0 sends every write to the storage engine at once.
# write_buffer_mb = 256

# Seconds a deleted file stays for a `zerofs mount` client that still had it
# open when its connection broke or the server restarted, so that the open
# file keeps working after the client reconnects. 0 frees it at once.
# reconnect_grace_secs = 90

# Servers. A server runs only when its [servers.*] section is present; remove
# a section to disable that server. Addresses are "host:port" strings, IPv6 in
# brackets: "[::1]:2049". Use "0.0.0.0:PORT" or "[::]:PORT" to listen on every
# interface; the defaults below accept local connections only.

[servers.nfs]
# NFSv3 (with MOUNT and portmapper on the same port). Mount with:
#   mount -t nfs -o vers=3,tcp,port=2049,mountport=2049,nolock 127.0.0.1:/ /mnt
addresses = ["127.0.0.1:2049"]

# How WRITE replies describe durability. "sync": truthful; unstable writes are
# made durable by COMMIT, as NFS clients expect. "buffered": every write is
# acknowledged as stable while still buffered (faster with clients that ask
# for stable writes; a crash may lose up to flush_interval_secs of writes).
# write_mode = "sync"

[servers.ninep]
# 9P2000.L, for the Linux v9fs client and `zerofs mount`.
addresses = ["127.0.0.1:5564"]

# Also listen on this Unix socket (leave out for none).
# unix_socket = "/tmp/zerofs.9p.sock"

[servers.nbd]
# NBD: every regular file in /.nbd of the filesystem is a block device export.
addresses = ["127.0.0.1:10809"]

# Also listen on this Unix socket (leave out for none).
# unix_socket = "/tmp/zerofs.nbd.sock"

# After answering, a connection's reader keeps polling for the next request
# for this many microseconds instead of sleeping: faster replies at queue
# depth 1 for a little CPU (0..10000; 0 never polls).
# busy_poll_us = 50

# Web console: file manager and live dashboard.
# [servers.webui]
# addresses = ["127.0.0.1:8080"]

# Prometheus metrics, served at /metrics.
# [servers.metrics]
# addresses = ["127.0.0.1:9464"]

[aws]
# Credentials for s3:// URLs. Left out, they are taken from the usual AWS
# environment variables or the instance role.
# access_key_id = "${AWS_ACCESS_KEY_ID}"

# The secret that goes with access_key_id.
# secret_access_key = "${AWS_SECRET_ACCESS_KEY}"

# Session token, for temporary credentials only.
# session_token = "${AWS_SESSION_TOKEN}"

# Endpoint of an S3-compatible store (MinIO, Ceph, R2...); AWS when left out.
# endpoint = "https://s3.us-east-1.amazonaws.com"

# Region used for request signing.
# default_region = "us-east-1"

# Allow a plain http:// endpoint (a local MinIO, for instance).
# allow_http = false

[azure]
# Credentials for az:// URLs.
# storage_account_name = "${AZURE_STORAGE_ACCOUNT_NAME}"

# The account's access key.
# storage_account_key = "${AZURE_STORAGE_ACCOUNT_KEY}"

# A SAS token instead of the key (needs read, add, create, write, delete and
# list permissions on the container).
# sas_token = "${AZURE_STORAGE_SAS_TOKEN}"

# Blob endpoint; https://<account>.blob.core.windows.net when left out. For
# Azurite: "http://127.0.0.1:10000/devstoreaccount1" (with allow_http).
# endpoint = "https://myaccount.blob.core.windows.net"

# Allow a plain http:// endpoint (a local Azurite, for instance).
# allow_http = false

[gcp]
# Credentials for gs:// URLs: either the service account's JSON key itself...
# service_account_key = "${GCP_SERVICE_ACCOUNT_KEY}"

# ...or the path of a file holding it.
# application_credentials = "~/.config/gcloud/zerofs-key.json"

[gc]
# Garbage collection: rewrite mostly-dead segments and delete the old objects.
# enabled = true

# Seconds between collection passes.
# interval_secs = 60

# Collect a segment once at least this fraction of it is dead (0..1).
# dead_ratio = 0.5

# Upper bound, in MiB, on the live data one pass rewrites.
# max_bytes_per_pass_mb = 1024

# Seconds to keep objects a reader (fsck, replica) of an older snapshot may
# still use after a newer snapshot replaced it.
# reader_grace_secs = 600

[replication]
# Role of this server: "writer" (the one process that writes the store),
# "replica" (read-only, follows the writer through the store) or "standby"
# (receives every write from the writer and takes over when it fails).
# mode = "writer"

# For a writer: its standbys. For a standby: the writer. "host:port" strings.
# peers = ["10.0.0.2:7000"]
)";

}  // namespace

std::string DefaultConfigText(std::string_view encryption_password) {
  assert(!encryption_password.empty());
  assert(encryption_password.find_first_of("\"\\$") == std::string_view::npos);
  std::string text(kTemplate);
  size_t at = text.find(kPasswordMarker);
  assert(at != std::string::npos);
  text.replace(at, kPasswordMarker.size(), encryption_password);
  return text;
}

std::string DefaultConfigText() { return DefaultConfigText(GeneratePassword()); }

}  // namespace zerofs::config
