#include "cache/memory_cache.h"

#include <vector>

namespace zerofs::cache {

std::shared_ptr<const std::string> MemoryCache::Lookup(std::string_view key) {
  std::lock_guard<std::mutex> lock(mutex_);
  Value* v = policy_.Find(key);
  if (v == nullptr) {
    misses_++;
    return nullptr;
  }
  hits_++;
  return *v;
}

void MemoryCache::Insert(std::string_view key, std::shared_ptr<const std::string> value) {
  const uint64_t charge = key.size() + (value ? value->size() : 0);
  // Evicted values are released after the lock is dropped.
  std::vector<S3Fifo<Value>::Evicted> evicted;
  std::lock_guard<std::mutex> lock(mutex_);
  policy_.Insert(key, std::move(value), charge, &evicted);
}

void MemoryCache::Erase(std::string_view key) {
  std::optional<Value> gone;
  std::lock_guard<std::mutex> lock(mutex_);
  gone = policy_.Erase(key);
}

uint64_t MemoryCache::usage() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return policy_.usage();
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
