// MemoryCache: a thread-safe, byte-bounded cache of immutable values with
// S3-FIFO admission and eviction (small FIFO, main FIFO, ghost keys).
//
// The engine keeps decoded extents here keyed by (segment id, frame offset),
// which never change once written, so entries need no invalidation. Values
// are shared: a Lookup result stays valid after the entry is evicted.
//
// Why S3-FIFO and not LRU: most data is read once (a backup, a sequential
// scan, a file copy). New entries enter a small FIFO holding at most a tenth
// of the capacity; only those read again while there move to the main FIFO.
// A one-off scan therefore cycles through the small queue (reusing its
// memory) instead of flushing everything that is read often. Keys evicted
// unread from the small queue are remembered in a ghost list: if they come
// back soon they go straight to the main queue. Lookups only bump a counter
// (no list moves), so hits are cheap.
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
  explicit MemoryCache(uint64_t capacity_bytes)
      : capacity_(capacity_bytes), small_target_(capacity_bytes / 10) {}

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
  enum class Queue : uint8_t { kSmall, kMain };
  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> value;
    uint64_t charge;
    Queue queue;
    uint8_t freq;  // accesses since insertion or last reinsertion, capped at 3
  };
  using List = std::list<Entry>;
  struct Ghost {
    std::string key;
    uint64_t charge;
  };
  using GhostList = std::list<Ghost>;

  List& QueueOf(const Entry& e) { return e.queue == Queue::kSmall ? small_ : main_; }
  void EraseLocked(List::iterator it);
  void EvictLocked();
  void EvictSmallLocked();
  void EvictMainLocked();
  void RememberGhostLocked(std::string key, uint64_t charge);
  bool TakeGhostLocked(std::string_view key);

  const uint64_t capacity_;
  const uint64_t small_target_;

  mutable std::mutex mutex_;
  // Front = newest. index_ keys view the keys stored in the lists.
  List small_;                                                             // guarded by mutex_
  List main_;                                                              // guarded by mutex_
  std::unordered_map<std::string_view, List::iterator> index_;             // guarded by mutex_
  GhostList ghosts_;                                                       // guarded by mutex_
  std::unordered_map<std::string_view, GhostList::iterator> ghost_index_;  // guarded by mutex_
  uint64_t usage_ = 0;                                                     // guarded by mutex_
  uint64_t small_usage_ = 0;                                               // guarded by mutex_
  uint64_t ghost_usage_ = 0;  // guarded by mutex_: charges the ghosts stood for
  uint64_t hits_ = 0;         // guarded by mutex_
  uint64_t misses_ = 0;       // guarded by mutex_
};

}  // namespace zerofs::cache
