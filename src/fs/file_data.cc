#include "fs/file_data.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

namespace zerofs::fs {

namespace {

constexpr uint64_t kE = engine::kExtentSize;

// The current bytes of extent `idx` (empty for a hole or past the size).
Result<std::string> LoadExtent(engine::Engine* engine, InodeId ino, uint64_t size, uint64_t idx) {
  if (idx * kE >= size) return std::string();
  return engine->ReadExtent(ino, idx);
}

}  // namespace

Status WriteRange(engine::Engine* engine, const WriteBuffer& buffer, engine::Transaction* txn,
                  InodeId ino, uint64_t size, uint64_t offset, std::string_view data,
                  std::vector<BufferedExtent>* buffered) {
  if (data.empty()) return OkStatus();
  const uint64_t end = offset + data.size();
  for (uint64_t idx = ExtentOf(offset); idx <= ExtentOf(end - 1); idx++) {
    const uint64_t start = idx * kE;
    const uint64_t lo = std::max(offset, start) - start;
    const uint64_t hi = std::min(end, start + kE) - start;
    std::string_view piece = data.substr(start + lo - offset, hi - lo);
    if (lo == 0 && hi == kE) {
      txn->WriteExtent(ino, idx, std::string(piece));
      continue;
    }
    std::string ext;
    uint32_t base_stored = 0;
    if (std::optional<WriteBuffer::Entry> held = buffer.Find(ino, idx)) {
      ext = *held->data;
      base_stored = held->base_stored;
    } else {
      ZFS_ASSIGN_OR_RETURN(ext, LoadExtent(engine, ino, size, idx));
      base_stored = static_cast<uint32_t>(ext.size());
    }
    if (ext.size() < hi) ext.resize(hi, '\0');
    ext.replace(lo, piece.size(), piece);
    if (buffer.enabled()) {
      buffered->push_back({idx, std::make_shared<const std::string>(std::move(ext)), base_stored});
    } else {
      txn->WriteExtent(ino, idx, std::move(ext));
    }
  }
  return OkStatus();
}

Status ZeroRange(engine::Engine* engine, engine::Transaction* txn, InodeId ino, uint64_t size,
                 uint64_t offset, uint64_t end) {
  end = std::min(end, size);  // past the size everything already reads as zero
  if (offset >= end) return OkStatus();
  uint64_t first_full = ExtentOf(offset + kE - 1);  // first extent starting at or after offset
  uint64_t last_full = ExtentOf(end);               // extents [first_full, last_full) are whole
  // An extent that holds the end of the file is "whole" if end == size.
  if (end == size) last_full = ExtentCount(size);
  auto zero_part = [&](uint64_t idx) -> Status {
    const uint64_t start = idx * kE;
    const uint64_t lo = std::max(offset, start) - start;
    const uint64_t hi = std::min(end, start + kE) - start;
    ZFS_ASSIGN_OR_RETURN(std::string ext, LoadExtent(engine, ino, size, idx));
    if (ext.size() <= lo) return OkStatus();  // already zero there
    std::fill(ext.begin() + lo, ext.begin() + std::min<uint64_t>(hi, ext.size()), '\0');
    if (hi >= ext.size()) ext.resize(lo);  // keep it short: trailing zeros are implied
    txn->WriteExtent(ino, idx, std::move(ext));
    return OkStatus();
  };
  if (first_full >= last_full) {
    // The range lies within one extent (or straddles two partial ones).
    for (uint64_t idx = ExtentOf(offset); idx <= ExtentOf(end - 1); idx++) {
      ZFS_RETURN_IF_ERROR(zero_part(idx));
    }
    return OkStatus();
  }
  if (offset % kE != 0) ZFS_RETURN_IF_ERROR(zero_part(ExtentOf(offset)));
  txn->DeleteExtents(ino, first_full, last_full);
  if (last_full * kE < end) ZFS_RETURN_IF_ERROR(zero_part(last_full));
  return OkStatus();
}

Status Resize(engine::Engine* engine, engine::Transaction* txn, InodeId ino, uint64_t old_size,
              uint64_t new_size) {
  if (new_size >= old_size) return OkStatus();
  return ZeroRange(engine, txn, ino, old_size, new_size, old_size);
}

}  // namespace zerofs::fs
