// The parts of an open engine that garbage collection (engine/gc.h) and the
// store check (engine/fsck.h) work on. They live in EngineImpl; this view
// keeps those components out of its private state.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include <rocksdb/db.h>

#include "crypto/key_file.h"
#include "engine/manifest.h"
#include "engine/segment_pipeline.h"
#include "engine/snapshot.h"
#include "objstore/object_store.h"

namespace zerofs::engine {

struct EngineParts {
  objstore::ObjectStore* store = nullptr;
  const crypto::Subkeys* keys = nullptr;
  // Valid until the engine shuts down (GC is stopped first).
  rocksdb::DB* db = nullptr;
  // nullptr-free on a writer; on a reader it exists but never runs.
  SegmentPipeline* pipeline = nullptr;
  // The manifest as this process last read or wrote it.
  std::function<VersionedManifest()> manifest;
  // Serializes snapshots; guards *sst_objects (the SSTs a next snapshot may
  // reuse without uploading).
  std::mutex* snapshot_mutex = nullptr;
  SstObjectMap* sst_objects = nullptr;
};

}  // namespace zerofs::engine
