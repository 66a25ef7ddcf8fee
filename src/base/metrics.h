// Process-wide metrics in the Prometheus text format (issue 9): counters and
// latency histograms that the layers update on their hot paths, plus
// collectors that read values owned elsewhere (engine and cache statistics)
// when the endpoint is scraped.
//
// Updating a Counter or Histogram is lock-free (relaxed atomics); looking one
// up by name and labels takes a mutex, so hot paths look up once and keep
// the pointer (series live as long as the registry).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zerofs::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Fixed buckets for latencies in seconds, 50 us to 10 s: fine enough to tell
// a memory hit, a disk-cache hit and an object-store round trip apart.
class Histogram {
 public:
  static constexpr std::array<double, 16> kBounds = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,   0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   10.0};

  void Observe(double seconds);
  void ObserveSince(std::chrono::steady_clock::time_point start) {
    Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  // Per-bucket counts (not cumulative); the last one is above every bound.
  std::array<uint64_t, kBounds.size() + 1> buckets() const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_nanos_{0};
};

// What a collector reports at scrape time.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void Gauge(std::string_view name, std::string_view help, const Labels& labels,
                     double value) = 0;
  virtual void CounterValue(std::string_view name, std::string_view help, const Labels& labels,
                            double value) = 0;
};

class Registry {
 public:
  // The process-wide registry the layers report to.
  static Registry& Global();

  // The series `name`{labels}, created on first use. A name is one type:
  // asking for a counter under a histogram's name aborts (a programming error).
  Counter* GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram* GetHistogram(std::string_view name, std::string_view help, const Labels& labels = {});

  using Collector = std::function<void(Sink*)>;
  // Returns an id for RemoveCollector. The collector runs under the
  // registry's collector lock during Render, so it must not call back here.
  uint64_t AddCollector(Collector collector);
  void RemoveCollector(uint64_t id);

  // Every series and collector, in the text exposition format (version 0.0.4).
  std::string Render() const;

 private:
  enum class Type { kCounter, kHistogram };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;      // by rendered labels
    std::map<std::string, std::unique_ptr<Histogram>> histograms;  // by rendered labels
  };
  Family* FamilyFor(std::string_view name, std::string_view help, Type type);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // guarded by mu_
  mutable std::mutex collectors_mu_;
  std::map<uint64_t, Collector> collectors_;  // guarded by collectors_mu_
  uint64_t next_collector_ = 1;               // guarded by collectors_mu_
};

// `{a="x",b="y"}` with values escaped as the text format requires; empty
// for no labels.
std::string RenderLabels(const Labels& labels);

}  // namespace zerofs::metrics
