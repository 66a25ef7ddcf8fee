// bench_fs_small_writes: random 4 KiB overwrites of one file through the fs
// core in-process (no protocol, no FUSE), then one Fsync: what a server
// spends per small write and on the fsync that makes them durable. The
// 9P, NFS and mount benchmarks' small-write figures are this plus their
// transport.
//
// Usage: bench_fs_small_writes [--file-mib N] [--writes N] [--buffer-mib N]
//                              [--dir DIR]
// --buffer-mib: FsOptions::write_buffer_bytes (default: the fs default).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/check.h"
#include "common/data_gen.h"
#include "common/local_fs.h"

namespace zerofs {
namespace {

using bench::Check;
using bench::Die;
using Clock = std::chrono::steady_clock;
using bench::SecondsSince;

int Main(int argc, char** argv) {
  uint64_t file_mib = 64;
  uint64_t writes = 20000;
  int64_t buffer_mib = -1;  // the fs default
  std::string dir;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--file-mib" && i + 1 < argc) {
      file_mib = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--writes" && i + 1 < argc) {
      writes = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--buffer-mib" && i + 1 < argc) {
      buffer_mib = std::strtoll(argv[++i], nullptr, 10);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      Die("usage: bench_fs_small_writes [--file-mib N] [--writes N] [--buffer-mib N] [--dir DIR]");
    }
  }
  if (file_mib == 0 || writes == 0) Die("--file-mib and --writes must be at least 1");
  if (dir.empty()) dir = bench::TempBenchDir("small-writes");
  std::filesystem::remove_all(dir);
  fs::FsOptions fo;
  if (buffer_mib >= 0) fo.write_buffer_bytes = static_cast<uint64_t>(buffer_mib) << 20;
  bench::LocalFs local(dir, fo);
  fs::FileSystem* fsys = local.fs();
  const fs::Cred root = fs::Cred::Root();

  auto f = Check(fsys->Create(root, fs::kRootInode, "rand.dat", 0644, true), "create").attr;
  bench::DataGen gen(2);
  std::string mib = gen.Make(1 << 20);
  for (uint64_t i = 0; i < file_mib; i++) {
    Check(fsys->Write(root, f.ino, i << 20, mib), "fill");
  }
  Check(fsys->Fsync(f.ino), "fsync after fill");

  std::mt19937_64 rng(3);
  const std::string block = bench::DataGen(4).Make(4096);
  const uint64_t blocks = file_mib * 256;
  std::vector<double> lat(writes);
  auto start = Clock::now();
  for (uint64_t i = 0; i < writes; i++) {
    auto t = Clock::now();
    Check(fsys->Write(root, f.ino, (rng() % blocks) * 4096, block), "write");
    lat[i] = SecondsSince(t) * 1e6;
  }
  const double write_secs = SecondsSince(start);
  auto sync_start = Clock::now();
  Check(fsys->Fsync(f.ino), "fsync");
  const double fsync_secs = SecondsSince(sync_start);
  std::sort(lat.begin(), lat.end());
  std::printf(
      "bench_fs_small_writes: %llu random 4 KiB writes into a %llu MiB file: %.3f s (%.0f/s), "
      "per write p50 %.1f us p99 %.1f us max %.1f us; fsync %.1f ms\n",
      static_cast<unsigned long long>(writes), static_cast<unsigned long long>(file_mib),
      write_secs, static_cast<double>(writes) / write_secs, lat[writes / 2], lat[writes * 99 / 100],
      lat.back(), fsync_secs * 1000);
  local.Close();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace zerofs

int main(int argc, char** argv) { return zerofs::Main(argc, argv); }
