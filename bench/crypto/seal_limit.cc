// bench_seal_limit: how fast can this machine turn 32 KiB extents into sealed
// frames (compress, then XChaCha20-Poly1305) and back (open, then
// decompress)? This is the ceiling for the engine's write and cold-read paths,
// independent of any object store.
//
// Data: bench/common/data_gen.h log-like text (~2.8x with zstd-3). A pool of
// up to 64 MiB of distinct extents (larger than the CPU caches) is cycled
// until --size-mib logical bytes have been processed. Throughput is reported
// in MB/s (10^6 bytes) of logical, uncompressed bytes.
//
// Usage: bench_seal_limit [--size-mib N] [--threads N]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "base/coding.h"
#include "common/data_gen.h"
#include "crypto/aead.h"
#include "crypto/codec.h"
#include "crypto/key_file.h"

namespace zerofs {
namespace {

using crypto::Codec;

constexpr size_t kExtent = 32 * 1024;
constexpr size_t kMaxPoolBytes = 64ull << 20;

struct Options {
  uint64_t size_mib = 1024;
  unsigned threads = 0;  // 0: hardware_concurrency
};

struct Config {
  const char* name;
  Codec codec;
  int level;
};

// Associated data shaped like the engine's: segment, frame, inode, extent.
std::string MakeAd(uint64_t i) {
  std::string ad;
  PutLE64(&ad, 1000 + i / 8192);
  PutLE64(&ad, i % 8192);
  PutLE64(&ad, 42 + i / 1024);
  PutLE64(&ad, i % 1024);
  return ad;
}

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "bench_seal_limit: %s\n", what);
  std::exit(1);
}

// Runs fn(first, stride) on `threads` threads; returns the wall time in seconds.
template <typename Fn>
double RunParallel(unsigned threads, Fn fn) {
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
};

Row Measure(const Config& config, unsigned threads, const crypto::SecretKey& key,
            const std::vector<std::string>& pool, const std::vector<std::string>& sealed_pool,
            double ratio, uint64_t total_extents) {
  std::atomic<uint64_t> sink{0};
  // Compress + seal.
  double seal_s = RunParallel(threads, [&](unsigned first, unsigned stride) {
    std::string encoded, sealed;
    uint64_t bytes = 0;
    for (uint64_t i = first; i < total_extents; i += stride) {
      encoded.clear();
      sealed.clear();
      crypto::Encode(config.codec, config.level, pool[i % pool.size()], &encoded);
      crypto::Seal(key, encoded, MakeAd(i % pool.size()), &sealed);
      bytes += sealed.size();
    }
    sink += bytes;
  });
  // Open + decompress.
  double open_s = RunParallel(threads, [&](unsigned first, unsigned stride) {
    uint64_t bytes = 0;
    for (uint64_t i = first; i < total_extents; i += stride) {
      const size_t p = i % pool.size();
      auto plain = crypto::Open(key, sealed_pool[p], MakeAd(p));
      if (!plain.ok()) Die("open failed");
      auto extent = crypto::Decode(*plain, kExtent);
      if (!extent.ok() || extent->size() != kExtent) Die("decode failed");
      bytes += extent->size();
    }
    sink += bytes;
  });
  if (sink.load() == 0) Die("nothing processed");
  const double logical_mb = static_cast<double>(total_extents * kExtent) / 1e6;
  return Row{config.name, threads, ratio, logical_mb / seal_s, logical_mb / open_s};
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    auto value = [&]() -> uint64_t {
      if (i + 1 >= argc) Die(("missing value for " + arg).c_str());
      char* end = nullptr;
      uint64_t v = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0' || v == 0) Die(("bad value for " + arg).c_str());
      return v;
    };
    if (arg == "--size-mib") {
      o.size_mib = value();
    } else if (arg == "--threads") {
      o.threads = static_cast<unsigned>(value());
    } else if (arg == "--help" || arg == "-h") {
      std::printf("usage: bench_seal_limit [--size-mib N (default 1024)] [--threads N]\n");
      std::exit(0);
    } else {
      Die(("unknown argument " + arg).c_str());
    }
  }
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
  return o;
}

int Main(int argc, char** argv) {
  const Options opts = ParseArgs(argc, argv);
  const uint64_t total_bytes = opts.size_mib << 20;
  const uint64_t total_extents = std::max<uint64_t>(1, total_bytes / kExtent);
  const size_t pool_extents =
      static_cast<size_t>(std::min<uint64_t>(total_extents, kMaxPoolBytes / kExtent));

  bench::DataGen gen(1);
  std::vector<std::string> pool(pool_extents);
  for (auto& e : pool) e = gen.Make(kExtent);

  const crypto::SecretKey key = crypto::DeriveSubkeys(crypto::SecretKey::Random()).data;
  const Config configs[] = {
      {"zstd-3", Codec::kZstd, 3},
      {"lz4", Codec::kLz4, 0},
      {"none", Codec::kRaw, 0},
  };
  std::vector<unsigned> thread_counts = {1};
  if (opts.threads > 1) thread_counts.push_back(opts.threads);

  std::printf(
      "bench_seal_limit: %llu MiB logical in 32 KiB extents (pool %zu MiB), "
      "XChaCha20-Poly1305, hardware threads %u\n\n",
      static_cast<unsigned long long>(opts.size_mib), pool_extents * kExtent >> 20,
      std::thread::hardware_concurrency());
  std::printf("%-7s %7s %6s %22s %22s\n", "codec", "threads", "ratio", "compress+seal MB/s",
              "open+decompress MB/s");
  std::printf("%-7s %7s %6s %22s %22s\n", "-------", "-------", "------", "----------------------",
              "----------------------");
  for (const Config& config : configs) {
    // Seal the pool once for the read side, checking every extent round-trips.
    std::vector<std::string> sealed_pool(pool.size());
    uint64_t stored = 0;
    for (size_t i = 0; i < pool.size(); i++) {
      std::string encoded;
      crypto::Encode(config.codec, config.level, pool[i], &encoded);
      crypto::Seal(key, encoded, MakeAd(i), &sealed_pool[i]);
      stored += sealed_pool[i].size();
      auto plain = crypto::Open(key, sealed_pool[i], MakeAd(i));
      if (!plain.ok()) Die("verification: open failed");
      auto back = crypto::Decode(*plain, kExtent);
      if (!back.ok() || *back != pool[i]) Die("verification: round trip mismatch");
    }
    const double ratio = static_cast<double>(pool.size() * kExtent) / static_cast<double>(stored);
    for (unsigned threads : thread_counts) {
      Row r = Measure(config, threads, key, pool, sealed_pool, ratio, total_extents);
      std::printf("%-7s %7u %6.2f %22.0f %22.0f\n", r.codec, r.threads, r.ratio, r.seal_mbps,
                  r.open_mbps);
      std::fflush(stdout);
    }
  }
  std::printf("\nratio = logical bytes / sealed bytes (incl. codec byte, nonce, tag).\n");
  return 0;
}

}  // namespace
}  // namespace zerofs

int main(int argc, char** argv) { return zerofs::Main(argc, argv); }
