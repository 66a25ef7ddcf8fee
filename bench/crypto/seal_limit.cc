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
#include "common/seal_limit.h"
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

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "bench_seal_limit: %s\n", what);
  std::exit(1);
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
  const bench::LimitConfig configs[] = {
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
  for (const bench::LimitConfig& config : configs) {
    double ratio = 0;
    std::vector<std::string> sealed_pool = bench::SealPool(config, key, pool, &ratio);
    for (unsigned threads : thread_counts) {
      bench::Row r = bench::Measure(config, threads, key, pool, sealed_pool, ratio, total_extents);
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
