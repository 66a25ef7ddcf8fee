#include "objstore/metered_store.h"

namespace zerofs::objstore {

using Clock = std::chrono::steady_clock;

MeteredStore::MeteredStore(std::shared_ptr<ObjectStore> base, metrics::Registry* registry)
    : base_(std::move(base)) {
  static constexpr const char* kNames[kKinds] = {"get",  "head",   "put",
                                                 "list", "delete", "delete_many"};
  for (int k = 0; k < kKinds; k++) {
    const metrics::Labels labels = {{"kind", kNames[k]}};
    series_[k].requests = registry->GetCounter(
        "zerofs_objstore_requests_total", "Object store requests by kind (retries count).", labels);
    series_[k].errors = registry->GetCounter(
        "zerofs_objstore_errors_total",
        "Object store requests that failed, by kind (not-found answers included).", labels);
    series_[k].latency = registry->GetHistogram("zerofs_objstore_request_seconds",
                                                "Object store request latency by kind.", labels);
  }
  bytes_in_ = registry->GetCounter("zerofs_objstore_received_bytes_total",
                                   "Bytes received from the object store (GET bodies).");
  bytes_out_ = registry->GetCounter("zerofs_objstore_sent_bytes_total",
                                    "Bytes sent to the object store (PUT bodies).");
}

void MeteredStore::Done(Kind kind, Clock::time_point start, bool ok) {
  series_[kind].requests->Inc();
  if (!ok) series_[kind].errors->Inc();
  series_[kind].latency->ObserveSince(start);
}

Result<GetResult> MeteredStore::Get(std::string_view key, std::optional<ByteRange> range) {
  const auto start = Clock::now();
  auto r = base_->Get(key, range);
  Done(kGet, start, r.ok());
  if (r.ok()) bytes_in_->Inc(r->data.size());
  return r;
}

Result<std::string_view> MeteredStore::ReadRange(std::string_view key, ByteRange range,
                                                 RangeBuffer* buf) {
  const auto start = Clock::now();
  auto r = base_->ReadRange(key, range, buf);
  Done(kGet, start, r.ok());
  if (r.ok()) bytes_in_->Inc(r->size());
  return r;
}

Result<ObjectInfo> MeteredStore::Head(std::string_view key) {
  const auto start = Clock::now();
  auto r = base_->Head(key);
  Done(kHead, start, r.ok());
  return r;
}

Result<std::string> MeteredStore::Put(std::string_view key, std::string_view data,
                                      const PutOptions& options) {
  const auto start = Clock::now();
  auto r = base_->Put(key, data, options);
  Done(kPut, start, r.ok());
  bytes_out_->Inc(data.size());
  return r;
}

Result<ListPage> MeteredStore::List(std::string_view prefix, std::string_view token,
                                    size_t max_keys) {
  const auto start = Clock::now();
  auto r = base_->List(prefix, token, max_keys);
  Done(kList, start, r.ok());
  return r;
}

Status MeteredStore::Delete(std::string_view key) {
  const auto start = Clock::now();
  Status s = base_->Delete(key);
  Done(kDelete, start, s.ok());
  return s;
}

Status MeteredStore::DeleteMany(const std::vector<std::string>& keys) {
  const auto start = Clock::now();
  Status s = base_->DeleteMany(keys);
  Done(kDeleteMany, start, s.ok());
  return s;
}

}  // namespace zerofs::objstore
