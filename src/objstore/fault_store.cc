#include "objstore/fault_store.h"

#include <thread>
#include <utility>

namespace zerofs::objstore {

FaultStore::FaultStore(std::shared_ptr<ObjectStore> base, FaultOptions options)
    : base_(std::move(base)), options_(options), rng_(options.seed) {}

void FaultStore::FailNext(int n, FaultMode mode, Code code) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_ = n;
  fail_next_fault_ = Fault{mode, code};
}

void FaultStore::SetFailureRate(double rate, double ambiguous_fraction) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.failure_rate = rate;
  options_.ambiguous_fraction = ambiguous_fraction;
}

void FaultStore::SetLatency(std::chrono::microseconds latency, std::chrono::microseconds jitter) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.latency = latency;
  options_.jitter = jitter;
}

FaultCounters FaultStore::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

void FaultStore::ResetCounters() {
  std::lock_guard<std::mutex> lock(mu_);
  counters_ = FaultCounters{};
}

std::optional<FaultStore::Fault> FaultStore::Begin(uint64_t FaultCounters::*counter) {
  std::chrono::microseconds delay;
  std::optional<Fault> fault;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++(counters_.*counter);
    delay = options_.latency;
    if (options_.jitter.count() > 0) {
      std::uniform_int_distribution<int64_t> jitter(0, options_.jitter.count());
      delay += std::chrono::microseconds(jitter(rng_));
    }
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    if (fail_next_ > 0) {
      --fail_next_;
      fault = fail_next_fault_;
    } else if (options_.failure_rate > 0 && unit(rng_) < options_.failure_rate) {
      bool after = unit(rng_) < options_.ambiguous_fraction;
      fault = Fault{after ? FaultMode::kAfter : FaultMode::kBefore, Code::kUnavailable};
    }
    if (fault) ++counters_.failures;
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  return fault;
}

Error FaultStore::MakeError(const Fault& fault, const char* op, std::string_view key) const {
  std::string context = "injected fault ";
  context += fault.mode == FaultMode::kBefore ? "before " : "after ";
  context += op;
  context += " " + base_->Describe() + "/";
  context.append(key);
  return Error(fault.code, std::move(context), fault.code == Code::kUnavailable);
}

template <typename T, typename F>
T FaultStore::Run(uint64_t FaultCounters::*counter, const char* op, std::string_view key,
                  F&& call) {
  std::optional<Fault> fault = Begin(counter);
  if (!fault) return call();
  if (fault->mode == FaultMode::kAfter) call().Ignore();
  return MakeError(*fault, op, key);
}

Result<GetResult> FaultStore::Get(std::string_view key, std::optional<ByteRange> range) {
  return Run<Result<GetResult>>(&FaultCounters::gets, "GET", key,
                                [&] { return base_->Get(key, range); });
}

Result<ObjectInfo> FaultStore::Head(std::string_view key) {
  return Run<Result<ObjectInfo>>(&FaultCounters::heads, "HEAD", key,
                                 [&] { return base_->Head(key); });
}

Result<std::string> FaultStore::Put(std::string_view key, std::string_view data,
                                    const PutOptions& options) {
  return Run<Result<std::string>>(&FaultCounters::puts, "PUT", key,
                                  [&] { return base_->Put(key, data, options); });
}

Result<ListPage> FaultStore::List(std::string_view prefix, std::string_view token,
                                  size_t max_keys) {
  return Run<Result<ListPage>>(&FaultCounters::lists, "LIST", prefix,
                               [&] { return base_->List(prefix, token, max_keys); });
}

Status FaultStore::Delete(std::string_view key) {
  return Run<Status>(&FaultCounters::deletes, "DELETE", key, [&] { return base_->Delete(key); });
}

}  // namespace zerofs::objstore
