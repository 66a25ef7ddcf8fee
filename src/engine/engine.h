// The storage engine: a log-structured store of metadata (key/value) and file
// data (32 KiB extents) on an object store. See docs/ARCHITECTURE.md
// ("Storage engine") and docs/FORMAT.md for the bytes it writes.
//
// Contract:
//  - Thread-safe. Every method may be called from many threads at once; calls
//    block the caller (there is no event loop in the engine).
//  - Commit() is atomic: all of a Transaction's changes land in one segment,
//    so after a crash either all or none of them are recovered.
//  - Read-your-writes: Get/Scan/ReadExtent see every committed Transaction at
//    once, before it is durable.
//  - Durability: Flush() returns once everything committed before the call is
//    in the object store. Concurrent Flush() calls share one upload (group
//    commit). A periodic flush bounds what a crash can lose.
//  - Exactly one writer per store: opening as writer fences any previous
//    writer; a fenced engine answers kFenced to Commit and Flush.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "crypto/codec.h"
#include "crypto/key_file.h"
#include "objstore/object_store.h"

namespace zerofs::engine {

// Files are split into extents of this many logical bytes (frozen: part of
// the format, see docs/FORMAT.md).
constexpr uint32_t kExtentSize = 32 * 1024;
// Most extents one ReadExtents call returns (64 MiB).
constexpr uint64_t kMaxExtentsPerRead = 2048;
// The decoded bytes of one extent, shared with the memory cache.
using ExtentData = std::shared_ptr<const std::string>;

// Whether extent bytes are stored as a hole (all zeros, or empty): such an
// extent write stores nothing and counts nothing in StoredBytes.
inline bool StoredAsHole(std::string_view extent) {
  return std::all_of(extent.begin(), extent.end(), [](char c) { return c == 0; });
}

struct EngineOptions {
  // The bucket (already wrapped with retries by the caller).
  std::shared_ptr<objstore::ObjectStore> store;
  std::string password;
  // Local directory for the metadata index (RocksDB) and engine state.
  // Created if missing. Its content is a cache of the bucket: after an
  // unclean stop it is rebuilt from the bucket, never trusted.
  std::string local_dir;

  crypto::Codec codec = crypto::Codec::kZstd;
  int codec_level = 3;
  // Seal the open segment once it holds this many bytes.
  uint64_t segment_bytes = 64ull << 20;
  // Seal and upload whatever is open this often (0 = never by timer).
  std::chrono::milliseconds flush_interval{5000};
  // Take a snapshot this often (0 = only on Close/Snapshot()).
  std::chrono::milliseconds snapshot_interval{300000};
  // Bound on decoded extents kept in memory.
  uint64_t memory_cache_bytes = 256ull << 20;
  // Disk tier (cache/disk_cache.h): sealed frames fetched from the bucket,
  // kept across restarts in this directory. Empty or 0 bytes: no disk tier.
  // A writer fails to open if the directory is unusable; a read-only engine
  // then runs without it (the writer may hold it).
  std::string disk_cache_dir;
  uint64_t disk_cache_bytes = 0;
  // Also keep the frames this writer uploads in the disk tier, so that data
  // written recently stays readable without a GET once the memory tier has
  // let it go. Worth it when the store is remote; for a local store
  // (file://) the segment files are on local disk already.
  bool disk_cache_uploads = false;
  // Read-ahead window bound in extents for sequential reads (0 = off).
  uint64_t read_ahead_extents = 0;
  // GETs of segment data in flight at once, over all readers.
  int max_concurrent_gets = 32;
  // Key derivation cost used when this open creates the key file.
  crypto::KdfParams kdf = crypto::KdfParams::Default();

  // Open without becoming the writer: never fences, never writes to the
  // bucket; Commit answers Error::Posix(EROFS). Used by fsck, replicas and
  // checkpoints.
  bool read_only = false;
  // Create the key file and manifest when the store is empty (writer only).
  bool create_if_missing = true;

  // Garbage collection on the writer (engine/gc.h): every `gc_interval`,
  // segments at least `gc_dead_ratio` dead are rewritten (up to
  // `gc_max_bytes_per_pass` live bytes per pass) and dead objects deleted.
  bool gc_enabled = true;
  std::chrono::milliseconds gc_interval{60000};
  double gc_dead_ratio = 0.5;
  uint64_t gc_max_bytes_per_pass = 1ull << 30;
  // A reader (fsck, replica) that opened from an older snapshot may still
  // need its objects: they are kept this long after the manifest moved on.
  std::chrono::milliseconds gc_reader_grace{600000};

  // Tests only: destroying the engine without Close() simulates a crash
  // (nothing more is flushed or uploaded, no snapshot, no clean shutdown).
  bool test_skip_close_on_destroy = false;
};

// One atomic change: metadata puts/deletes plus extent writes/deletes.
// Metadata keys belong to the caller (the fs layer); the engine stores them
// under its own prefix so they never collide with engine keys.
class Transaction {
 public:
  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Sets extent `index` of inode `ino`. data.size() <= kExtentSize; bytes past
  // data.size() read as zeros. An all-zero (or empty) extent becomes a hole.
  void WriteExtent(uint64_t ino, uint64_t index, std::string data);
  // Makes extents [first, end) of `ino` holes (truncate, punch hole, unlink).
  void DeleteExtents(uint64_t ino, uint64_t first, uint64_t end);

