#include "objstore/retry_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <utility>

namespace zerofs::objstore {

RetryStore::RetryStore(std::shared_ptr<ObjectStore> base, RetryOptions options)
    : base_(std::move(base)), options_(options), rng_(std::random_device{}()) {}

void RetryStore::Backoff(int retry) {
  using std::chrono::microseconds;
  int64_t base = std::chrono::duration_cast<microseconds>(options_.base_delay).count();
  int64_t cap = std::chrono::duration_cast<microseconds>(options_.max_delay).count();
  int64_t ceiling = base;
  for (int i = 1; i < retry && ceiling < cap; i++) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  if (ceiling <= 0) return;
  int64_t delay;
  {
    std::lock_guard<std::mutex> lock(mu_);
    delay = std::uniform_int_distribution<int64_t>(0, ceiling)(rng_);
  }
  std::this_thread::sleep_for(microseconds(delay));
}

template <typename F>
auto RetryStore::Retry(const char* op, std::string_view key, F&& call, bool* retried)
    -> decltype(call()) {
  for (int attempt = 1;; attempt++) {
    auto result = call();
    if (result.ok() || !result.error().retryable() || attempt >= options_.max_attempts) {
      return result;
    }
    if (retried != nullptr) *retried = true;
    spdlog::debug("retrying {} {}/{} (attempt {} of {}): {}", op, base_->Describe(), key,
                  attempt + 1, options_.max_attempts, result.error().ToString());
    Backoff(attempt);
  }
}

Result<GetResult> RetryStore::Get(std::string_view key, std::optional<ByteRange> range) {
  return Retry("GET", key, [&] { return base_->Get(key, range); });
}

Result<std::string_view> RetryStore::ReadRange(std::string_view key, ByteRange range,
                                               RangeBuffer* buf) {
  return Retry("GET", key, [&] { return base_->ReadRange(key, range, buf); });
}

Result<ObjectInfo> RetryStore::Head(std::string_view key) {
  return Retry("HEAD", key, [&] { return base_->Head(key); });
}

Result<std::string> RetryStore::Put(std::string_view key, std::string_view data,
                                    const PutOptions& options) {
  bool retried = false;
  Result<std::string> result = Retry(
      "PUT", key, [&] { return base_->Put(key, data, options); }, &retried);
  if (result.ok() || !retried) return result;
  Code code = result.error().code();
  bool maybe_ours = (options.mode == PutMode::kIfNoneMatch && code == Code::kAlreadyExists) ||
                    (options.mode == PutMode::kIfMatch && code == Code::kPreconditionFailed);
  if (!maybe_ours) return result;

  // An earlier attempt may have landed: check whether the object is ours.
  Result<GetResult> current = Get(key, std::nullopt);
  if (current.ok() && current->data == data) {
    spdlog::debug("PUT {}/{}: an earlier attempt had succeeded", base_->Describe(), key);
    return std::move(current->etag);
  }
  return result;
}

Result<ListPage> RetryStore::List(std::string_view prefix, std::string_view token,
                                  size_t max_keys) {
  return Retry("LIST", prefix, [&] { return base_->List(prefix, token, max_keys); });
}

Status RetryStore::Delete(std::string_view key) {
  return Retry("DELETE", key, [&] { return base_->Delete(key); });
}

Status RetryStore::DeleteMany(const std::vector<std::string>& keys) {
  return Retry("DELETE", keys.empty() ? std::string_view() : std::string_view(keys.front()),
               [&] { return base_->DeleteMany(keys); });
}

}  // namespace zerofs::objstore
