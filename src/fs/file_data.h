// File data over 32 KiB extents: the transaction pieces shared by write,
// truncate and fallocate.
//
// Invariant: bytes of a file's last extent past its size are zero, and no
// extent lies wholly past the size. Truncate-down restores it (zeroing the
// tail of the new last extent, deleting the rest), so growing a file never
// needs to touch data: the new range already reads as zeros.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/engine.h"
#include "fs/filesystem.h"
#include "fs/write_buffer.h"

namespace zerofs::fs {

inline uint64_t ExtentOf(uint64_t offset) { return offset / engine::kExtentSize; }
// Number of extents needed to hold `size` bytes.
inline uint64_t ExtentCount(uint64_t size) {
  return size / engine::kExtentSize + (size % engine::kExtentSize != 0);
}

// The new content of an extent a write left in the WriteBuffer; applied
// after the write's transaction committed.
struct BufferedExtent {
  uint64_t index = 0;
  engine::ExtentData data;
  uint32_t base_stored = 0;  // see WriteBuffer::Entry
};

// Adds to `txn` the extent writes that store `data` at `offset` in inode
// `ino` whose current size is `size`. Partial extents are
// read-modify-written: from `buffer` where it holds them, else from the
// engine. With an enabled `buffer`, partial extents go to `buffered`
// instead of `txn`. REQUIRES: offset + data.size() <= kMaxFileSize; the
// inode's exclusive lock.
Status WriteRange(engine::Engine* engine, const WriteBuffer& buffer, engine::Transaction* txn,
                  InodeId ino, uint64_t size, uint64_t offset, std::string_view data,
                  std::vector<BufferedExtent>* buffered);

// Adds to `txn` what makes [offset, end) read as zeros in a file of size
// `size`: whole extents become holes, partial ones are rewritten.
Status ZeroRange(engine::Engine* engine, engine::Transaction* txn, InodeId ino, uint64_t size,
                 uint64_t offset, uint64_t end);

// Adds to `txn` the change of the data from size `old_size` to `new_size`
// (shrinking frees extents and zeroes the new tail; growing needs nothing).
Status Resize(engine::Engine* engine, engine::Transaction* txn, InodeId ino, uint64_t old_size,
              uint64_t new_size);

}  // namespace zerofs::fs
