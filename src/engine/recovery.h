// Opening a store: the key, the manifest (and the writer's epoch bump), the
// journal replay of segments after the snapshot horizon, and the writer's
// claim of the next segment id. Each step is a free function so Engine::Open
// reads as the sequence in docs/ARCHITECTURE.md ("Storage engine").
#pragma once

#include <cstdint>
#include <string>

#include <rocksdb/db.h>

#include "base/result.h"
#include "crypto/key_file.h"
#include "engine/engine.h"
#include "engine/manifest.h"
#include "objstore/object_store.h"

namespace zerofs::engine {

constexpr std::string_view kKeyFileKey = "zerofs.key";

// Reads zerofs.key and unwraps the data key. If it is missing and the caller
// is a writer with create_if_missing, creates it (if-none-match; a lost race
// re-reads the winner's). A wrong password is OpenKeyFile's kPermissionDenied
// and nothing is written.
Result<crypto::SecretKey> LoadOrCreateKey(const EngineOptions& options);

// Reads the manifest; if missing and `create`, writes epoch 0 (if-none-match;
// a lost race re-reads). A reader of a store without one sees epoch 0.
Result<VersionedManifest> LoadOrCreateManifest(objstore::ObjectStore* store,
                                               const crypto::SecretKey& meta_key, bool create);

// Compare-and-swaps the manifest to epoch + 1, re-reading on a lost race.
Result<VersionedManifest> BumpEpoch(objstore::ObjectStore* store, const crypto::SecretKey& meta_key,
                                    VersionedManifest current);

// Reads segment `id` (footer, then journal) and applies its journal to `db`
// in one batch through the Applier. `object_size` 0 = unknown (HEAD).
Status ReplaySegment(objstore::ObjectStore* store, const crypto::Subkeys& keys, rocksdb::DB* db,
                     uint64_t id, uint64_t object_size);

// Replays every segment after `horizon` in id order. kCorruption naming the
// missing segment if the chain has a gap. Returns the last id replayed
// (`horizon` if none).
Result<uint64_t> ReplayAfter(objstore::ObjectStore* store, const crypto::Subkeys& keys,
                             rocksdb::DB* db, uint64_t horizon);

// Writer only: claims the id after `last` by uploading an empty segment (its
// journal holds only SEGMENT_INFO) with if-none-match, and applies it. If a
// still-running previous writer took that id first, replays its segment and
// tries the next. Returns the claimed id: the fence for older writers.
Result<uint64_t> ClaimNextSegment(objstore::ObjectStore* store, const crypto::Subkeys& keys,
                                  rocksdb::DB* db, uint64_t epoch, uint64_t last);

}  // namespace zerofs::engine
