// The machine's compress+seal and open+decompress limits for 32 KiB
// extents, shared by bench_seal_limit and bench_engine_seq so both print the
// same ceiling. Header-only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "base/coding.h"
#include "common/cpu_time.h"
#include "crypto/aead.h"
#include "crypto/codec.h"

namespace zerofs::bench {

constexpr size_t kLimitExtent = 32 * 1024;

struct LimitConfig {
  const char* name;
  crypto::Codec codec;
  int level;
};

// Associated data shaped like the engine's: segment, frame, inode, extent.
inline std::string MakeLimitAd(uint64_t i) {
  std::string ad;
  PutLE64(&ad, 1000 + i / 8192);
  PutLE64(&ad, i % 8192);
  PutLE64(&ad, 42 + i / 1024);
  PutLE64(&ad, i % 1024);
  return ad;
}

[[noreturn]] inline void LimitDie(const char* what) {
  std::fprintf(stderr, "seal limit: %s\n", what);
  std::exit(1);
}

// Runs fn(first, stride) on `threads` threads; returns the wall time in seconds.
template <typename Fn>
inline double RunParallel(unsigned threads, Fn fn) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; t++) workers.emplace_back(fn, t, threads);
  for (auto& w : workers) w.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Row {
  const char* codec;
  unsigned threads;
  double ratio;
  double seal_mbps;
  double open_mbps;
  double seal_cpu_mbps;  // per CPU second
  double open_cpu_mbps;
};

inline Row Measure(const LimitConfig& config, unsigned threads, const crypto::SecretKey& key,
                   const std::vector<std::string>& pool,
                   const std::vector<std::string>& sealed_pool, double ratio,
                   uint64_t total_extents) {
  std::atomic<uint64_t> sink{0};
  const double cpu0 = ProcessCpuSeconds();
  // Compress + seal.
  double seal_s = RunParallel(threads, [&](unsigned first, unsigned stride) {
    std::string encoded, sealed;
    uint64_t bytes = 0;
    for (uint64_t i = first; i < total_extents; i += stride) {
      encoded.clear();
      sealed.clear();
      crypto::Encode(config.codec, config.level, pool[i % pool.size()], &encoded);
      crypto::Seal(key, encoded, MakeLimitAd(i % pool.size()), &sealed);
      bytes += sealed.size();
    }
    sink += bytes;
  });
  const double cpu1 = ProcessCpuSeconds();
  // Open + decompress.
  double open_s = RunParallel(threads, [&](unsigned first, unsigned stride) {
    uint64_t bytes = 0;
    for (uint64_t i = first; i < total_extents; i += stride) {
      const size_t p = i % pool.size();
      auto plain = crypto::Open(key, sealed_pool[p], MakeLimitAd(p));
      if (!plain.ok()) LimitDie("open failed");
      auto extent = crypto::Decode(*plain, kLimitExtent);
      if (!extent.ok() || extent->size() != kLimitExtent) LimitDie("decode failed");
      bytes += extent->size();
    }
    sink += bytes;
  });
  const double cpu2 = ProcessCpuSeconds();
  if (sink.load() == 0) LimitDie("nothing processed");
  const double logical_mb = static_cast<double>(total_extents * kLimitExtent) / 1e6;
  return Row{config.name,
             threads,
             ratio,
             logical_mb / seal_s,
             logical_mb / open_s,
             logical_mb / (cpu1 - cpu0),
             logical_mb / (cpu2 - cpu1)};
}

// Seals `pool` once with `config` (verifying each extent round-trips) and
// returns the sealed copies and the compression ratio.
inline std::vector<std::string> SealPool(const LimitConfig& config, const crypto::SecretKey& key,
                                         const std::vector<std::string>& pool, double* ratio) {
  std::vector<std::string> sealed_pool(pool.size());
  uint64_t stored = 0;
  for (size_t i = 0; i < pool.size(); i++) {
    std::string encoded;
    crypto::Encode(config.codec, config.level, pool[i], &encoded);
    crypto::Seal(key, encoded, MakeLimitAd(i), &sealed_pool[i]);
    stored += sealed_pool[i].size();
    auto plain = crypto::Open(key, sealed_pool[i], MakeLimitAd(i));
    if (!plain.ok()) LimitDie("verification: open failed");
    auto back = crypto::Decode(*plain, kLimitExtent);
    if (!back.ok() || *back != pool[i]) LimitDie("verification: round trip mismatch");
  }
  *ratio = static_cast<double>(pool.size() * kLimitExtent) / static_cast<double>(stored);
  return sealed_pool;
}

}  // namespace zerofs::bench
