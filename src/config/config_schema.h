// The keys each section of zerofs.toml may contain. Internal to the config
// layer: the loader rejects anything else, KnownKeys() lists them, and the
// default-config test checks DefaultConfigText() documents each one.
#pragma once

#include <array>
#include <span>
#include <string_view>

namespace zerofs::config::schema {

inline constexpr std::array<std::string_view, 9> kRoot = {
    "cache", "storage", "filesystem", "servers", "aws", "azure", "gcp", "gc", "replication"};
inline constexpr std::array<std::string_view, 4> kCache = {"dir", "disk_size_gb", "memory_size_gb",
                                                           "read_ahead_mb"};
inline constexpr std::array<std::string_view, 7> kStorage = {"url",
                                                             "encryption_password",
                                                             "compression",
                                                             "segment_size_mb",
                                                             "flush_interval_secs",
                                                             "snapshot_interval_secs",
                                                             "allow_unsafe_conditional_writes"};
inline constexpr std::array<std::string_view, 3> kFilesystem = {"max_size_gb", "write_buffer_mb",
                                                                "reconnect_grace_secs"};
inline constexpr std::array<std::string_view, 5> kServers = {"nfs", "ninep", "nbd", "webui",
                                                             "metrics"};
inline constexpr std::array<std::string_view, 2> kNfs = {"addresses", "write_mode"};
inline constexpr std::array<std::string_view, 2> kNinep = {"addresses", "unix_socket"};
inline constexpr std::array<std::string_view, 3> kNbd = {"addresses", "unix_socket",
                                                         "busy_poll_us"};
inline constexpr std::array<std::string_view, 1> kWebUi = {"addresses"};
inline constexpr std::array<std::string_view, 1> kMetrics = {"addresses"};
inline constexpr std::array<std::string_view, 6> kAws = {"access_key_id",  "secret_access_key",
                                                         "session_token",  "endpoint",
                                                         "default_region", "allow_http"};
inline constexpr std::array<std::string_view, 5> kAzure = {
    "storage_account_name", "storage_account_key", "sas_token", "endpoint", "allow_http"};
inline constexpr std::array<std::string_view, 2> kGcp = {"service_account_key",
                                                         "application_credentials"};
inline constexpr std::array<std::string_view, 5> kGc = {
    "enabled", "interval_secs", "dead_ratio", "max_bytes_per_pass_mb", "reader_grace_secs"};
inline constexpr std::array<std::string_view, 2> kReplication = {"mode", "peers"};

// Leaf tables and their keys, for listings.
struct Section {
  std::string_view path;
  std::span<const std::string_view> keys;
};
inline constexpr std::array<Section, 13> kSections = {{
    {"cache", kCache},
    {"storage", kStorage},
    {"filesystem", kFilesystem},
    {"servers.nfs", kNfs},
    {"servers.ninep", kNinep},
    {"servers.nbd", kNbd},
    {"servers.webui", kWebUi},
    {"servers.metrics", kMetrics},
    {"aws", kAws},
    {"azure", kAzure},
    {"gcp", kGcp},
    {"gc", kGc},
    {"replication", kReplication},
}};

}  // namespace zerofs::config::schema
