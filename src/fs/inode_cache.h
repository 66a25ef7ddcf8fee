// InodeCache: decoded inode records kept in memory, so that the hot paths
// (a cached read, getattr) need no RocksDB lookup for them. On a cached
// 4 KiB 9P read the inode record's lookup was 11% of the server's CPU.
//
// Correctness rests on two rules, both kept by FileSystem::Impl:
//  - a record is inserted only by a Load that read it from the engine, and
//    only if no commit touching the record's shard ended since that Load
//    began (the shard's generation is unchanged);
//  - every commit that puts or deletes inode records invalidates them
//    after the engine has applied it (generation bump + erase, under the
//    shard's mutex).
// So an entry is never older than the last finished commit of its inode:
// a Load racing a commit either sees the generation move (and does not
// insert) or inserted before the invalidation (which then erases it).
//
// Bounded: at most kShards * kPerShard entries; a full shard drops an
// arbitrary entry. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "fs/filesystem.h"
#include "fs/inode.h"

namespace zerofs::fs {

class InodeCache {
 public:
  static constexpr size_t kShards = 64;
  static constexpr size_t kPerShard = 1024;

  // What a Load notes before it reads from the engine.
  uint64_t Generation(InodeId ino) {
    Shard& s = ShardOf(ino);
    std::lock_guard<std::mutex> lock(s.mu);
    return s.generation;
  }

  std::optional<InodeRecord> Find(InodeId ino) {
    Shard& s = ShardOf(ino);
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.records.find(ino);
    if (it == s.records.end()) return std::nullopt;
    return it->second;
  }

  // Keeps `rec`, read from the engine after Generation(ino) returned
  // `generation`, unless a commit of the shard ended since.
  void Insert(InodeId ino, const InodeRecord& rec, uint64_t generation) {
    Shard& s = ShardOf(ino);
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.generation != generation) return;
    if (s.records.size() >= kPerShard && s.records.count(ino) == 0) {
      s.records.erase(s.records.begin());
    }
    s.records.insert_or_assign(ino, rec);
  }

  // After a commit that put or deleted the records of `inos`.
  void Invalidate(const std::vector<InodeId>& inos) {
    for (InodeId ino : inos) {
      Shard& s = ShardOf(ino);
      std::lock_guard<std::mutex> lock(s.mu);
      s.generation++;
      s.records.erase(ino);
    }
  }

 private:
  struct Shard {
    std::mutex mu;
    uint64_t generation = 0;
    std::unordered_map<InodeId, InodeRecord> records;
  };
  Shard& ShardOf(InodeId ino) { return shards_[ino % kShards]; }

  std::array<Shard, kShards> shards_;
};

}  // namespace zerofs::fs
