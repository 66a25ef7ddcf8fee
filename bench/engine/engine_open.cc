// bench_engine_open: the time a writer takes to open a store whose index
// holds N metadata records (about what N files cost the fs layer), after a
// clean close (the local index is reused, engine/clean_close.h) and after a
// crash (the snapshot is downloaded and restored), on a local store. A real
// bucket adds its latency and bandwidth to every SST of the restore.
//
// Usage: bench_engine_open [--records N] [--dir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "common/check.h"
#include "common/local_fs.h"
#include "engine/engine.h"
#include "objstore/local_store.h"

namespace zerofs {
namespace {

using bench::Check;
using bench::Die;
using bench::SecondsSince;
using Clock = std::chrono::steady_clock;

std::unique_ptr<engine::Engine> OpenEngine(const std::string& dir) {
  engine::EngineOptions o;
  o.store = Check(objstore::LocalStore::Open(dir + "/store"), "open store");
  o.password = "bench";
  o.local_dir = dir + "/index";
  o.flush_interval = std::chrono::milliseconds(0);
  o.snapshot_interval = std::chrono::milliseconds(0);
  o.gc_enabled = false;
  o.kdf = crypto::KdfParams::Interactive();
  return Check(engine::Engine::Open(std::move(o)), "open engine");
}

uint64_t DirBytes(const std::string& path) {
  uint64_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(path)) {
    if (e.is_regular_file()) bytes += e.file_size();
  }
  return bytes;
}

int Main(int argc, char** argv) {
  uint64_t records = 1000000;
  std::string dir;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--records" && i + 1 < argc) {
      records = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      Die("usage: bench_engine_open [--records N] [--dir DIR]");
    }
  }
  if (dir.empty()) dir = bench::TempBenchDir("engine-open");
  std::filesystem::remove_all(dir);
  {
    // Records the size of an inode record and a directory entry, with
    // random bytes (they compress like encrypted names would not).
    auto e = OpenEngine(dir);
    std::mt19937_64 rng(7);
    std::string value(120, '\0');
    const uint64_t batch = 10000;
    for (uint64_t first = 0; first < records; first += batch) {
      engine::Transaction t;
      for (uint64_t i = first; i < std::min(records, first + batch); i++) {
        for (char& c : value) c = static_cast<char>(rng());
        char key[32];
        std::snprintf(key, sizeof(key), "i%016llx", static_cast<unsigned long long>(i));
        t.Put(key, value);
      }
      Check(e->Commit(std::move(t)), "commit");
    }
    Check(e->Close(), "close");
  }
  std::printf("bench_engine_open: %llu records, snapshot %.1f MiB in the bucket\n",
              static_cast<unsigned long long>(records), DirBytes(dir + "/store/sst") / 1048576.0);
  for (int round = 0; round < 2; round++) {
    auto t = Clock::now();
    auto e = OpenEngine(dir);
    const double reuse = SecondsSince(t);
    if (!Check(e->Get("i0000000000000000"), "get")) Die("record 0 missing after reuse");
    Check(e->Close(), "close");
    // A crash leaves no clean-close record: the next open restores.
    std::filesystem::remove(dir + "/index/CLEAN");
    t = Clock::now();
    e = OpenEngine(dir);
    const double restore = SecondsSince(t);
    if (!Check(e->Get("i0000000000000000"), "get")) Die("record 0 missing after restore");
    Check(e->Close(), "close");
    std::printf("open after a clean close %7.3f s   after a crash (restore) %7.3f s\n", reuse,
                restore);
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace zerofs

int main(int argc, char** argv) { return zerofs::Main(argc, argv); }
