// MemoryCache: a thread-safe, byte-bounded LRU of immutable values.
//
// The engine keeps decoded extents here keyed by (segment id, frame offset),
// which never change once written, so entries need no invalidation. Values
// are shared: a Lookup result stays valid after the entry is evicted.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace zerofs::cache {

class MemoryCache {
 public:
  // capacity_bytes == 0 disables the cache (Insert is a no-op).
  explicit MemoryCache(uint64_t capacity_bytes) : capacity_(capacity_bytes) {}

  MemoryCache(const MemoryCache&) = delete;
  MemoryCache& operator=(const MemoryCache&) = delete;

  // Returns the value and marks it most recently used, or nullptr.
  std::shared_ptr<const std::string> Lookup(std::string_view key);

  // Inserts or replaces `key`, then evicts least recently used entries until
  // the total charge (key + value bytes) fits. A value larger than the whole
  // capacity is not kept.
  void Insert(std::string_view key, std::shared_ptr<const std::string> value);

  void Erase(std::string_view key);

  uint64_t usage() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> value;
    uint64_t charge;
  };
  using List = std::list<Entry>;

  void EraseLocked(List::iterator it);

  const uint64_t capacity_;

  mutable std::mutex mutex_;
  // Front = most recently used. index_ keys view the keys stored in lru_.
  List lru_;                                                    // guarded by mutex_
  std::unordered_map<std::string_view, List::iterator> index_;  // guarded by mutex_
  uint64_t usage_ = 0;                                          // guarded by mutex_
  uint64_t hits_ = 0;                                           // guarded by mutex_
  uint64_t misses_ = 0;                                         // guarded by mutex_
};

}  // namespace zerofs::cache
