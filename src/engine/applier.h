// Applier: turns journal records into one RocksDB WriteBatch and keeps the
// derived counters (segment stats 'S', global stats 'Z') exact.
//
// The same code runs on the live path (Commit, seal) and on replay, so the
// counters after recovery equal the counters of the process that wrote the
// segments. Each replaced extent pointer is looked up (first in this
// applier's own pending changes, then in the DB) and its segment's live
// counters are decremented.
//
// REQUIRES: no other thread writes 'E', 'S' or 'Z' keys between the first
// Apply and the Write of the batch (the engine holds its mutex; recovery is
// single-threaded).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "base/result.h"
#include "engine/journal.h"
#include "engine/keys.h"

namespace zerofs::engine {

class Applier {
 public:
  explicit Applier(rocksdb::DB* db) : db_(db) {}

  // Applies one record of segment `segment_id`. kCorruption if the index
  // holds a malformed value.
  Status Apply(uint64_t segment_id, const JournalRecord& record);

  // Adds the touched counters to the batch and returns it, ready to write.
  // The applier must not be used after.
  Result<rocksdb::WriteBatch*> Finish();

  // Global counters after everything applied (valid after the first Apply).
  const GlobalStats& global() const { return *global_; }

 private:
  Result<std::optional<ExtentPointer>> GetPointer(const std::string& key);
  Result<SegmentStats*> Segment(uint64_t id);
  Status LoadGlobal();
  Result<uint64_t*> InodeBytes(uint64_t ino);
  // Drops the extent at `key` (if any) from the counters.
  Status Unreference(const std::string& key);
  Status DeleteRange(uint64_t ino, uint64_t first, uint64_t end);

  rocksdb::DB* const db_;
  rocksdb::WriteBatch batch_;
  // Extent pointers written by this applier (nullopt = deleted), so a batch
  // that touches one extent twice counts it right.
  std::map<std::string, std::optional<ExtentPointer>> extents_;
  std::map<uint64_t, SegmentStats> segments_;
  std::map<uint64_t, uint64_t> inode_bytes_;  // 'B' counters touched
  std::optional<GlobalStats> global_;
  std::optional<uint64_t> applied_;
};

// Reads a 'Z'/'S' value helpers for callers outside the applier.
Result<GlobalStats> ReadGlobalStats(rocksdb::DB* db);
Result<uint64_t> ReadAppliedSegment(rocksdb::DB* db);            // 0 if none
Result<uint64_t> ReadInodeBytes(rocksdb::DB* db, uint64_t ino);  // 0 if none
Status FromRocks(const rocksdb::Status& s, const std::string& what);

}  // namespace zerofs::engine
