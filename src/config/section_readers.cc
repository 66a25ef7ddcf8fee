#include "config/section_readers.h"

#include <limits>
#include <string>

#include "config/config_schema.h"

namespace zerofs::config {

namespace {

constexpr double kNoMax = std::numeric_limits<double>::max();
constexpr uint32_t kNoMax32 = std::numeric_limits<uint32_t>::max();

// Schemes the object-store layer serves. The store parses the rest of the URL
// when it opens; this only catches the obvious mistakes early.
constexpr std::string_view kSchemes[] = {"file", "s3", "gs", "gcs", "az", "azure"};

// Checks the form of storage.url and home-expands "file://~/...".
Status CheckStorageUrl(const TableReader& r, std::string* url) {
  if (url->empty()) return r.KeyError("url", "must not be empty");
  size_t sep = url->find("://");
  if (sep == std::string::npos || sep == 0) {
    return r.KeyError("url",
                      "expected a URL such as file:///srv/zerofs or s3://bucket/prefix, "
                      "got '" +
                          *url + "'");
  }
  std::string scheme = url->substr(0, sep);
  bool known = false;
  for (std::string_view s : kSchemes) known = known || scheme == s;
  if (!known) {
    return r.KeyError(
        "url", "unsupported scheme '" + scheme + "://' (expected file://, s3://, gs:// or az://)");
  }
  std::string rest = url->substr(sep + 3);
  if (scheme == "file") {
    Result<std::string> path = ExpandHome(rest, r.env());
    if (!path.ok()) return r.KeyError("url", path.error().context());
    if (path->empty() || path->front() != '/') {
      return r.KeyError("url",
                        "a file:// URL needs an absolute path, e.g. file:///srv/zerofs, "
                        "got '" +
                            *url + "'");
    }
    *url = "file://" + *path;
  } else if (rest.empty() || rest.front() == '/') {
    return r.KeyError("url", "missing bucket name after '" + scheme + "://'");
  }
  return OkStatus();
}

// "zstd" (level 3), "zstd-N" (N in 1..22), "lz4" or "none".
Status ParseCompression(const TableReader& r, const std::string& text, StorageConfig* out) {
  if (text == "none") {
    out->compression = Compression::kNone;
  } else if (text == "lz4") {
    out->compression = Compression::kLz4;
  } else if (text == "zstd") {
    out->compression = Compression::kZstd;
    out->compression_level = 3;
  } else if (text.rfind("zstd-", 0) == 0) {
    std::string digits = text.substr(5);
    int level = 0;
    bool ok = !digits.empty() && digits.size() <= 2;
    for (char c : digits) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) level = level * 10 + (c - '0');
    }
    if (!ok || level < 1 || level > 22) {
      return r.KeyError("compression",
                        "bad zstd level in '" + text + "' (expected zstd-1..zstd-22)");
    }
    out->compression = Compression::kZstd;
    out->compression_level = level;
  } else {
    return r.KeyError("compression", "unknown compression '" + text +
                                         "' (expected \"zstd\", \"zstd-N\", \"lz4\" or \"none\")");
  }
  return OkStatus();
}

}  // namespace

Status ReadCache(const TableReader& r, CacheConfig* out) {
  ZFS_RETURN_IF_ERROR(r.RejectUnknown(schema::kCache));
  ZFS_RETURN_IF_ERROR(r.GetPath("dir", &out->dir));
  if (out->dir.empty()) return r.KeyError("dir", "must not be empty");
  ZFS_RETURN_IF_ERROR(r.GetDouble("disk_size_gb", 0, kNoMax, &out->disk_size_gb));
  ZFS_RETURN_IF_ERROR(r.GetDouble("memory_size_gb", 0, kNoMax, &out->memory_size_gb));
  ZFS_RETURN_IF_ERROR(r.GetUint64("read_ahead_mb", 0, 1024, &out->read_ahead_mb));
  return OkStatus();
}

Status ReadStorage(const TableReader& r, StorageConfig* out) {
  if (!r.present()) {
    return Error(Code::kInvalidArgument,
                 "missing [storage] section (storage.url and storage.encryption_password are "
                 "required)");
  }
  ZFS_RETURN_IF_ERROR(r.RejectUnknown(schema::kStorage));
  if (!r.Has("url")) {
    return r.KeyError("url",
                      "required key is missing (e.g. url = \"file:///srv/zerofs\" or "
                      "\"s3://bucket/prefix\")");
  }
  ZFS_RETURN_IF_ERROR(r.GetString("url", &out->url));
  ZFS_RETURN_IF_ERROR(CheckStorageUrl(r, &out->url));
  if (!r.Has("encryption_password")) {
    return r.KeyError(
        "encryption_password",
        "required key is missing (e.g. encryption_password = \"${ZEROFS_PASSWORD}\")");
  }
  ZFS_RETURN_IF_ERROR(r.GetString("encryption_password", &out->encryption_password));
  if (out->encryption_password.empty()) {
    return r.KeyError("encryption_password", "must not be empty");
  }
  if (r.Has("compression")) {
    std::string text;
    ZFS_RETURN_IF_ERROR(r.GetString("compression", &text));
    ZFS_RETURN_IF_ERROR(ParseCompression(r, text, out));
  }
  ZFS_RETURN_IF_ERROR(r.GetUint32("segment_size_mb", 1, 4096, &out->segment_size_mb));
  ZFS_RETURN_IF_ERROR(r.GetUint32("flush_interval_secs", 1, kNoMax32, &out->flush_interval_secs));
  ZFS_RETURN_IF_ERROR(
      r.GetUint32("snapshot_interval_secs", 1, kNoMax32, &out->snapshot_interval_secs));
  ZFS_RETURN_IF_ERROR(
      r.GetBool("allow_unsafe_conditional_writes", &out->allow_unsafe_conditional_writes));
  return OkStatus();
}

