// The configuration model: what zerofs.toml says, typed and validated.
//
// Every field has a default that works on one machine with no cloud account,
// except storage.url and storage.encryption_password, which the file must
// give. LoadConfig() (config/load_config.h) fills this from TOML; the key
// names are those of the original ZeroFS so its users' files carry over.
// DefaultConfigText() (config/default_config.h) documents every key.
//
// Units: *_gb values are GiB (1024^3 bytes), *_mb are MiB, *_secs seconds.
// Paths have had "~" expanded and ${VAR} substituted by the loader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/listen_address.h"

namespace zerofs::config {

// Default listen ports (localhost only in the defaults).
inline constexpr uint16_t kDefaultNfsPort = 2049;
inline constexpr uint16_t kDefaultNinepPort = 5564;
inline constexpr uint16_t kDefaultNbdPort = 10809;
inline constexpr uint16_t kDefaultWebUiPort = 8080;
inline constexpr uint16_t kDefaultMetricsPort = 9464;

// [cache]
struct CacheConfig {
  std::string dir = "~/.cache/zerofs";  // disk tier and local metadata index
  double disk_size_gb = 10.0;           // disk tier bound; 0 disables the tier
  double memory_size_gb = 1.0;          // memory tier bound; 0 disables the tier
  uint64_t read_ahead_mb = 8;           // sequential read-ahead window bound; 0 = off
};

enum class Compression { kNone, kZstd, kLz4 };
const char* CompressionName(Compression c);

// [storage]
struct StorageConfig {
  // Required. "file:///abs/path", "s3://bucket/prefix", "gs://bucket/prefix",
  // "az://container/prefix". A leading "file://~/" has been home-expanded.
  std::string url;
  // Required, non-empty. Wraps the data key (Argon2id); not the key itself.
  std::string encryption_password;
  Compression compression = Compression::kZstd;
  int compression_level = 3;  // zstd only ("zstd-N" sets it, 1..22)
  uint32_t segment_size_mb = 64;
  uint32_t flush_interval_secs = 5;
  uint32_t snapshot_interval_secs = 300;
  // Run on a store that does not enforce If-None-Match/If-Match (checked at
  // startup). Unsafe: two writers could then corrupt the store.
  bool allow_unsafe_conditional_writes = false;
};

// [filesystem]
struct FilesystemConfig {
  double max_size_gb = 0.0;  // reported capacity and write limit; 0 = unlimited
  // Memory for extents changed by small writes before they are written
  // back (fs/write_buffer.h); 0 = every write goes to the engine at once.
  uint64_t write_buffer_mb = 256;
  // How long an unlinked file stays for a 9P client session that had it
  // open, after its connection broke or the server restarted.
  uint32_t reconnect_grace_secs = 90;
};

// How NFS WRITE replies describe durability (DESIGN.md "Flush and fsync").
enum class NfsWriteMode {
  // Truthful: UNSTABLE writes are answered UNSTABLE with the boot verifier and
  // made durable by COMMIT; FILE_SYNC/DATA_SYNC writes flush before replying.
  kSync,
  // Fast, like the original ZeroFS: every WRITE is answered FILE_SYNC while
  // the data is still buffered; a crash can lose up to flush_interval_secs.
  kBuffered,
};
const char* NfsWriteModeName(NfsWriteMode m);

// [servers.*]. A server whose section is absent is not started. When a
// section is present but gives no addresses (and, for 9P/NBD, no
// unix_socket), it listens on 127.0.0.1 at the default port.
struct NfsServerConfig {
  std::vector<ListenAddress> addresses;
  NfsWriteMode write_mode = NfsWriteMode::kSync;
};
struct NinepServerConfig {
  std::vector<ListenAddress> addresses;
  std::string unix_socket;  // empty = none
};
struct NbdServerConfig {
  std::vector<ListenAddress> addresses;
  std::string unix_socket;  // empty = none
  // How long a connection's reader polls for the next request after a
  // reply, in microseconds (nbd/limits.h); 0 = never.
  uint32_t busy_poll_us = 50;
};
struct WebUiServerConfig {
  std::vector<ListenAddress> addresses;
};
struct MetricsServerConfig {
  std::vector<ListenAddress> addresses;
};
struct ServersConfig {
  std::optional<NfsServerConfig> nfs;
  std::optional<NinepServerConfig> ninep;
  std::optional<NbdServerConfig> nbd;
  std::optional<WebUiServerConfig> webui;
  std::optional<MetricsServerConfig> metrics;
};

// [aws], [azure], [gcp]: credentials for the store named by storage.url.
// Empty strings mean "not given" (the backend may then use its own defaults,
// e.g. instance credentials).
struct AwsConfig {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string endpoint;  // e.g. "http://127.0.0.1:9000" for MinIO; empty = AWS
  std::string default_region;
  bool allow_http = false;  // also accepts the original's "true"/"false" strings
};
struct AzureConfig {
  std::string storage_account_name;
  std::string storage_account_key;
  std::string sas_token;  // instead of the key
  std::string endpoint;   // e.g. "http://127.0.0.1:10000/devstoreaccount1" for Azurite
  bool allow_http = false;
};
struct GcpConfig {
  std::string service_account_key;      // the JSON key itself
  std::string application_credentials;  // path to a JSON key file
};

// [gc]
struct GcConfig {
  bool enabled = true;
  uint32_t interval_secs = 60;
  double dead_ratio = 0.5;  // rewrite segments at least this dead, 0..1
  uint64_t max_bytes_per_pass_mb = 1024;
  // Objects a reader (fsck, replica) of an older snapshot may use are kept
  // this long after the manifest moved on.
  uint32_t reader_grace_secs = 600;
};

enum class ReplicationMode { kWriter, kReplica, kStandby };
const char* ReplicationModeName(ReplicationMode m);

// [replication]
struct ReplicationConfig {
  ReplicationMode mode = ReplicationMode::kWriter;
  std::vector<ListenAddress> peers;  // standby peers (writer) or the writer (standby)
};

struct Config {
  CacheConfig cache;
  StorageConfig storage;
  FilesystemConfig filesystem;
  ServersConfig servers;
  AwsConfig aws;
  AzureConfig azure;
  GcpConfig gcp;
  GcConfig gc;
  ReplicationConfig replication;
};

// GiB/MiB as used by the *_gb/*_mb keys to bytes (values are validated finite
// and non-negative; the result saturates at UINT64_MAX).
uint64_t GibToBytes(double gib);
inline uint64_t MibToBytes(uint64_t mib) { return mib << 20; }

}  // namespace zerofs::config
