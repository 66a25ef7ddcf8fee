// DiskCache: a byte-bounded cache of immutable values in a local directory.
// Entries are appended to log files of a few MiB (docs/FORMAT.md, "Disk
// cache"), and space is reclaimed a whole file at a time, so storing an
// entry is one write() to an open file, not a file creation (which cost
// ext4 an inode allocation per entry: ~30% of the server's CPU under NBD
// random writes with the earlier one-file-per-entry layout).
//
// The engine keeps sealed segment frames here (already encrypted and
// authenticated), keyed by object name and offset: segments are immutable,
// so entries never need invalidation, and nothing on disk is plaintext.
//
// Policy: S3-FIFO (cache/s3fifo.h explains why) with log files as the unit
// of eviction. New entries go to the small queue's files, which together
// hold about a tenth of the capacity. When the oldest small file goes, its
// entries read since they were written move to the main queue (they are
// written again there) and the others are forgotten, their keys remembered
// as ghosts: a ghost that comes back goes straight to the main queue. When
// the oldest main file goes, its entries read since they were last moved
// are written again with one access less. A one-off scan therefore only
// cycles through the small queue's files.
//
// Contract:
//  - Thread-safe.
//  - Bounded: the sum of log file sizes, each rounded up to 4 KiB, never
//    exceeds `capacity_bytes` once a write completes. (Each closed log also
//    has an index file of ~60 bytes per record, not counted: ~0.5% more.)
//  - Survives restarts: Open rebuilds the index from the log files: from
//    the small index file each closed log has, else (a crash before it was
//    written, or a damaged one) by walking the log record by record, cut at
//    the first record whose header or size is wrong (a torn tail after a
//    crash). Nothing is trusted blindly: every Lookup checks the record's
//    header, key and CRC-32C; a bad record is dropped and reported as a
//    miss. The caller still
//    authenticates the bytes (a mismatch there: Erase, then refetch).
//  - Writes are behind: Insert queues the bytes and returns; one writer
//    thread appends them (no fsync: a torn record fails its checks). When
//    the queue is full, Insert drops the entry rather than waiting.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "cache/ghost_list.h"

namespace zerofs::cache {

struct DiskCacheOptions {
  std::string dir;  // created if missing
  uint64_t capacity_bytes = 0;
  // Bytes queued for writing at most; beyond this Insert drops entries.
  uint64_t max_pending_bytes = 64ull << 20;
  // Size at which a log file is closed and a new one started; 0 chooses
  // from the capacity (a 64th of it, between 16 KiB and 16 MiB).
  uint64_t file_bytes = 0;
};

struct DiskCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t inserts = 0;         // entries written (new ones, not moves)
  uint64_t dropped_writes = 0;  // queue full, or the write failed
  uint64_t bad_entries = 0;     // failed their checks (at Open, Lookup, or Erase by the caller)
  uint64_t evictions = 0;       // entries forgotten because their file went
  uint64_t moved = 0;           // entries written again when their file went
  uint64_t indexed_logs = 0;    // logs opened from their index (not walked) at Open
  uint64_t usage = 0;           // charged bytes on disk (log files)
  uint64_t entries = 0;
  uint64_t files = 0;
};

class DiskCache {
 public:
  // Creates `dir` if needed, checks it is writable (an error names the
  // path), locks it against a second DiskCache (in any process), removes
  // the files of an older layout, and rebuilds the index from the logs.
  static Result<std::unique_ptr<DiskCache>> Open(DiskCacheOptions options);

  // Stops the writer, then finishes the queued writes (on the calling thread).
  ~DiskCache();

  DiskCache(const DiskCache&) = delete;
  DiskCache& operator=(const DiskCache&) = delete;

  // The value, checked (see the contract), or nullopt.
  std::optional<std::string> Lookup(std::string_view key);

  // Queues `value` for writing unless `key` is cached or queued already
  // (values are immutable) or the key is empty or too long.
  void Insert(std::string_view key, std::string_view value);

  // Drops `key`, e.g. because its bytes failed authentication. Its bytes
  // stay in their log file until the file goes.
  void Erase(std::string_view key);

  // Blocks until every queued write is done (tests, and a clean close).
  void WaitForWrites();

  DiskCacheStats Stats() const;
  const std::string& dir() const { return options_.dir; }
  uint64_t file_bytes() const { return file_bytes_; }

 private:
  enum Queue : uint8_t { kSmall, kMain };
  struct LogFile;
  // Where an entry's record is.
  struct Loc {
    uint64_t file;  // sequence number of its log
    uint64_t offset;
    uint64_t size;  // of the whole record
    uint8_t freq;   // reads since written or last moved, capped at 3
  };
  // An entry waiting for the writer: new, or moved out of an evicted file.
  struct Pending {
    std::shared_ptr<const std::string> value;
    bool to_main;
    uint8_t freq;
    bool counted;  // counted in pending_bytes_ (moves are not: never dropped)
  };

  explicit DiskCache(DiskCacheOptions options);
  Status Rebuild();
  // Reads the records of one log into the index; cuts the file at the first
  // bad one. Returns false if nothing usable is left (the file is removed).
  bool LoadLog(uint64_t seq, const std::string& path);
  std::string LogPath(uint64_t seq) const;
  std::string IndexPath(uint64_t seq) const;
  // Writes the index of log `seq` (a closed log's). Without the lock.
  void WriteIndex(uint64_t seq, const std::string& bytes) const;
  // Ends appends to the active log of `q` and writes its index. REQUIRES:
  // lock held (released while the index is written). Writer only.
  void CloseLogLocked(std::unique_lock<std::mutex>& lock, Queue q);

  void WriterLoop();
  // Writes queued entries, one at a time. With `wait` (the writer thread),
  // waits for more until stop_; without (the destructor, once the writer
  // has stopped), returns when the queue is empty.
  void WriteQueued(bool wait);
  // Appends one record to the active file of its queue, making room first.
  // Writer only; takes the lock itself around index changes.
  void AppendOne(const std::string& key, const Pending& p);
  // Evicts the oldest file of `q`: its surviving entries are queued as
  // moves (read from the file without the lock), the others forgotten.
  void EvictOldestLocked(std::unique_lock<std::mutex>& lock, Queue q);
  // Removes a log that is no longer in a queue. REQUIRES: lock held.
  void DropFileLocked(uint64_t seq);

  const DiskCacheOptions options_;  // dir has its trailing '/' removed
  const uint64_t file_bytes_;
  const uint64_t small_target_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  // Everything below is guarded by mutex_.
  std::unordered_map<std::string, Loc> index_;
  std::map<uint64_t, std::shared_ptr<LogFile>> files_;  // by sequence number
  std::deque<uint64_t> small_files_, main_files_;       // oldest first
  uint64_t active_[2] = {0, 0};                         // per queue; 0: none
  uint64_t next_seq_ = 1;
  uint64_t usage_ = 0, small_usage_ = 0;
  // Keys evicted unread from the small queue, about as much as the main
  // queue holds.
  GhostList ghosts_{options_.capacity_bytes - small_target_};
  // Queued writes: values stay readable by Lookup until written.
  std::deque<std::string> queue_;
  std::unordered_map<std::string, Pending> pending_;
  uint64_t pending_bytes_ = 0;
  bool writing_ = false;  // the writer holds an item
  bool stop_ = false;
  DiskCacheStats stats_;  // usage, entries and files filled in by Stats

  std::thread writer_;
  int lock_fd_ = -1;  // flock on dir/LOCK, held until destruction
};

}  // namespace zerofs::cache
