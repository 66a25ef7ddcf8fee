// Persisted counts of live inodes and file bytes (sum of regular file
// sizes), for StatFs and the max_inodes / max_bytes limits.
//
// The counts are split into kShards records (key "S" BE32 shard), an inode
// always counting in shard ino % kShards, so concurrent operations on
// different inodes rarely contend. Commit() writes the changed shard records
// into the same Transaction as the change they count, holding the shards'
// mutexes across the engine commit so records are written in order.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "base/result.h"
#include "engine/engine.h"
#include "fs/filesystem.h"

namespace zerofs::fs {

constexpr uint8_t kStatsRecordVersion = 1;

struct StatsDelta {
  InodeId ino = 0;
  int64_t inodes = 0;
  int64_t bytes = 0;
};

class StatsCounters {
 public:
  static constexpr uint32_t kShards = 16;

  // Reads the shard records. REQUIRES: before any Commit.
  Status Load(engine::Engine* engine);

  // Adds the shard records for `deltas` to `txn` and commits it. On failure
  // the in-memory counts are unchanged.
  Status Commit(engine::Engine* engine, engine::Transaction txn,
                const std::vector<StatsDelta>& deltas);

  uint64_t inodes() const;
  uint64_t bytes() const;

 private:
  struct Shard {
    std::mutex mu;
    std::atomic<int64_t> inodes{0};
    std::atomic<int64_t> bytes{0};
  };
  std::array<Shard, kShards> shards_;
};

}  // namespace zerofs::fs
