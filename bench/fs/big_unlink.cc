// bench_big_unlink: how long removing a huge file blocks the caller (issue
// 8: "removing a 100 GiB file returns at once"), and how long the
// background freeing of its extents then takes.
//
// Builds a file of --gib GiB (default 100) whose every 32 KiB extent holds
// data (a small compressible frame each, so building it takes seconds, not
// the upload of 100 GiB), unlinks it, and prints the time Unlink took, the
// time until the reaper had freed every extent, and the longest stall a
// concurrent small-file writer saw meanwhile.
//
// Usage: bench_big_unlink [--gib N] [--dir DIR]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "common/check.h"
#include "common/local_fs.h"

namespace zerofs {
namespace {

using bench::Check;
using bench::Die;
using bench::SecondsSince;
using Clock = std::chrono::steady_clock;

int Main(int argc, char** argv) {
  uint64_t gib = 100;
  std::string dir;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--gib" && i + 1 < argc) {
      gib = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      Die("usage: bench_big_unlink [--gib N] [--dir DIR]");
    }
  }
  if (gib == 0) Die("--gib must be at least 1");
  if (dir.empty()) dir = bench::TempBenchDir("unlink");
  std::filesystem::remove_all(dir);
  bench::LocalFs local(dir);
  engine::Engine* eng = local.engine();
  fs::FileSystem* fsys = local.fs();
  const fs::Cred root = fs::Cred::Root();

  const uint64_t extents = (gib << 30) / engine::kExtentSize;
  auto f = Check(fsys->Create(root, fs::kRootInode, "big", 0644, true), "create").attr;
  fs::SetAttrRequest grow;
  grow.size = gib << 30;
  Check(fsys->SetAttr(root, f.ino, grow), "truncate");
  std::printf("bench_big_unlink: building a %llu GiB file with %llu extents in %s\n",
              static_cast<unsigned long long>(gib), static_cast<unsigned long long>(extents),
              dir.c_str());
  auto build = Clock::now();
  const std::string data(4096, 'x');
  for (uint64_t i = 0; i < extents; i += 1024) {
    engine::Transaction txn;
    for (uint64_t j = i; j < std::min(extents, i + 1024); j++) txn.WriteExtent(f.ino, j, data);
    Check(eng->Commit(std::move(txn)), "write extents");
    if ((i / 1024) % 256 == 0) {
      std::fprintf(stderr, "\r  %llu%%", static_cast<unsigned long long>(i * 100 / extents));
    }
  }
  std::fprintf(stderr, "\r  100%%\n");
  Check(fsys->Flush(), "flush");
  std::printf("built in %.1f s; stored %.1f MiB\n", SecondsSince(build),
              static_cast<double>(Check(eng->StoredBytes(f.ino), "stored")) / 1048576.0);

  // A small-file writer running meanwhile: its longest single operation is
  // the stall the huge delete causes for everyone else.
  std::atomic<bool> stop{false};
  double worst = 0;
  uint64_t ops = 0;
  std::thread writer([&] {
    for (uint64_t n = 0; !stop; n++) {
      auto t = Clock::now();
      auto c = Check(fsys->Create(root, fs::kRootInode, "small-" + std::to_string(n), 0644, true),
                     "create small");
      Check(fsys->Write(root, c.attr.ino, 0, "hello"), "write small");
      worst = std::max(worst, SecondsSince(t));
      ops++;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto start = Clock::now();
  Check(fsys->Unlink(root, fs::kRootInode, "big"), "unlink");
  const double unlink_secs = SecondsSince(start);
  fsys->WaitForBackgroundFrees();
  const double freed_secs = SecondsSince(start);
  stop = true;
  writer.join();
  const uint64_t left = Check(eng->StoredBytes(f.ino), "stored after");
  if (left != 0) Die("extents left after the background free: " + std::to_string(left));
  std::printf(
      "unlink returned in %.2f ms; extents freed in the background in %.1f s "
      "(%.0f extents/s)\n",
      unlink_secs * 1000, freed_secs, static_cast<double>(extents) / freed_secs);
  std::printf("a concurrent small-file writer: %llu creates+writes, longest %.1f ms\n",
              static_cast<unsigned long long>(ops), worst * 1000);
  local.Close();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace zerofs

int main(int argc, char** argv) { return zerofs::Main(argc, argv); }
