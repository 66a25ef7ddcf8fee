// bench_fs_meta: metadata operations per second through the filesystem core
// in-process (engine + fs on a local file:// store), printed next to the
// same operations on this machine's local disk through system calls, in the
// same run (issue 3's benchmark).
//
// Phases, each on --threads threads working in their own directory:
//   create   create + close of empty files
//   stat     lookup + getattr of every file (stat(2) on the disk)
//   rename   rename of every file within its directory
//   readdir  one listing of a directory of --readdir entries (100,000)
//   unlink   removal of every file
// Nothing is flushed to the store during the timed phases (as on the local
// disk, where nothing is fsynced); the final Close flushes once.
//
// Usage: bench_fs_meta [--files N (20000)] [--readdir N (100000)] [--threads N (1)] [--dir D]
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "common/check.h"
#include "common/local_fs.h"

namespace zerofs {
namespace {

struct Options {
  uint64_t files = 20000;
  uint64_t readdir = 100000;
  unsigned threads = 1;
  std::string dir;
};

using bench::Check;
using bench::Die;
void CheckSys(bool ok, const std::string& what) {
  if (!ok) Die(what + ": " + std::strerror(errno));
}

std::string Name(uint64_t i) { return "file-" + std::to_string(i); }
std::string Renamed(uint64_t i) { return "renamed-" + std::to_string(i); }

// Runs fn(thread) on `threads` threads and returns operations per second.
double Rate(unsigned threads, uint64_t ops, const std::function<void(unsigned)>& fn) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; t++) workers.emplace_back(fn, t);
  for (auto& w : workers) w.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(ops) / s;
}

struct Rates {
  double create, stat, rename, readdir, unlink;
};

// The filesystem core, in-process.
Rates RunCore(const Options& o) {
  const std::string dir = o.dir + "/core";
  std::filesystem::create_directories(dir);
  bench::LocalFs local(dir, fs::FsOptions{}, /*periodic=*/false);
  fs::FileSystem* fsys = local.fs();
  const fs::Cred root = fs::Cred::Root();
  const uint64_t per = o.files / o.threads;

  std::vector<fs::InodeId> dirs;
  for (unsigned t = 0; t < o.threads; t++) {
    dirs.push_back(
        Check(fsys->Mkdir(root, fs::kRootInode, "t" + std::to_string(t), 0755), "mkdir").ino);
  }
  Rates r{};
  r.create = Rate(o.threads, per * o.threads, [&](unsigned t) {
    for (uint64_t i = 0; i < per; i++) {
      auto c = Check(fsys->Create(root, dirs[t], Name(i), 0644, true), "create");
      Check(fsys->Open(root, c.attr.ino, fs::kAccessRead | fs::kAccessWrite), "open");
      Check(fsys->Release(c.attr.ino), "release");
    }
  });
  r.stat = Rate(o.threads, per * o.threads, [&](unsigned t) {
    for (uint64_t i = 0; i < per; i++) {
      auto a = Check(fsys->Lookup(root, dirs[t], Name(i)), "lookup");
      Check(fsys->GetAttr(a.ino), "getattr");
    }
  });
  r.rename = Rate(o.threads, per * o.threads, [&](unsigned t) {
    for (uint64_t i = 0; i < per; i++) {
      Check(fsys->Rename(root, dirs[t], Name(i), dirs[t], Renamed(i)), "rename");
    }
  });
  r.unlink = Rate(o.threads, per * o.threads, [&](unsigned t) {
    for (uint64_t i = 0; i < per; i++) Check(fsys->Unlink(root, dirs[t], Renamed(i)), "unlink");
  });

  // readdir: a directory of o.readdir entries, listed once in full.
  const fs::InodeId big = Check(fsys->Mkdir(root, fs::kRootInode, "big", 0755), "mkdir").ino;
  for (uint64_t i = 0; i < o.readdir; i++) {
    Check(fsys->Create(root, big, Name(i), 0644, true), "create");
  }
  r.readdir = Rate(1, o.readdir, [&](unsigned) {
    uint64_t cookie = 0, seen = 0;
    for (bool eof = false; !eof;) {
      fs::ReadDirOptions ro;
      ro.max_entries = 1024;
      auto page = Check(fsys->ReadDir(root, big, cookie, ro), "readdir");
      for (const auto& e : page.entries) {
        cookie = e.cookie;
        seen++;
      }
      eof = page.eof;
    }
    if (seen != o.readdir + 2) Die("readdir saw " + std::to_string(seen) + " entries");
  });
  local.Close();
  return r;
}

