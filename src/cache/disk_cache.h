// DiskCache: a byte-bounded cache of immutable values in a local directory,
// one file per entry (docs/FORMAT.md, "Disk cache"), with the same S3-FIFO
// policy as the memory tier (cache/s3fifo.h), so a one-off scan only cycles
// through the small queue's tenth of the space.
//
// The engine keeps sealed segment frames here (already encrypted and
// authenticated), keyed by object name and offset: segments are immutable,
// so entries never need invalidation, and nothing on disk is plaintext.
//
// Contract:
//  - Thread-safe.
//  - Bounded: the sum of entry file sizes, each rounded up to 4 KiB, never
//    exceeds `capacity_bytes` once a write completes (evicted files are
//    unlinked before the next write starts).
//  - Survives restarts: Open rebuilds the index from the directory. Nothing
//    is trusted blindly: a file whose header, name or size disagree is
//    deleted at Open, and every Lookup checks the entry's key and CRC-32C; a
//    bad entry is deleted and reported as a miss. The caller still
//    authenticates the bytes (a mismatch there: Erase, then refetch).
//  - Writes are behind: Insert queues the bytes and returns; one writer
//    thread writes a temporary file and renames it into place (crash-safe;
//    no fsync, a torn file fails its CRC). When the queue is full, Insert
//    drops the entry rather than waiting.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "base/result.h"
#include "cache/s3fifo.h"

namespace zerofs::cache {

struct DiskCacheOptions {
  std::string dir;  // created if missing
  uint64_t capacity_bytes = 0;
  // Bytes queued for writing at most; beyond this Insert drops entries.
  uint64_t max_pending_bytes = 64ull << 20;
};

struct DiskCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t inserts = 0;         // entries written
  uint64_t dropped_writes = 0;  // queue full, or the write failed
  uint64_t bad_entries = 0;     // failed their checks (at Open, Lookup, or Erase by the caller)
  uint64_t evictions = 0;
  uint64_t usage = 0;  // charged bytes on disk
  uint64_t entries = 0;
};

class DiskCache {
 public:
  // Creates `dir` if needed, checks it is writable (an error names the
  // path), locks it against a second DiskCache (in any process), and
  // rebuilds the index from the entries found there.
  static Result<std::unique_ptr<DiskCache>> Open(DiskCacheOptions options);

  // Stops the writer, then finishes the queued writes (on the calling thread).
  ~DiskCache();

  DiskCache(const DiskCache&) = delete;
  DiskCache& operator=(const DiskCache&) = delete;

  // The value, checked (see the contract), or nullopt.
  std::optional<std::string> Lookup(std::string_view key);

  // Queues `value` for writing unless `key` is cached or queued already
  // (values are immutable) or the key is too long to be a file name.
  void Insert(std::string_view key, std::string_view value);

  // Drops `key`, e.g. because its bytes failed authentication.
  void Erase(std::string_view key);

  // Blocks until every queued write is done (tests, and a clean close).
  void WaitForWrites();

  DiskCacheStats Stats() const;
  const std::string& dir() const { return options_.dir; }

 private:
  struct FileInfo {
    uint64_t charge;
  };
  using Policy = S3Fifo<FileInfo>;

  explicit DiskCache(DiskCacheOptions options);
  Status Rebuild();
  std::string PathOf(std::string_view key) const;
  void WriterLoop();
  // Writes queued entries, one at a time. With `wait` (the writer thread),
  // waits for more until stop_; without (the destructor, once the writer
  // has stopped), returns when the queue is empty.
  void WriteQueued(bool wait);
  // Writes one entry and admits it. Called by the writer without the lock.
  void WriteOne(const std::string& key, const std::shared_ptr<const std::string>& value);
  // Unlinks the files of evicted entries. REQUIRES: mutex_ held.
  void RemoveEvictedLocked(std::vector<Policy::Evicted>* evicted);

  const DiskCacheOptions options_;  // dir has its trailing '/' removed

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  Policy policy_;  // guarded by mutex_
  // Queued writes: values stay readable by Lookup until written.
  std::deque<std::string> queue_;  // guarded by mutex_
  std::unordered_map<std::string, std::shared_ptr<const std::string>>
      pending_;                 // guarded by mutex_
  uint64_t pending_bytes_ = 0;  // guarded by mutex_
  bool writing_ = false;        // guarded by mutex_: the writer holds an item
  bool stop_ = false;           // guarded by mutex_
  DiskCacheStats stats_;        // guarded by mutex_ (usage, entries filled in by Stats)
  uint64_t temp_counter_ = 0;   // writer (then destructor) thread only
  // Shard directories known to exist (as temp_counter_; nothing removes
  // them while the cache is open).
  std::unordered_set<std::string> shard_dirs_;

  std::thread writer_;
  int lock_fd_ = -1;  // flock on dir/LOCK, held until destruction
};

}  // namespace zerofs::cache
