// MeteredStore: an ObjectStore decorator that reports every request to the
// process metrics (base/metrics.h): requests and errors by kind, bytes sent
// and received, and latency. `zerofs run` puts it directly over the
// backend, under RetryStore, so that retries count as the requests they are.
#pragma once

#include <memory>

#include "base/metrics.h"
#include "objstore/object_store.h"

namespace zerofs::objstore {

class MeteredStore : public ObjectStore {
 public:
  // Reports to `registry` (the process-wide one unless a test passes its own).
  explicit MeteredStore(std::shared_ptr<ObjectStore> base,
                        metrics::Registry* registry = &metrics::Registry::Global());

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
  Status DeleteMany(const std::vector<std::string>& keys) override;
  std::string Describe() const override { return base_->Describe(); }

 private:
  enum Kind { kGet, kHead, kPut, kList, kDelete, kDeleteMany, kKinds };
  struct Series {
    metrics::Counter* requests;
    metrics::Counter* errors;
    metrics::Histogram* latency;
  };
  // Counts one finished request of `kind`.
  void Done(Kind kind, std::chrono::steady_clock::time_point start, bool ok);

  const std::shared_ptr<ObjectStore> base_;
  Series series_[kKinds];
  metrics::Counter* bytes_in_;   // received from the store (GET bodies)
  metrics::Counter* bytes_out_;  // sent to the store (PUT bodies)
};

}  // namespace zerofs::objstore