// The same operations on the local disk.
Rates RunDisk(const Options& o) {
  const std::string dir = o.dir + "/disk";
  const uint64_t per = o.files / o.threads;
  for (unsigned t = 0; t < o.threads; t++) {
    std::filesystem::create_directories(dir + "/t" + std::to_string(t));
  }
  auto path = [&](unsigned t, const std::string& name) {
    return dir + "/t" + std::to_string(t) + "/" + name;
  };
  Rates r{};
  r.create = Rate(o.threads, per * o.threads, [&](unsigned t) {
    for (uint64_t i = 0; i < per; i++) {
      int fd = ::open(path(t, Name(i)).c_str(), O_CREAT | O_EXCL | O_RDWR, 0644);
      CheckSys(fd >= 0, "create");
      ::close(fd);
    }
  });
  r.stat = Rate(o.threads, per * o.threads, [&](unsigned t) {
    struct stat st;
    for (uint64_t i = 0; i < per; i++) CheckSys(::stat(path(t, Name(i)).c_str(), &st) == 0, "stat");
  });
  r.rename = Rate(o.threads, per * o.threads, [&](unsigned t) {
    for (uint64_t i = 0; i < per; i++) {
      CheckSys(::rename(path(t, Name(i)).c_str(), path(t, Renamed(i)).c_str()) == 0, "rename");
    }
  });
  r.unlink = Rate(o.threads, per * o.threads, [&](unsigned t) {
    for (uint64_t i = 0; i < per; i++)
      CheckSys(::unlink(path(t, Renamed(i)).c_str()) == 0, "unlink");
  });
  const std::string big = dir + "/big";
  std::filesystem::create_directories(big);
  for (uint64_t i = 0; i < o.readdir; i++) {
    int fd = ::open((big + "/" + Name(i)).c_str(), O_CREAT | O_EXCL | O_RDWR, 0644);
    CheckSys(fd >= 0, "create");
    ::close(fd);
  }
  // Drop the dentry cache's advantage as far as an unprivileged run can: a
  // fresh opendir each time still reads the directory through the kernel.
  r.readdir = Rate(1, o.readdir, [&](unsigned) {
    DIR* d = ::opendir(big.c_str());
    CheckSys(d != nullptr, "opendir");
    uint64_t seen = 0;
    while (::readdir(d) != nullptr) seen++;
    ::closedir(d);
    if (seen != o.readdir + 2) Die("readdir saw " + std::to_string(seen) + " entries");
  });
  return r;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value for " + arg);
      return argv[++i];
    };
    if (arg == "--files") {
      o.files = std::strtoull(next().c_str(), nullptr, 10);
    } else if (arg == "--readdir") {
      o.readdir = std::strtoull(next().c_str(), nullptr, 10);
    } else if (arg == "--threads") {
      o.threads = static_cast<unsigned>(std::strtoul(next().c_str(), nullptr, 10));
    } else if (arg == "--dir") {
      o.dir = next();
    } else if (arg == "--help" || arg == "-h") {
      std::printf("usage: bench_fs_meta [--files N] [--readdir N] [--threads N] [--dir DIR]\n");
      std::exit(0);
    } else {
      Die("unknown argument " + arg);
    }
  }
  if (o.threads == 0 || o.files < o.threads) Die("need --threads >= 1 and --files >= --threads");
  if (o.dir.empty()) o.dir = bench::TempBenchDir("fs");
  return o;
}

int Main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  std::filesystem::remove_all(o.dir);
  std::printf("bench_fs_meta: %llu files, readdir of %llu entries, %u threads, dir %s\n\n",
              static_cast<unsigned long long>(o.files), static_cast<unsigned long long>(o.readdir),
              o.threads, o.dir.c_str());
  const Rates disk = RunDisk(o);
  const Rates core = RunCore(o);
  std::printf("%-22s %14s %14s %8s\n", "operation", "zerofs core/s", "local disk/s", "ratio");
  auto row = [](const char* name, double z, double d) {
    std::printf("%-22s %14.0f %14.0f %7.2fx\n", name, z, d, z / d);
  };
  row("create+close", core.create, disk.create);
  row("lookup+getattr (stat)", core.stat, disk.stat);
  row("rename", core.rename, disk.rename);
  row("unlink", core.unlink, disk.unlink);
  row("readdir (entries/s)", core.readdir, disk.readdir);
  std::filesystem::remove_all(o.dir);
  return 0;
}

}  // namespace
}  // namespace zerofs

int main(int argc, char** argv) { return zerofs::Main(argc, argv); }
