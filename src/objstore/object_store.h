// The one interface every object-store backend implements (local directory,
// S3, Azure Blob, GCS) and every wrapper decorates (retry, fault injection,
// latency, metrics). See docs/ARCHITECTURE.md, "Object store".
//
// Contract for all implementations:
//  - Thread-safe: any method may be called from many threads at once. Calls
//    block the calling thread; concurrency comes from calling from many threads.
//  - Objects are immutable byte strings. A Put makes the whole object visible
//    at once or not at all, even if the process is killed mid-call.
//  - Keys are '/'-separated relative names ("segments/0000000000000001");
//    they never start with '/', never contain "..", "." or empty components.
//  - ETags are opaque strings that change whenever an object's bytes change.
//  - Errors: kNotFound (no such object), kAlreadyExists (Put kIfNoneMatch and
//    the object exists), kPreconditionFailed (Put kIfMatch/Delete with a
//    stale ETag), kPermissionDenied, kUnavailable (retryable), kIoError.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace zerofs::objstore {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;
};

// A byte range of an object. length == 0 means "to the end".
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct GetResult {
  std::string data;
  uint64_t object_size = 0;  // size of the whole object, not just the range
  std::string etag;
};

enum class PutMode {
  kOverwrite,    // unconditional
  kIfNoneMatch,  // create only: fails with kAlreadyExists if the key exists
  kIfMatch,      // compare-and-swap: fails with kPreconditionFailed unless the
                 // current ETag equals PutOptions::etag
};

struct PutOptions {
  PutMode mode = PutMode::kOverwrite;
  std::string etag;  // for kIfMatch
};

struct ListPage {
  std::vector<ObjectInfo> objects;  // sorted by key (bytewise)
  std::string next_token;           // empty when this is the last page
};

// Memory that ReadRange reads into: it grows to the largest range read and
// is reused, and it is never zero-filled. (A cold 1 GiB read through the
// local store spent about a seventh of its CPU clearing and faulting in
// fresh 8 MiB strings that pread then overwrote.) Move-only.
class RangeBuffer {
 public:
  // Room for `n` bytes; the contents are unspecified.
  char* Prepare(size_t n) {
    if (n > capacity_) {
      data_.reset();  // the old bytes are not kept: do not hold both
      data_.reset(new char[n]);
      capacity_ = n;
    }
    return data_.get();
  }
  size_t capacity() const { return capacity_; }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Reads the whole object, or `range` of it. A range past the end is clipped;
  // an offset at or past the end returns empty data.
  virtual Result<GetResult> Get(std::string_view key,
                                std::optional<ByteRange> range = std::nullopt) = 0;

  // Reads `range` of `key` (range.length > 0) into `*buf` and returns the
  // bytes read, which live in `buf` until its next use. Clipped like Get.
  // The default calls Get and copies; a store that can read straight into
  // the caller's memory overrides it. A decorator that observes GETs
  // (counts, faults) either overrides this too or keeps the default, which
  // goes through its Get; ForwardingStore keeps the default for that reason.
  virtual Result<std::string_view> ReadRange(std::string_view key, ByteRange range,
                                             RangeBuffer* buf);

  virtual Result<ObjectInfo> Head(std::string_view key) = 0;

  // Stores `data` under `key`; returns the new ETag.
  virtual Result<std::string> Put(std::string_view key, std::string_view data,
                                  const PutOptions& options = {}) = 0;

  // Lists keys starting with `prefix`, in key order, resuming after a page's
  // next_token. At most `max_keys` per page.
  virtual Result<ListPage> List(std::string_view prefix, std::string_view token = {},
                                size_t max_keys = 1000) = 0;

  // Deletes `key`. Deleting a missing key succeeds.
  virtual Status Delete(std::string_view key) = 0;

  // Deletes many keys (backends with batch delete override this).
  virtual Status DeleteMany(const std::vector<std::string>& keys);

  // The store's location for messages, e.g. "file:///var/lib/zerofs/data".
  // Never contains credentials.
  virtual std::string Describe() const = 0;

  // Lists every key under `prefix` (all pages).
  Result<std::vector<ObjectInfo>> ListAll(std::string_view prefix);
};

}  // namespace zerofs::objstore
