#include "fs/write_buffer.h"

#include <algorithm>

namespace zerofs::fs {

std::optional<WriteBuffer::Entry> WriteBuffer::Find(InodeId ino, uint64_t index) const {
  if (empty()) return std::nullopt;
  const Shard& shard = ShardOf(ino);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto file = shard.files.find(ino);
  if (file == shard.files.end()) return std::nullopt;
  auto it = file->second.extents.find(index);
  if (it == file->second.extents.end()) return std::nullopt;
  return it->second;
}

void WriteBuffer::Put(InodeId ino, uint64_t index, engine::ExtentData data, uint32_t base_stored) {
  const uint32_t stored = engine::StoredAsHole(*data) ? 0 : static_cast<uint32_t>(data->size());
  Shard& shard = ShardOf(ino);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto file = shard.files.try_emplace(ino).first;
  auto [it, added] = file->second.extents.try_emplace(index);
  Entry& e = it->second;
  if (added) {
    e.base_stored = base_stored;
    e.since = Clock::now();
    file->second.sinces.insert(file->second.sinces.end(), e.since);  // the clock is monotonic
    entries_.fetch_add(1, std::memory_order_relaxed);
  } else {
    file->second.stored_delta -= static_cast<int64_t>(e.stored) - e.base_stored;
  }
  e.data = std::move(data);
  e.stored = stored;
  file->second.stored_delta += static_cast<int64_t>(e.stored) - e.base_stored;
}

void WriteBuffer::Overlay(InodeId ino, uint64_t first, std::vector<engine::ExtentData>* out) const {
  if (empty()) return;
  const Shard& shard = ShardOf(ino);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto file = shard.files.find(ino);
  if (file == shard.files.end()) return;
  const auto& extents = file->second.extents;
  for (auto it = extents.lower_bound(first); it != extents.end() && it->first - first < out->size();
       ++it) {
    (*out)[it->first - first] = it->second.data;
  }
}

int64_t WriteBuffer::StoredDelta(InodeId ino) const {
  if (empty()) return 0;
  const Shard& shard = ShardOf(ino);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto file = shard.files.find(ino);
  return file == shard.files.end() ? 0 : file->second.stored_delta;
}

std::vector<std::pair<uint64_t, engine::ExtentData>> WriteBuffer::Peek(InodeId ino, size_t max,
                                                                       Clock::time_point before,
                                                                       uint64_t from) const {
  std::vector<std::pair<uint64_t, engine::ExtentData>> out;
  if (empty()) return out;
  const Shard& shard = ShardOf(ino);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto file = shard.files.find(ino);
  if (file == shard.files.end()) return out;
  const auto& extents = file->second.extents;
  for (auto it = extents.lower_bound(from); it != extents.end() && out.size() < max; ++it) {
    if (it->second.since < before) out.emplace_back(it->first, it->second.data);
  }
  return out;
}

void WriteBuffer::EraseLocked(Shard* shard, std::unordered_map<InodeId, File>::iterator file,
                              std::map<uint64_t, Entry>::iterator first,
                              std::map<uint64_t, Entry>::iterator last) {
  uint64_t erased = 0;
  for (auto it = first; it != last; ++it) {
    file->second.stored_delta -= static_cast<int64_t>(it->second.stored) - it->second.base_stored;
    file->second.sinces.erase(file->second.sinces.find(it->second.since));
    erased++;
  }
  file->second.extents.erase(first, last);
  entries_.fetch_sub(erased, std::memory_order_relaxed);
  if (file->second.extents.empty()) shard->files.erase(file);
}

void WriteBuffer::Discard(InodeId ino, uint64_t first, uint64_t end) {
  if (empty() || first >= end) return;
  Shard& shard = ShardOf(ino);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto file = shard.files.find(ino);
  if (file == shard.files.end()) return;
  auto& extents = file->second.extents;
  EraseLocked(&shard, file, extents.lower_bound(first), extents.lower_bound(end));
}

void WriteBuffer::DiscardAll(InodeId ino) {
  if (empty()) return;
  Shard& shard = ShardOf(ino);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto file = shard.files.find(ino);
  if (file == shard.files.end()) return;
  EraseLocked(&shard, file, file->second.extents.begin(), file->second.extents.end());
}

std::vector<InodeId> WriteBuffer::Inodes(bool all, Clock::time_point dirty_before) const {
  std::vector<InodeId> out;
  if (empty()) return out;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (const auto& [ino, file] : shard.files) {
      // A file without entries is erased, so `sinces` is never empty here.
      if (all || *file.sinces.begin() < dirty_before) out.push_back(ino);
    }
  }
  return out;
}

}  // namespace zerofs::fs
