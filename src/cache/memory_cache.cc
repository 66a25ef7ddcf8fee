#include "cache/memory_cache.h"

namespace zerofs::cache {

std::shared_ptr<const std::string> MemoryCache::Lookup(std::string_view key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    misses_++;
    return nullptr;
  }
  hits_++;
  Entry& e = *it->second;
  if (e.freq < 3) e.freq++;
  return e.value;
}

void MemoryCache::Insert(std::string_view key, std::shared_ptr<const std::string> value) {
  const uint64_t charge = key.size() + (value ? value->size() : 0);
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) EraseLocked(it->second);
  if (charge > capacity_) return;
  // A key that was evicted unread not long ago is wanted again: main queue.
  const Queue queue = TakeGhostLocked(key) ? Queue::kMain : Queue::kSmall;
  List& list = queue == Queue::kSmall ? small_ : main_;
  list.push_front(Entry{std::string(key), std::move(value), charge, queue, 0});
  index_.emplace(list.front().key, list.begin());
  usage_ += charge;
  if (queue == Queue::kSmall) small_usage_ += charge;
  EvictLocked();
}

void MemoryCache::Erase(std::string_view key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) EraseLocked(it->second);
}

void MemoryCache::EraseLocked(List::iterator it) {
  usage_ -= it->charge;
  if (it->queue == Queue::kSmall) small_usage_ -= it->charge;
  index_.erase(std::string_view(it->key));
  QueueOf(*it).erase(it);
}

void MemoryCache::EvictLocked() {
  // The small queue is kept near its share even while the cache has room,
  // so a one-off scan reuses the same memory rather than growing the cache.
  // Its newest entry always stays (it has had no chance to be read yet).
  while (small_usage_ > small_target_ && small_.size() > 1) EvictSmallLocked();
  while (usage_ > capacity_) {
    // The newest small entry goes only if nothing else can.
    if (!small_.empty() && ((small_usage_ > small_target_ && small_.size() > 1) || main_.empty())) {
      EvictSmallLocked();
    } else {
      EvictMainLocked();
    }
  }
}

void MemoryCache::EvictSmallLocked() {
  auto it = std::prev(small_.end());
  small_usage_ -= it->charge;
  if (it->freq > 0) {
    // Read again while on probation: promote.
    it->queue = Queue::kMain;
    it->freq = 0;
    main_.splice(main_.begin(), small_, it);
    return;
  }
  usage_ -= it->charge;
  index_.erase(std::string_view(it->key));
  RememberGhostLocked(std::move(it->key), it->charge);
  small_.erase(it);
}

void MemoryCache::EvictMainLocked() {
  // FIFO with reinsertion: an entry read since it was last looked at here
  // gets another round (with one access less); terminates as freq drops.
  while (true) {
    auto it = std::prev(main_.end());
    if (it->freq > 0) {
      it->freq--;
      main_.splice(main_.begin(), main_, it);
      continue;
    }
    EraseLocked(it);
    return;
  }
}

void MemoryCache::RememberGhostLocked(std::string key, uint64_t charge) {
  ghosts_.push_front(Ghost{std::move(key), charge});
  if (!ghost_index_.emplace(ghosts_.front().key, ghosts_.begin()).second) {
    ghosts_.pop_front();  // already remembered
    return;
  }
  ghost_usage_ += charge;
  // Remember about as much as the main queue holds.
  while (ghost_usage_ > capacity_ - small_target_ && !ghosts_.empty()) {
    auto last = std::prev(ghosts_.end());
    ghost_usage_ -= last->charge;
    ghost_index_.erase(std::string_view(last->key));
    ghosts_.erase(last);
  }
}

bool MemoryCache::TakeGhostLocked(std::string_view key) {
  auto it = ghost_index_.find(key);
  if (it == ghost_index_.end()) return false;
  ghost_usage_ -= it->second->charge;
  GhostList::iterator g = it->second;
  ghost_index_.erase(it);
  ghosts_.erase(g);
  return true;
}

uint64_t MemoryCache::usage() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return usage_;
}

uint64_t MemoryCache::hits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

uint64_t MemoryCache::misses() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return misses_;
}

}  // namespace zerofs::cache
