// The manifest object: the writer epoch and the latest snapshot. Layout in
// docs/FORMAT.md, "Manifest". Updated only by compare-and-swap on its ETag.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/aead.h"
#include "objstore/object_store.h"

namespace zerofs::engine {

constexpr std::string_view kManifestKey = "manifest";

struct Checkpoint {
  std::string name;
  uint64_t snapshot_id = 0;
  uint64_t horizon = 0;
  uint64_t created_ms = 0;
  bool operator==(const Checkpoint&) const = default;
};

struct Manifest {
  uint64_t epoch = 0;
  uint64_t snapshot_id = 0;  // 0 = none yet
  uint64_t horizon = 0;      // last segment the snapshot covers
  uint64_t updated_ms = 0;
  std::vector<Checkpoint> checkpoints;

  std::string Encode(const crypto::SecretKey& meta_key) const;
  // kCorruption on a bad magic/version, failed authentication or a malformed body.
  static Result<Manifest> Decode(std::string_view bytes, const crypto::SecretKey& meta_key);
  bool operator==(const Manifest&) const = default;
};

// A manifest as read from the store, with the ETag to compare-and-swap on.
struct VersionedManifest {
  Manifest manifest;
  std::string etag;
};

// Reads and decodes the manifest (kNotFound if there is none).
Result<VersionedManifest> LoadManifest(objstore::ObjectStore* store,
                                       const crypto::SecretKey& meta_key);

// Replaces the manifest if its ETag is still `etag`; returns the new ETag.
// kPreconditionFailed if another writer changed it.
Result<std::string> SwapManifest(objstore::ObjectStore* store, const crypto::SecretKey& meta_key,
                                 const Manifest& manifest, const std::string& etag);

uint64_t NowUnixMs();

}  // namespace zerofs::engine
