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
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->value;
}

void MemoryCache::Insert(std::string_view key, std::shared_ptr<const std::string> value) {
  const uint64_t charge = key.size() + (value ? value->size() : 0);
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) EraseLocked(it->second);
  if (charge > capacity_) return;
  lru_.push_front(Entry{std::string(key), std::move(value), charge});
  index_.emplace(lru_.front().key, lru_.begin());
  usage_ += charge;
  while (usage_ > capacity_) EraseLocked(std::prev(lru_.end()));
}

void MemoryCache::Erase(std::string_view key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) EraseLocked(it->second);
}

void MemoryCache::EraseLocked(List::iterator it) {
  usage_ -= it->charge;
  index_.erase(std::string_view(it->key));
  lru_.erase(it);
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
