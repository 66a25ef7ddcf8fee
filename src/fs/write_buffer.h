// WriteBuffer: file extents changed by small writes, kept decoded in memory
// until they are written back to the engine (write_back.h).
//
// Why: a write smaller than an extent is a read-modify-write of 32 KiB, and
// committing it to the engine compresses and encrypts the whole extent. A
// database, a VM disk or a log rewrites the same extents many times a second;
// buffering them pays that cost once per write-back instead of once per
// write. Durability is unchanged: nothing is durable before Fsync/Flush, and
// both write the buffer back before the engine's flush barrier.
//
// Rules the fs layer keeps (see file_io.cc, write_back.cc, filesystem.cc):
//  - An entry is the whole current content of one extent (bytes past its
//    size read as zeros), so it shadows what the engine has for it.
//  - Entries are added and changed only under the inode's exclusive lock;
//    readers look under a shared one. Every commit that writes or deletes an
//    extent discards the entries it covers (FileSystem::Impl::Commit).
//  - Operations that read extents to rebuild them (truncate, punch hole,
//    zero range) write the inode's entries back first.
//  - Entries exist only for live inodes: freeing an inode discards them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "fs/inode.h"

namespace zerofs::fs {

class WriteBuffer {
 public:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    engine::ExtentData data;  // never null; size <= kExtentSize
    // Logical bytes the engine stored for this extent when it was first
    // buffered, and what this content will store (0 if all zero: a hole).
    uint32_t base_stored = 0;
    uint32_t stored = 0;
    Clock::time_point since;  // when it was first buffered (not when last changed)
  };

  // limit_bytes: above this the writer writes back part of its own file
  // before returning; 0 disables buffering.
  explicit WriteBuffer(uint64_t limit_bytes) : limit_(limit_bytes) {}
  WriteBuffer(const WriteBuffer&) = delete;
  WriteBuffer& operator=(const WriteBuffer&) = delete;

  bool enabled() const { return limit_ != 0; }
  uint64_t limit() const { return limit_; }
  // Bytes charged: a whole extent per entry.
  uint64_t bytes() const { return entries_.load(std::memory_order_relaxed) * engine::kExtentSize; }
  bool empty() const { return entries_.load(std::memory_order_relaxed) == 0; }

  std::optional<Entry> Find(InodeId ino, uint64_t index) const;
  // Sets extent `index` of `ino` to `data`. `base_stored` is used only when
  // the extent is not buffered yet (later changes keep the first base).
  void Put(InodeId ino, uint64_t index, engine::ExtentData data, uint32_t base_stored);
  // Replaces out[i] by extent first + i where buffered.
  void Overlay(InodeId ino, uint64_t first, std::vector<engine::ExtentData>* out) const;
  // How the buffered extents of `ino` change its engine's StoredBytes.
  int64_t StoredDelta(InodeId ino) const;
  // Up to `max` entries of `ino` at index `from` or above first buffered
  // before `before`, lowest index first (for a write-back). A write-back in
  // chunks passes the index after its last chunk as `from`: scanning from
  // the start each time would step over the same young entries again.
  std::vector<std::pair<uint64_t, engine::ExtentData>> Peek(
      InodeId ino, size_t max, Clock::time_point before = Clock::time_point::max(),
      uint64_t from = 0) const;
  // Drops the entries of extents [first, end) of `ino`.
  void Discard(InodeId ino, uint64_t first, uint64_t end);
  void DiscardAll(InodeId ino);
  // Inodes with entries: every one when `all`, else those with an entry
  // first buffered before `dirty_before`.
  std::vector<InodeId> Inodes(bool all, Clock::time_point dirty_before) const;

 private:
  static constexpr size_t kShards = 16;
  struct File {
    std::map<uint64_t, Entry> extents;
    int64_t stored_delta = 0;
    // The entries' `since`, so that the oldest is known without a scan of
    // the entries after every discard (one per extent a commit writes).
    std::multiset<Clock::time_point> sinces;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<InodeId, File> files;  // guarded by mu
  };
  Shard& ShardOf(InodeId ino) { return shards_[ino % kShards]; }
  const Shard& ShardOf(InodeId ino) const { return shards_[ino % kShards]; }
  // REQUIRES: shard.mu held.
  void EraseLocked(Shard* shard, std::unordered_map<InodeId, File>::iterator file,
                   std::map<uint64_t, Entry>::iterator first,
                   std::map<uint64_t, Entry>::iterator last);

  const uint64_t limit_;
  std::atomic<uint64_t> entries_{0};
  Shard shards_[kShards];
};

}  // namespace zerofs::fs
