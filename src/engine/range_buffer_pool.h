// RangeBufferPool: a few RangeBuffers for the ranged GETs of cold reads.
//
// A run of frames is up to 8 MiB; reading each into fresh memory cost the
// page faults and the zeroing of that memory every time. The pool hands a
// buffer to one fetch at a time and keeps at most `keep` of them, so that
// the many threads that may read (protocol workers, read-ahead) do not each
// hold one for ever. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "objstore/object_store.h"

namespace zerofs::engine {

class RangeBufferPool {
 public:
  explicit RangeBufferPool(size_t keep) : keep_(keep) {}

  // One buffer, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease() = default;
    Lease(RangeBufferPool* pool, std::unique_ptr<objstore::RangeBuffer> buf)
        : pool_(pool), buf_(std::move(buf)) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), buf_(std::move(o.buf_)) {}
    Lease& operator=(Lease&& o) noexcept {
      if (this != &o) {
        Release();
        pool_ = o.pool_;
        buf_ = std::move(o.buf_);
      }
      return *this;
    }
    ~Lease() { Release(); }
    objstore::RangeBuffer* get() const { return buf_.get(); }

   private:
    void Release() {
      if (buf_) pool_->Give(std::move(buf_));
    }
    RangeBufferPool* pool_ = nullptr;
    std::unique_ptr<objstore::RangeBuffer> buf_;
  };

  Lease Take() {
    std::unique_ptr<objstore::RangeBuffer> buf;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        buf = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!buf) buf = std::make_unique<objstore::RangeBuffer>();
    return Lease(this, std::move(buf));
  }

 private:
  void Give(std::unique_ptr<objstore::RangeBuffer> buf) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.size() < keep_) free_.push_back(std::move(buf));
  }

  const size_t keep_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<objstore::RangeBuffer>> free_;
};

}  // namespace zerofs::engine
