// SegmentBuffer: the bytes of one segment in memory, in one anonymous
// mapping of fixed capacity.
//
// Why not std::string: growing a string writes zeros into the new bytes,
// and the open segment grows under the engine mutex, so every page of a
// fresh buffer was faulted in and zeroed by the kernel while all writers
// waited (a tenth of the CPU of a 1 GiB write, all of it serial). Extend()
// hands out room without touching it; the pages fault in when the frame is
// sealed into them, outside the mutex, on every writer's core.
//
// Move-only. Not thread-safe: the pipeline guards the size; the bytes of a
// range handed out by Extend() belong to its caller until released.
#pragma once

#include <cstddef>
#include <string_view>

namespace zerofs::engine {

class SegmentBuffer {
 public:
  SegmentBuffer() = default;
  // An empty buffer with room for `capacity` bytes. Throws std::bad_alloc
  // if the mapping fails (as a string would).
  explicit SegmentBuffer(size_t capacity);
  ~SegmentBuffer();
  SegmentBuffer(SegmentBuffer&& other) noexcept;
  SegmentBuffer& operator=(SegmentBuffer&& other) noexcept;
  SegmentBuffer(const SegmentBuffer&) = delete;
  SegmentBuffer& operator=(const SegmentBuffer&) = delete;

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  const char* data() const { return data_; }
  std::string_view view() const { return {data_, size_}; }

  // Makes the size 0; keeps the mapping (and its faulted-in pages).
  void Clear() { size_ = 0; }
  // Ensures room for `capacity` bytes, moving the bytes to a new mapping
  // if needed (pointers from Extend() become invalid then).
  void Reserve(size_t capacity);
  // Grows the size by `n` and returns where those bytes are, uninitialised
  // (the caller writes all of them). REQUIRES: size() + n <= capacity().
  char* Extend(size_t n);
  // Appends `bytes`, reserving more room if needed.
  void Append(std::string_view bytes);

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace zerofs::engine
