// bench_disk_cache: the disk tier (cache/disk_cache.h) alone, in-process:
// how fast it stores entries the size of sealed frames, serves them back,
// reopens with them, and evicts when the data is larger than the tier. The
// figures include the CPU of its writer thread (process CPU time), which
// is what a server pays for every frame fetched from the bucket.
//
// Usage: bench_disk_cache [--entries N] [--value-kib K] [--dir DIR]
// The tier's capacity is 20 times the entries' size for the first phases
// (new entries stay in the S3-FIFO small queue, a tenth of the capacity,
// until they are read) and half their size for the eviction phase.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "cache/disk_cache.h"
#include "common/check.h"
#include "common/cpu_time.h"
#include "common/local_fs.h"

namespace zerofs {
namespace {

using bench::Die;
using bench::ProcessCpuSeconds;
using bench::SecondsSince;
using Clock = std::chrono::steady_clock;

std::string KeyOf(uint64_t i) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "segments/%016llx@%llx",
                static_cast<unsigned long long>(i / 2000),
                static_cast<unsigned long long>(i % 2000 * 13000));
  return buf;
}

std::unique_ptr<cache::DiskCache> OpenTier(const std::string& dir, uint64_t capacity) {
  auto c = cache::DiskCache::Open(cache::DiskCacheOptions{dir, capacity});
  if (!c.ok()) Die("open " + dir + ": " + c.error().ToString());
  return std::move(c).value();
}

void Report(const char* phase, uint64_t ops, double secs, double cpu) {
  std::printf("%-22s %8llu ops %8.0f ops/s %7.1f us CPU/op\n", phase,
              static_cast<unsigned long long>(ops), ops / secs, cpu * 1e6 / ops);
}

// Inserts entries [first, last) in batches the write queue can hold, and
// waits for them to be written.
void Store(cache::DiskCache* c, uint64_t first, uint64_t last, const std::string& value) {
  const uint64_t batch = std::max<uint64_t>(1, (32ull << 20) / value.size());
  for (uint64_t i = first; i < last; i++) {
    c->Insert(KeyOf(i), value);
    if ((i - first) % batch == batch - 1) c->WaitForWrites();
  }
  c->WaitForWrites();
}

int Main(int argc, char** argv) {
  uint64_t entries = 20000;
  uint64_t value_kib = 12;
  std::string dir;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--entries" && i + 1 < argc) {
      entries = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--value-kib" && i + 1 < argc) {
      value_kib = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      Die("usage: bench_disk_cache [--entries N] [--value-kib K] [--dir DIR]");
    }
  }
  if (entries == 0 || value_kib == 0) Die("--entries and --value-kib must be positive");
  if (dir.empty()) dir = bench::TempBenchDir("disk-cache");
  std::filesystem::remove_all(dir);
  const std::string path = dir + "/tier";
  std::mt19937_64 rng(42);
  std::string value(value_kib << 10, '\0');
  for (char& ch : value) ch = static_cast<char>(rng());  // sealed bytes look random
  const uint64_t data = entries * value.size();
  std::printf("disk tier: %llu entries of %llu KiB (%.0f MiB) in %s\n",
              static_cast<unsigned long long>(entries), static_cast<unsigned long long>(value_kib),
              data / 1048576.0, dir.c_str());

  {
    auto c = OpenTier(path, 20 * data);
    auto t = Clock::now();
    double cpu = ProcessCpuSeconds();
    Store(c.get(), 0, entries, value);
    Report("store", entries, SecondsSince(t), ProcessCpuSeconds() - cpu);
    if (c->Stats().entries != entries) Die("not every entry was stored");

    std::vector<uint64_t> order(entries);
    for (uint64_t i = 0; i < entries; i++) order[i] = rng() % entries;
    t = Clock::now();
    cpu = ProcessCpuSeconds();
    uint64_t hits = 0;
    for (uint64_t i : order) hits += c->Lookup(KeyOf(i)) == value ? 1 : 0;
    Report("random lookup", entries, SecondsSince(t), ProcessCpuSeconds() - cpu);
    if (hits != entries) Die("a lookup missed or returned other bytes");
  }
  {
    auto t = Clock::now();
    double cpu = ProcessCpuSeconds();
    auto c = OpenTier(path, 20 * data);
    Report("reopen (per entry)", entries, SecondsSince(t), ProcessCpuSeconds() - cpu);
    if (c->Stats().entries != entries) Die("not every entry was found again");
  }
  {
    // Half the size: storing as much again evicts the first round (its
    // entries were all read once, so they are in the main queue).
    auto c = OpenTier(path, data / 2);
    auto t = Clock::now();
    double cpu = ProcessCpuSeconds();
    Store(c.get(), entries, 2 * entries, value);
    Report("store with eviction", entries, SecondsSince(t), ProcessCpuSeconds() - cpu);
    cache::DiskCacheStats s = c->Stats();
    if (s.usage > data / 2) Die("the bound did not hold");
    std::printf("%-22s %8llu entries %.0f MiB charged of %.0f MiB, %llu evicted\n", "after",
                static_cast<unsigned long long>(s.entries), s.usage / 1048576.0,
                data / 2 / 1048576.0, static_cast<unsigned long long>(s.evictions));
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace zerofs

int main(int argc, char** argv) { return zerofs::Main(argc, argv); }
