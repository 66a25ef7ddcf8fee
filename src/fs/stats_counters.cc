#include "fs/stats_counters.h"

#include <algorithm>
#include <cerrno>

#include "base/coding.h"
#include "fs/keys.h"

namespace zerofs::fs {

Status StatsCounters::Load(engine::Engine* engine) {
  for (uint32_t i = 0; i < kShards; i++) {
    ZFS_ASSIGN_OR_RETURN(auto value, engine->Get(keys::Stats(i)));
    if (!value) continue;
    // Fixed layout: version, LE64 inodes, LE64 bytes.
    const std::string& v = *value;
    if (v.size() != 17 || static_cast<uint8_t>(v[0]) != kStatsRecordVersion) {
      return Error(Code::kCorruption, "fs stats record " + std::to_string(i));
    }
    uint64_t inodes = LoadLE64(v.data() + 1);
    uint64_t bytes = LoadLE64(v.data() + 9);
    shards_[i].inodes = static_cast<int64_t>(inodes);
    shards_[i].bytes = static_cast<int64_t>(bytes);
  }
  return OkStatus();
}

Status StatsCounters::Commit(engine::Engine* engine, engine::Transaction txn,
                             const std::vector<StatsDelta>& deltas) {
  struct Change {
    uint32_t shard;
    int64_t inodes, bytes;
  };
  std::vector<Change> changes;
  for (const StatsDelta& d : deltas) {
    if (d.inodes == 0 && d.bytes == 0) continue;
    uint32_t shard = static_cast<uint32_t>(d.ino % kShards);
    auto it = std::find_if(changes.begin(), changes.end(),
                           [&](const Change& c) { return c.shard == shard; });
    if (it == changes.end()) {
      changes.push_back({shard, d.inodes, d.bytes});
    } else {
      it->inodes += d.inodes;
      it->bytes += d.bytes;
    }
  }
  if (changes.empty()) return engine->Commit(std::move(txn));
  std::sort(changes.begin(), changes.end(),
            [](const Change& a, const Change& b) { return a.shard < b.shard; });
  std::vector<std::unique_lock<std::mutex>> held;
  for (const Change& c : changes) {
    Shard& s = shards_[c.shard];
    held.emplace_back(s.mu);
    std::string value;
    PutU8(&value, kStatsRecordVersion);
    PutLE64(&value, static_cast<uint64_t>(s.inodes.load() + c.inodes));
    PutLE64(&value, static_cast<uint64_t>(s.bytes.load() + c.bytes));
    txn.Put(keys::Stats(c.shard), value);
  }
  ZFS_RETURN_IF_ERROR(engine->Commit(std::move(txn)));
  for (const Change& c : changes) {
    shards_[c.shard].inodes += c.inodes;
    shards_[c.shard].bytes += c.bytes;
  }
  return OkStatus();
}

uint64_t StatsCounters::inodes() const {
  int64_t n = 0;
  for (const Shard& s : shards_) n += s.inodes.load();
  return n < 0 ? 0 : static_cast<uint64_t>(n);
}

uint64_t StatsCounters::bytes() const {
  int64_t n = 0;
  for (const Shard& s : shards_) n += s.bytes.load();
  return n < 0 ? 0 : static_cast<uint64_t>(n);
}

}  // namespace zerofs::fs
