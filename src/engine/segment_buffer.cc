#include "engine/segment_buffer.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

namespace zerofs::engine {

namespace {

// Segment buffers are hundreds of MiB: transparent huge pages (when the
// kernel offers them on request) cut their page faults 512-fold. Advisory.
void AdviseHugePages(char* data, size_t size) {
  constexpr uintptr_t kHuge = 2u << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + size) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

SegmentBuffer::SegmentBuffer(size_t capacity) {
  if (capacity == 0) return;
  void* p = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  data_ = static_cast<char*>(p);
  capacity_ = capacity;
  AdviseHugePages(data_, capacity_);
}

SegmentBuffer::~SegmentBuffer() {
  if (data_ != nullptr) ::munmap(data_, capacity_);
}

SegmentBuffer::SegmentBuffer(SegmentBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

SegmentBuffer& SegmentBuffer::operator=(SegmentBuffer&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(data_, capacity_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void SegmentBuffer::Reserve(size_t capacity) {
  if (capacity <= capacity_) return;
  // At least double, so appends in a loop stay linear.
  SegmentBuffer bigger(std::max(capacity, 2 * capacity_));
  if (size_ > 0) std::memcpy(bigger.data_, data_, size_);
  bigger.size_ = size_;
  *this = std::move(bigger);
}

char* SegmentBuffer::Extend(size_t n) {
  char* at = data_ + size_;
  size_ += n;
  return at;
}

void SegmentBuffer::Append(std::string_view bytes) {
  if (bytes.empty()) return;
  Reserve(size_ + bytes.size());
  std::memcpy(Extend(bytes.size()), bytes.data(), bytes.size());
}

}  // namespace zerofs::engine
