// One function per section of zerofs.toml: each rejects unknown keys, reads
// the typed values over the defaults already in *out, and validates them.
// Internal to the config layer (used by load_config.cc). An absent section
// (reader.present() == false) leaves the defaults, except where noted.
#pragma once

#include "base/result.h"
#include "config/config.h"
#include "config/table_reader.h"

namespace zerofs::config {

Status ReadCache(const TableReader& r, CacheConfig* out);
// storage.url and storage.encryption_password are required, so an absent
// [storage] is an error.
Status ReadStorage(const TableReader& r, StorageConfig* out);
Status ReadFilesystem(const TableReader& r, FilesystemConfig* out);
// A server runs iff its [servers.X] table is present (server_readers.cc).
Status ReadServers(const TableReader& r, ServersConfig* out);
Status ReadAws(const TableReader& r, AwsConfig* out);
Status ReadAzure(const TableReader& r, AzureConfig* out);
Status ReadGcp(const TableReader& r, GcpConfig* out);
Status ReadGc(const TableReader& r, GcConfig* out);
Status ReadReplication(const TableReader& r, ReplicationConfig* out);

}  // namespace zerofs::config