Status ReadFilesystem(const TableReader& r, FilesystemConfig* out) {
  ZFS_RETURN_IF_ERROR(r.RejectUnknown(schema::kFilesystem));
  ZFS_RETURN_IF_ERROR(r.GetDouble("max_size_gb", 0, kNoMax, &out->max_size_gb));
  ZFS_RETURN_IF_ERROR(r.GetUint64("write_buffer_mb", 0, 65536, &out->write_buffer_mb));
  ZFS_RETURN_IF_ERROR(r.GetUint32("reconnect_grace_secs", 0, 86400, &out->reconnect_grace_secs));
  return OkStatus();
}

Status ReadAws(const TableReader& r, AwsConfig* out) {
  ZFS_RETURN_IF_ERROR(r.RejectUnknown(schema::kAws));
  ZFS_RETURN_IF_ERROR(r.GetString("access_key_id", &out->access_key_id));
  ZFS_RETURN_IF_ERROR(r.GetString("secret_access_key", &out->secret_access_key));
  ZFS_RETURN_IF_ERROR(r.GetString("session_token", &out->session_token));
  ZFS_RETURN_IF_ERROR(r.GetString("endpoint", &out->endpoint));
  ZFS_RETURN_IF_ERROR(r.GetString("default_region", &out->default_region));
  ZFS_RETURN_IF_ERROR(r.GetBool("allow_http", &out->allow_http, /*lenient_bool=*/true));
  if (out->endpoint.rfind("http://", 0) == 0 && !out->allow_http) {
    return r.KeyError("endpoint", "is plain http://; set aws.allow_http = true to allow it");
  }
  return OkStatus();
}

Status ReadAzure(const TableReader& r, AzureConfig* out) {
  ZFS_RETURN_IF_ERROR(r.RejectUnknown(schema::kAzure));
  ZFS_RETURN_IF_ERROR(r.GetString("storage_account_name", &out->storage_account_name));
  ZFS_RETURN_IF_ERROR(r.GetString("storage_account_key", &out->storage_account_key));
  ZFS_RETURN_IF_ERROR(r.GetString("sas_token", &out->sas_token));
  ZFS_RETURN_IF_ERROR(r.GetString("endpoint", &out->endpoint));
  ZFS_RETURN_IF_ERROR(r.GetBool("allow_http", &out->allow_http, /*lenient_bool=*/true));
  if (out->endpoint.rfind("http://", 0) == 0 && !out->allow_http) {
    return r.KeyError("endpoint", "is plain http://; set azure.allow_http = true to allow it");
  }
  return OkStatus();
}

Status ReadGcp(const TableReader& r, GcpConfig* out) {
  ZFS_RETURN_IF_ERROR(r.RejectUnknown(schema::kGcp));
  ZFS_RETURN_IF_ERROR(r.GetString("service_account_key", &out->service_account_key));
  ZFS_RETURN_IF_ERROR(r.GetPath("application_credentials", &out->application_credentials));
  return OkStatus();
}

Status ReadGc(const TableReader& r, GcConfig* out) {
  ZFS_RETURN_IF_ERROR(r.RejectUnknown(schema::kGc));
  ZFS_RETURN_IF_ERROR(r.GetBool("enabled", &out->enabled));
  ZFS_RETURN_IF_ERROR(r.GetUint32("interval_secs", 1, kNoMax32, &out->interval_secs));
  ZFS_RETURN_IF_ERROR(r.GetDouble("dead_ratio", 0, 1, &out->dead_ratio));
  // Bounded so MibToBytes() cannot overflow.
  ZFS_RETURN_IF_ERROR(
      r.GetUint64("max_bytes_per_pass_mb", 1, uint64_t{1} << 40, &out->max_bytes_per_pass_mb));
  ZFS_RETURN_IF_ERROR(r.GetUint32("reader_grace_secs", 0, kNoMax32, &out->reader_grace_secs));
  return OkStatus();
}

Status ReadReplication(const TableReader& r, ReplicationConfig* out) {
  ZFS_RETURN_IF_ERROR(r.RejectUnknown(schema::kReplication));
  if (r.Has("mode")) {
    std::string mode;
    ZFS_RETURN_IF_ERROR(r.GetString("mode", &mode));
    if (mode == "writer") {
      out->mode = ReplicationMode::kWriter;
    } else if (mode == "replica") {
      out->mode = ReplicationMode::kReplica;
    } else if (mode == "standby") {
      out->mode = ReplicationMode::kStandby;
    } else {
      return r.KeyError(
          "mode", "unknown mode '" + mode + "' (expected \"writer\", \"replica\" or \"standby\")");
    }
  }
  ZFS_RETURN_IF_ERROR(r.GetAddresses("peers", &out->peers));
  return OkStatus();
}

}  // namespace zerofs::config
