// GhostList: S3-FIFO's memory of keys evicted unread from the small queue
// (cache/s3fifo.h explains the policy), shared by the memory tier and the
// disk tier. A key that comes back while remembered goes straight to the
// main queue.
//
// Keys are remembered by their hash: a collision only admits some other
// key straight to the main queue, and it saves a key copy and two string
// hashes per eviction (the ghost maps were ~3% of a cold sequential read's
// CPU). Bounded by the charges the ghosts stood for (oldest forgotten
// first). Not thread-safe: the owner's lock covers it.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <list>
#include <string_view>
#include <unordered_map>

namespace zerofs::cache {

class GhostList {
 public:
  // Remembers about `bound` bytes' worth of evicted entries.
  explicit GhostList(uint64_t bound) : bound_(bound) {}

  GhostList(const GhostList&) = delete;
  GhostList& operator=(const GhostList&) = delete;

  void Remember(std::string_view key, uint64_t charge) {
    const size_t hash = HashOf(key);
    if (index_.count(hash) != 0) return;  // already remembered
    ghosts_.push_front(Ghost{hash, charge});
    index_.emplace(hash, ghosts_.begin());
    usage_ += charge;
    while (usage_ > bound_ && !ghosts_.empty()) {
      auto last = std::prev(ghosts_.end());
      usage_ -= last->charge;
      index_.erase(last->hash);
      ghosts_.erase(last);
    }
  }

  // True (and forgets it) if `key` is remembered.
  bool Take(std::string_view key) {
    auto it = index_.find(HashOf(key));
    if (it == index_.end()) return false;
    usage_ -= it->second->charge;
    ghosts_.erase(it->second);
    index_.erase(it);
    return true;
  }

 private:
  struct Ghost {
    size_t hash;
    uint64_t charge;
  };
  static size_t HashOf(std::string_view key) { return std::hash<std::string_view>{}(key); }

  const uint64_t bound_;
  std::list<Ghost> ghosts_;  // newest first
  std::unordered_map<size_t, std::list<Ghost>::iterator> index_;
  uint64_t usage_ = 0;
};

}  // namespace zerofs::cache
