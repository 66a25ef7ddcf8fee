// RetryStore: an ObjectStore decorator that retries retryable failures
// (Error::retryable(), e.g. kUnavailable) with exponential backoff and full
// jitter: before retry n (n >= 1) it sleeps uniform(0, min(max_delay,
// base_delay * 2^(n-1))). Other errors are returned at once.
//
// Conditional puts after an ambiguous failure. When an attempt fails
// retryably, the PUT may still have landed. If a later attempt of a
// kIfNoneMatch put then sees kAlreadyExists, or of a kIfMatch put sees
// kPreconditionFailed, the conflict may be our own earlier write: the object
// is read back and, if its bytes equal ours, the put succeeds with its ETag.
// Otherwise the conflict is returned. This cannot tell our write from a
// competitor's identical bytes; ZeroFS's objects carry random nonces, so two
// writers never produce identical bytes. A kIfMatch put that landed and was
// then replaced by a competitor is reported as kPreconditionFailed.
//
// Thread-safe. Logs retries at debug level (never object bodies).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>

#include "objstore/object_store.h"

namespace zerofs::objstore {

struct RetryOptions {
  int max_attempts = 10;  // total attempts per call, including the first
  std::chrono::milliseconds base_delay{50};
  std::chrono::milliseconds max_delay{5000};
};

class RetryStore : public ObjectStore {
 public:
  explicit RetryStore(std::shared_ptr<ObjectStore> base, RetryOptions options = {});

  Result<GetResult> Get(std::string_view key,
                        std::optional<ByteRange> range = std::nullopt) override;
  Result<std::string_view> ReadRange(std::string_view key, ByteRange range,
                                     RangeBuffer* buf) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::string> Put(std::string_view key, std::string_view data,
                          const PutOptions& options = {}) override;
  Result<ListPage> List(std::string_view prefix, std::string_view token = {},
                        size_t max_keys = 1000) override;
  Status Delete(std::string_view key) override;
  // Retries the wrapped store's batch as a whole (deletes are idempotent).
  Status DeleteMany(const std::vector<std::string>& keys) override;
  std::string Describe() const override { return base_->Describe(); }

 private:
  // Calls `call` until it succeeds, fails non-retryably, or attempts run out.
  // `*retried` (if given) is set when some attempt failed retryably.
  template <typename F>
  auto Retry(const char* op, std::string_view key, F&& call, bool* retried = nullptr)
      -> decltype(call());

  void Backoff(int retry);

  const std::shared_ptr<ObjectStore> base_;
  const RetryOptions options_;

  std::mutex mu_;  // guards rng_
  std::mt19937_64 rng_;
};

}  // namespace zerofs::objstore
