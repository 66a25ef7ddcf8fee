// FaultStore: an ObjectStore decorator for tests that makes a healthy store
// misbehave the way networks and cloud stores do.
//
// Each call first sleeps the configured latency (fixed + uniform jitter), then
// may fail, either
//   - before the wrapped call (nothing happened), or
//   - after it ("ambiguous": e.g. the PUT landed but the caller sees a failure,
//     as when a response is lost),
// always with a retryable kUnavailable unless FailNext asks for another code.
// Failures come from FailNext (first) and then from the random failure rate.
// Randomness is a seeded generator, so a single-threaded test is reproducible.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>

#include "objstore/object_store.h"

namespace zerofs::objstore {

enum class FaultMode {
  kBefore,  // fail without calling the wrapped store
  kAfter,   // call the wrapped store, discard its result, fail (ambiguous)
};

struct FaultOptions {
  double failure_rate = 0;          // probability that a call fails
  double ambiguous_fraction = 0.5;  // share of random failures that are kAfter
  std::chrono::microseconds latency{0};
  std::chrono::microseconds jitter{0};  // extra latency, uniform in [0, jitter]
  uint64_t seed = 1;
};

// Calls made to the FaultStore (failed ones included), by kind.
struct FaultCounters {
  uint64_t gets = 0;
  uint64_t puts = 0;
  uint64_t heads = 0;
  uint64_t lists = 0;
  uint64_t deletes = 0;
  uint64_t failures = 0;  // injected failures of any kind
};

class FaultStore : public ObjectStore {
 public:
  explicit FaultStore(std::shared_ptr<ObjectStore> base, FaultOptions options = {});

  // The next `n` calls fail in `mode` with `code` (retryable iff kUnavailable).
  void FailNext(int n, FaultMode mode = FaultMode::kBefore, Code code = Code::kUnavailable);
  void SetFailureRate(double rate, double ambiguous_fraction = 0.5);
  void SetLatency(std::chrono::microseconds latency, std::chrono::microseconds jitter = {});
  FaultCounters counters() const;
  void ResetCounters();

  Result<GetResult> Get(std::string_view key,
                        std::optional<ByteRange> range = std::nullopt) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::string> Put(std::string_view key, std::string_view data,
                          const PutOptions& options = {}) override;
  Result<ListPage> List(std::string_view prefix, std::string_view token = {},
                        size_t max_keys = 1000) override;
  Status Delete(std::string_view key) override;
  std::string Describe() const override { return base_->Describe(); }

 private:
  struct Fault {
    FaultMode mode;
    Code code;
  };

  // Counts the call in `*counter`, sleeps, and decides whether it fails.
  std::optional<Fault> Begin(uint64_t FaultCounters::*counter);
  Error MakeError(const Fault& fault, const char* op, std::string_view key) const;

  // Runs `call` (a wrapped-store call) under the fault plan for one call.
  template <typename T, typename F>
  T Run(uint64_t FaultCounters::*counter, const char* op, std::string_view key, F&& call);

  const std::shared_ptr<ObjectStore> base_;

  mutable std::mutex mu_;  // guards everything below
  FaultOptions options_;
  std::mt19937_64 rng_;
  int fail_next_ = 0;
  Fault fail_next_fault_{FaultMode::kBefore, Code::kUnavailable};
  FaultCounters counters_;
};

}  // namespace zerofs::objstore
