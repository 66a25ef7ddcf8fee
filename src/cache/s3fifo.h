// S3Fifo<V>: the S3-FIFO admission and eviction policy (small FIFO, main
// FIFO, ghost keys) over entries with a byte charge, shared by the memory
// tier (V = the value) and the disk tier (V = what it knows of a file).
//
// Not thread-safe: the owning cache holds its own mutex around every call.
//
// Why S3-FIFO and not LRU: most data is read once (a backup, a sequential
// scan, a file copy). New entries enter a small FIFO holding at most a tenth
// of the capacity; only those read again while there move to the main FIFO.
// A one-off scan therefore cycles through the small queue (reusing its
// space) instead of flushing everything that is read often. Keys evicted
// unread from the small queue are remembered in a ghost list: if they come
// back soon they go straight to the main queue. Lookups only bump a counter
// (no list moves), so hits are cheap.
//
// Invariants: usage() <= capacity after every Insert; each key is in at
// most one of small, main, ghosts; the newest small entry is evicted only
// when nothing else can be.
#pragma once

#include <cstdint>
#include <iterator>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cache/ghost_list.h"

namespace zerofs::cache {

template <typename V>
class S3Fifo {
 public:
  struct Evicted {
    std::string key;
    V value;
  };

  explicit S3Fifo(uint64_t capacity) : capacity_(capacity), small_target_(capacity / 10) {}

  S3Fifo(const S3Fifo&) = delete;
  S3Fifo& operator=(const S3Fifo&) = delete;

  // The value of `key` (counting the access), or nullptr. The pointer is
  // valid until the next Insert or Erase.
  V* Find(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    Entry& e = *it->second;
    if (e.freq < 3) e.freq++;
    return &e.value;
  }

  bool Contains(std::string_view key) const { return index_.count(key) != 0; }

  // Inserts or replaces `key` (a replaced value goes to *evicted), then
  // evicts until the total charge fits, appending what left to *evicted.
  // A new entry enters the small queue unless a ghost remembers its key, or
  // `main` is set (an entry already proven, e.g. found again after a
  // restart). Returns false, and gives the value back in *evicted, if the
  // charge alone exceeds the capacity.
  bool Insert(std::string_view key, V value, uint64_t charge, std::vector<Evicted>* evicted,
              bool main = false) {
    if (auto it = index_.find(key); it != index_.end()) {
      evicted->push_back(Evicted{it->second->key, std::move(it->second->value)});
      EraseEntry(it->second);
    }
    if (charge > capacity_) {
      evicted->push_back(Evicted{std::string(key), std::move(value)});
      return false;
    }
    const bool to_main = ghosts_.Take(key) || main;
    List& list = to_main ? main_ : small_;
    list.push_front(Entry{std::string(key), std::move(value), charge, to_main ? kMain : kSmall, 0});
    index_.emplace(list.front().key, list.begin());
    usage_ += charge;
    if (!to_main) small_usage_ += charge;
    Evict(evicted);
    return true;
  }

  // Removes `key`; returns its value if it was present.
  std::optional<V> Erase(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    std::optional<V> v(std::move(it->second->value));
    EraseEntry(it->second);
    return v;
  }

  uint64_t usage() const { return usage_; }
  uint64_t capacity() const { return capacity_; }
  size_t size() const { return index_.size(); }

 private:
  enum QueueId : uint8_t { kSmall, kMain };
  struct Entry {
    std::string key;
    V value;
    uint64_t charge;
    QueueId queue;
    uint8_t freq;  // accesses since insertion or last reinsertion, capped at 3
  };
  using List = std::list<Entry>;

  List& QueueOf(const Entry& e) { return e.queue == kSmall ? small_ : main_; }

  void EraseEntry(typename List::iterator it) {
    usage_ -= it->charge;
    if (it->queue == kSmall) small_usage_ -= it->charge;
    index_.erase(std::string_view(it->key));
    QueueOf(*it).erase(it);
  }

  void Evict(std::vector<Evicted>* evicted) {
    // The small queue is kept near its share even while there is room, so
    // a one-off scan reuses the same space rather than growing the cache.
    // Its newest entry always stays (it has had no chance to be read yet).
    while (small_usage_ > small_target_ && small_.size() > 1) EvictSmall(evicted);
    while (usage_ > capacity_) {
      if (!small_.empty() &&
          ((small_usage_ > small_target_ && small_.size() > 1) || main_.empty())) {
        EvictSmall(evicted);
      } else {
        EvictMain(evicted);
      }
    }
  }

  void EvictSmall(std::vector<Evicted>* evicted) {
    auto it = std::prev(small_.end());
    small_usage_ -= it->charge;
    if (it->freq > 0) {
      // Read again while on probation: promote.
      it->queue = kMain;
      it->freq = 0;
      main_.splice(main_.begin(), small_, it);
      return;
    }
    usage_ -= it->charge;
    index_.erase(std::string_view(it->key));
    ghosts_.Remember(it->key, it->charge);
    evicted->push_back(Evicted{std::move(it->key), std::move(it->value)});
    small_.erase(it);
  }

  void EvictMain(std::vector<Evicted>* evicted) {
    // FIFO with reinsertion: an entry read since it was last looked at here
    // gets another round (with one access less); terminates as freq drops.
    while (true) {
      auto it = std::prev(main_.end());
      if (it->freq > 0) {
        it->freq--;
        main_.splice(main_.begin(), main_, it);
        continue;
      }
      evicted->push_back(Evicted{it->key, std::move(it->value)});
      EraseEntry(it);
      return;
    }
  }

  const uint64_t capacity_;
  const uint64_t small_target_;
  // Front = newest. index_ keys view the keys stored in the lists.
  List small_;
  List main_;
  std::unordered_map<std::string_view, typename List::iterator> index_;
  // Remembers about as much as the main queue holds.
  GhostList ghosts_{capacity_ - small_target_};
  uint64_t usage_ = 0;
  uint64_t small_usage_ = 0;
};

}  // namespace zerofs::cache
