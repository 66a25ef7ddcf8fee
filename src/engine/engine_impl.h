// EngineImpl: orchestrates the engine's parts (see engine.h for the contract).
//
//   Commit   -> codec outside any lock; under the engine mutex (the
//               pipeline's): seal frames into the open segment, one index
//               WriteBatch through the Applier, journal records.
//   Read     -> 'E' pointer from RocksDB -> memory cache -> disk cache ->
//               in-memory segment -> ranged GET; every frame authenticated
//               before use.
//   Flush    -> SegmentPipeline::Flush (group commit).
//   Snapshot -> RocksDB checkpoint at a seal, SSTs + descriptor, manifest CAS.
//   Open     -> recovery.h steps, then the pipeline and background threads.
//
// Locking:
//  - pipeline_->mutex() (the engine mutex) serializes every write of 'E',
//    'S', 'Z' keys with the open segment. Get/Scan/ReadExtent read RocksDB
//    without it: a pointer read just before a seal or upload stays valid,
//    because a segment leaves memory only once it is durable.
//  - snapshot_mutex_ serializes snapshots; never held with the engine mutex
//    except inside SealAndRun.
//  - manifest_mutex_ guards manifest_ (leaf lock).
//  - lifetime_mutex_ (shared) keeps db_ alive during calls; Close and the
//    destructor take it exclusively.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include <rocksdb/db.h>

#include <semaphore>

#include "base/metrics.h"
#include "cache/disk_cache.h"
#include "cache/memory_cache.h"
#include "crypto/key_file.h"
#include "engine/clean_close.h"
#include "engine/engine.h"
#include "engine/engine_parts.h"
#include "engine/gc.h"
#include "engine/inflight.h"
#include "engine/manifest.h"
#include "engine/prefetch.h"
#include "engine/range_buffer_pool.h"
#include "engine/segment_pipeline.h"
#include "engine/snapshot.h"

namespace zerofs::engine {

class EngineImpl : public Engine {
 public:
  explicit EngineImpl(EngineOptions options);
  ~EngineImpl() override;

  // Runs the open sequence. Called once by Engine::Open.
  Status Init();

  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::vector<std::pair<std::string, std::string>>> Scan(std::string_view prefix,
                                                                std::string_view after,
                                                                size_t limit) override;
  Status Commit(Transaction txn) override;
  Result<std::string> ReadExtent(uint64_t ino, uint64_t index) override;
  Result<std::vector<ExtentData>> ReadExtents(uint64_t ino, uint64_t first,
                                              uint64_t count) override;
  Result<std::optional<std::vector<ExtentData>>> ReadExtentsIfCached(uint64_t ino, uint64_t first,
                                                                     uint64_t count) override;
  Result<uint64_t> StoredBytes(uint64_t ino) override;
  Status Flush() override;
  Status Snapshot() override;
  Status Close() override;
  EngineStats Stats() override;

  // For garbage collection tests and the store check (engine/fsck.h).
  EngineParts Parts();
  GarbageCollector* gc() { return gc_.get(); }

 private:
  Status OpenLocalDb(const std::string& dir);
  // Puts the frames of an uploaded segment into the disk tier
  // (EngineOptions::disk_cache_uploads). Uploader thread.
  void CacheUploadedFrames(uint64_t id, std::string_view bytes,
                           const std::vector<DirectoryEntry>& frames);
  // Opens the index a clean close left (engine/clean_close.h) if `clean`
  // still describes the bucket's state; sets *replay_after to the last
  // segment it has applied. False (with nothing open) if it cannot be used.
  bool ReuseCleanIndex(const std::optional<CleanClose>& clean, const Manifest& manifest,
                       uint64_t* replay_after);
  // After a clean close: flushes the index and returns the record that
  // will let the next writer reuse it (nullopt if it cannot be reused).
  // REQUIRES: db_ open, nothing else writing to it.
  std::optional<CleanClose> CleanRecord();
  Status LockLocalDir();
  void RemoveOldDbDirs();
  // Read path (engine/read_path.cc). A frame the cache lacks: `slot` of the
  // caller's output, the extent's index and where its frame is.
  struct FrameMiss;
  // Fetches, authenticates and decodes `misses` (sorted by place), one
  // ranged read per run of nearby frames; fills (*out)[slot] and the cache.
  // Single-flight over FetchRuns (engine/inflight.h).
  Status FetchFrames(uint64_t ino, std::vector<FrameMiss>& misses, std::vector<ExtentData>* out);
  // Fetches `misses` in runs of nearby frames, at most
  // max_concurrent_gets GETs at a time over all readers.
  Status FetchRuns(uint64_t ino, std::vector<FrameMiss>& misses, std::vector<ExtentData>* out);
  Result<std::vector<ExtentData>> ReadExtentsNoReadAhead(uint64_t ino, uint64_t first,
                                                         uint64_t count);
  // The prefetcher's fetch: reads into the caches, errors ignored.
  void ReadAhead(uint64_t ino, uint64_t first, uint64_t count);
  // Fills what the disk cache holds and removes it from `misses`.
  void TakeDiskHits(uint64_t ino, std::vector<FrameMiss>* misses, std::vector<ExtentData>* out);
  // The index walk of ReadExtents: cached frames into `out`, the others
  // into `misses`. REQUIRES: lifetime_mutex_ held shared.
  Status LookupExtents(uint64_t ino, uint64_t first, uint64_t count, std::vector<ExtentData>* out,
                       std::vector<FrameMiss>* misses);
  Status SnapshotLocked();  // REQUIRES: snapshot_mutex_ held
  // Reads the manifest; fences the pipeline if a newer epoch owns the store.
  void CheckFence();
  void BackgroundLoop();
  // Stops threads and closes the DB; with `abandon` nothing more is uploaded.
  void Shutdown(bool abandon);
  Status CheckOpen() const;

  // Fixed after Init().
  const EngineOptions options_;
  crypto::Subkeys keys_;
  uint64_t epoch_ = 0;
  uint64_t incarnation_ = 0;
  bool clean_close_ = false;  // Close flushed and snapshotted: leave a CleanClose
  std::string db_dir_;
  int lock_fd_ = -1;
  cache::MemoryCache cache_;
  std::unique_ptr<SegmentPipeline> pipeline_;
  // Null without a disk tier. Reset by Shutdown under lifetime_mutex_.
  std::unique_ptr<cache::DiskCache> disk_cache_;
  InflightFrames inflight_;
  std::unique_ptr<std::counting_semaphore<>> get_slots_;
  // Memory of cold reads' ranged GETs (at most 4 buffers of up to 8 MiB kept).
  RangeBufferPool range_buffers_{4};
  metrics::Histogram* const flush_latency_;
  // Null without read-ahead; stopped by Shutdown before anything else.
  std::unique_ptr<Prefetcher> prefetcher_;

  std::shared_mutex lifetime_mutex_;
  std::unique_ptr<rocksdb::DB> db_;  // guarded by lifetime_mutex_ (pointer)
  std::atomic<bool> closed_{false};

  std::mutex snapshot_mutex_;
  SstObjectMap sst_objects_;  // guarded by snapshot_mutex_

  std::mutex manifest_mutex_;
  VersionedManifest manifest_;  // guarded by manifest_mutex_

  std::mutex bg_mutex_;
  std::condition_variable bg_cv_;
  bool bg_stop_ = false;  // guarded by bg_mutex_
  std::thread bg_thread_;
  std::unique_ptr<GarbageCollector> gc_;  // writers with gc_enabled

  std::atomic<uint64_t> committed_txns_{0};
  std::atomic<uint64_t> snapshots_{0};
};

}  // namespace zerofs::engine
