// MemoryCache: a thread-safe, byte-bounded cache of immutable values with
// S3-FIFO admission and eviction (cache/s3fifo.h explains the policy).
//
// The engine keeps decoded extents here keyed by (segment id, frame offset),
// which never change once written, so entries need no invalidation. Values
// are shared: a Lookup result stays valid after the entry is evicted.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "cache/s3fifo.h"

namespace zerofs::cache {

class MemoryCache {
 public:
  // capacity_bytes == 0 disables the cache (Insert is a no-op).
  explicit MemoryCache(uint64_t capacity_bytes) : policy_(capacity_bytes) {}

  MemoryCache(const MemoryCache&) = delete;
  MemoryCache& operator=(const MemoryCache&) = delete;

  // Returns the value (and counts the access), or nullptr.
  std::shared_ptr<const std::string> Lookup(std::string_view key);

  // Inserts or replaces `key`, then evicts until the total charge (key +
  // value bytes) fits. A value larger than the whole capacity is not kept.
  void Insert(std::string_view key, std::shared_ptr<const std::string> value);

  void Erase(std::string_view key);

  uint64_t usage() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  using Value = std::shared_ptr<const std::string>;

  mutable std::mutex mutex_;
  S3Fifo<Value> policy_;  // guarded by mutex_
  uint64_t hits_ = 0;     // guarded by mutex_
  uint64_t misses_ = 0;   // guarded by mutex_
};

}  // namespace zerofs::cache
