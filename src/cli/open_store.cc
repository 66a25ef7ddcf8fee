#include "cli/open_store.h"

#include <cstdio>

#include "base/crc32c.h"
#include "crypto/key_file.h"
#include "objstore/metered_store.h"
#include "objstore/probe.h"
#include "objstore/retry_store.h"
#include "objstore/url.h"

namespace zerofs::cli {

namespace {

objstore::CloudOptions CloudOptionsFor(const config::Config& config) {
  objstore::CloudOptions o;
  o.aws.access_key_id = config.aws.access_key_id;
  o.aws.secret_access_key = config.aws.secret_access_key;
  o.aws.session_token = config.aws.session_token;
  o.aws.endpoint = config.aws.endpoint;
  o.aws.region = config.aws.default_region;
  o.aws.allow_http = config.aws.allow_http;
  o.azure.account_name = config.azure.storage_account_name;
  o.azure.account_key = config.azure.storage_account_key;
  o.azure.sas_token = config.azure.sas_token;
  o.azure.endpoint = config.azure.endpoint;
  o.azure.allow_http = config.azure.allow_http;
  return o;
}

crypto::Codec CodecFor(config::Compression c) {
  switch (c) {
    case config::Compression::kNone:
      return crypto::Codec::kRaw;
    case config::Compression::kLz4:
      return crypto::Codec::kLz4;
    case config::Compression::kZstd:
      return crypto::Codec::kZstd;
  }
  return crypto::Codec::kZstd;
}

}  // namespace

Result<std::shared_ptr<objstore::ObjectStore>> OpenConfiguredStore(const config::Config& config,
                                                                   bool probe) {
  ZFS_ASSIGN_OR_RETURN(objstore::StorageUrl url, objstore::ParseStorageUrl(config.storage.url));
  ZFS_ASSIGN_OR_RETURN(std::shared_ptr<objstore::ObjectStore> base,
                       objstore::OpenObjectStore(url, CloudOptionsFor(config)));
  // Metered under the retries, so that every request sent counts.
  auto metered = std::make_shared<objstore::MeteredStore>(base);
  auto store = std::make_shared<objstore::RetryStore>(metered, objstore::RetryOptions{});
  // One cheap request so that an unreachable store or bad credentials fail
  // here, with the URL, rather than deep inside the engine.
  auto page = store->List("manifest", {}, 1);
  if (!page.ok()) return page.error().Wrap("cannot reach storage " + url.ToString());
  // The local backend enforces conditions by construction; a cloud store
  // is checked once per start (a few small requests).
  if (probe && url.scheme != "file" && !config.storage.allow_unsafe_conditional_writes) {
    ZFS_RETURN_IF_ERROR(objstore::ProbeConditionalWrites(*store));
  }
  return std::shared_ptr<objstore::ObjectStore>(store);
}

std::string IndexDirFor(const config::Config& config, const std::string& suffix) {
  char id[9];
  std::snprintf(id, sizeof(id), "%08x", Crc32c(config.storage.url));
  return config.cache.dir + "/store-" + id + "/" + suffix;
}

engine::EngineOptions EngineOptionsFor(const config::Config& config,
                                       std::shared_ptr<objstore::ObjectStore> store) {
  engine::EngineOptions o;
  o.store = std::move(store);
  o.password = config.storage.encryption_password;
  o.local_dir = IndexDirFor(config);
  o.codec = CodecFor(config.storage.compression);
  o.codec_level = config.storage.compression_level;
  o.segment_bytes = config::MibToBytes(config.storage.segment_size_mb);
  o.flush_interval = std::chrono::seconds(config.storage.flush_interval_secs);
  o.snapshot_interval = std::chrono::seconds(config.storage.snapshot_interval_secs);
  o.memory_cache_bytes = config::GibToBytes(config.cache.memory_size_gb);
  o.read_ahead_extents = (config.cache.read_ahead_mb << 20) / engine::kExtentSize;
  o.disk_cache_dir = IndexDirFor(config, "disk-cache");
  o.disk_cache_bytes = config::GibToBytes(config.cache.disk_size_gb);
  // A file:// bucket is on local disk already: caching what is written to
  // it would only write it twice.
  o.disk_cache_uploads = config.storage.url.rfind("file://", 0) != 0;
  o.kdf = crypto::KdfParamsFromEnv();
  o.gc_enabled = config.gc.enabled;
  o.gc_interval = std::chrono::seconds(config.gc.interval_secs);
  o.gc_dead_ratio = config.gc.dead_ratio;
  o.gc_max_bytes_per_pass = config::MibToBytes(config.gc.max_bytes_per_pass_mb);
  o.gc_reader_grace = std::chrono::seconds(config.gc.reader_grace_secs);
  return o;
}

}  // namespace zerofs::cli