  bool empty() const { return ops_.empty(); }

  struct Op {
    enum Kind : uint8_t { kPut, kDelete, kWriteExtent, kDeleteExtents } kind;
    std::string key;    // kPut, kDelete
    std::string value;  // kPut; extent bytes for kWriteExtent
    uint64_t ino = 0;
    uint64_t first = 0;  // extent index (kWriteExtent) or range start
    uint64_t end = 0;    // range end (kDeleteExtents)
  };
  const std::vector<Op>& ops() const { return ops_; }
  std::vector<Op>& mutable_ops() { return ops_; }

 private:
  std::vector<Op> ops_;
};

struct EngineStats {
  uint64_t committed_txns = 0;
  uint64_t flushes = 0;
  uint64_t segments_uploaded = 0;
  uint64_t bytes_uploaded = 0;
  uint64_t snapshots = 0;
  uint64_t live_logical_bytes = 0;  // sum of logical lengths of stored extents
  uint64_t live_stored_bytes = 0;   // sum of sealed frame lengths still referenced
  uint64_t cache_hits = 0;
  uint64_t cache_misses = 0;
  uint64_t disk_cache_hits = 0;
  uint64_t disk_cache_misses = 0;
  uint64_t disk_cache_bad_entries = 0;  // failed a check, dropped, refetched
  uint64_t disk_cache_bytes = 0;        // charged bytes on disk
  uint64_t read_ahead_requests = 0;     // background reads the read-ahead issued
  uint64_t read_ahead_extents = 0;      // extents they covered
  uint64_t epoch = 0;
  bool fenced = false;
  // Garbage collection (engine/gc.h).
  uint64_t gc_passes = 0;
  uint64_t gc_bytes_rewritten = 0;  // sealed bytes of live frames copied
  uint64_t gc_segments_deleted = 0;
  uint64_t gc_bytes_deleted = 0;    // object bytes of deleted segments
  uint64_t gc_orphans_deleted = 0;  // objects no index or snapshot refers to
};

class Engine {
 public:
  // Opens (or, for a writer on an empty store, creates) the store: loads the
  // key with the password, loads the latest snapshot and replays newer
  // segments, and as a writer bumps the epoch to fence any previous writer.
  // Errors: kPermissionDenied "wrong encryption password", kCorruption for
  // damaged objects, store errors naming the URL.
  static Result<std::unique_ptr<Engine>> Open(EngineOptions options);

  virtual ~Engine() = default;

  // Metadata. Get returns nullopt for a missing key.
  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;
  // Up to `limit` pairs whose keys start with `prefix` and sort after `after`
  // (an empty `after` starts at the prefix), in bytewise key order.
  virtual Result<std::vector<std::pair<std::string, std::string>>> Scan(std::string_view prefix,
                                                                        std::string_view after,
                                                                        size_t limit) = 0;

  // Applies `txn` atomically. Fails with kFenced if another writer took over,
  // EROFS (Error::Posix) on a read-only engine.
  virtual Status Commit(Transaction txn) = 0;

  // Returns the logical bytes of an extent (size <= kExtentSize, zeros beyond)
  // or an empty string for a hole. kCorruption if the stored frame fails
  // authentication (the fs layer reports EIO).
  virtual Result<std::string> ReadExtent(uint64_t ino, uint64_t index) = 0;

  // Logical bytes of the extents `ino` has stored: holes, and the zero tail
  // of a short last extent, are not counted. For st_blocks.
  virtual Result<uint64_t> StoredBytes(uint64_t ino) = 0;

  // Extents [first, first + count) of `ino` (count <= kMaxExtentsPerRead) in
  // one pass over the index: out[i] is extent first + i, nullptr for a hole.
  // Frames that miss the cache and lie close together in one segment are
  // fetched with one ranged read. Errors as ReadExtent.
  virtual Result<std::vector<ExtentData>> ReadExtents(uint64_t ino, uint64_t first,
                                                      uint64_t count) = 0;

  // ReadExtents from memory only: nullopt as soon as one frame is not in the
  // memory cache (or the engine is closing). Never waits on the object
  // store, so a protocol's I/O thread may call it and fall back to
  // ReadExtents on a worker thread.
  virtual Result<std::optional<std::vector<ExtentData>>> ReadExtentsIfCached(uint64_t ino,
                                                                             uint64_t first,
                                                                             uint64_t count) = 0;

  // Durability barrier (see the contract at the top of this file).
  virtual Status Flush() = 0;

  // Flushes and records a snapshot of the index in the manifest, so that
  // recovery replays only newer segments.
  virtual Status Snapshot() = 0;

  // Flush, snapshot, stop background work. Idempotent. After Close every
  // call fails.
  virtual Status Close() = 0;

  virtual EngineStats Stats() = 0;
};

}  // namespace zerofs::engine
