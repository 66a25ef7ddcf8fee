// bench_nfs: NFSv3 workload through libnfs, one connection per thread, run
// the same way against any server (bench/nfs/run-nfs-bench.sh runs it
// against zerofs and nfs-ganesha). Each phase starts on all threads at once;
// its rate is the total work divided by the wall time of the slowest thread.
//
//   bench_nfs --url 'nfs://127.0.0.1/EXPORT?version=3&nfsport=P&mountport=M'
//             [--threads 4] [--files 500] [--io-mib 32] [--io-secs 5]
//             [--seq-mib 128] [--seq-passes 1] [--dir NAME] [--trace]
//   bench_nfs --url URL --mkfile PATH BYTES   (sparse file, e.g. an NBD export)
//
// Output: one line per phase, "RESULT <phase> <value> <unit>".
#include <fcntl.h>
#include <nfsc/libnfs.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/data_gen.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string url;
  int threads = 4;
  int files = 500;
  uint64_t io_mib = 32;
  double io_secs = 5;
  uint64_t seq_mib = 128;
  int seq_passes = 1;  // timed passes of the cached 1 MiB read (longer phase, less noise)
  std::string dir = "bench";
  bool trace = false;  // --trace: phase start times on stderr
  std::string mkfile;
  uint64_t mkfile_size = 0;
};

[[noreturn]] void Die(nfs_context* nfs, const std::string& what) {
  std::fprintf(stderr, "bench_nfs: %s: %s\n", what.c_str(), nfs ? nfs_get_error(nfs) : "");
  std::exit(1);
}

nfs_context* Connect(const std::string& url) {
  nfs_context* nfs = nfs_init_context();
  if (!nfs) Die(nullptr, "nfs_init_context");
  nfs_url* u = nfs_parse_url_dir(nfs, url.c_str());
  if (!u) Die(nfs, "bad url " + url);
  if (nfs_mount(nfs, u->server, u->path) != 0) Die(nfs, "mount " + url);
  nfs_destroy_url(u);
  return nfs;
}

// Writes or reads [0, bytes) of fh in chunks of at most `chunk`.
void Sequential(nfs_context* nfs, nfsfh* fh, uint64_t bytes, size_t chunk, char* buf, bool write) {
  for (uint64_t off = 0; off < bytes;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(chunk, bytes - off));
    int rc = write ? nfs_pwrite(nfs, fh, off, n, buf) : nfs_pread(nfs, fh, off, n, buf);
    if (rc <= 0) Die(nfs, write ? "pwrite" : "pread");
    off += static_cast<uint64_t>(rc);
  }
}

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)), sync_(o_.threads) {}

  void Run() {
    nfs_context* setup = Connect(o_.url);
    const std::string root = "/" + o_.dir;
    if (nfs_mkdir(setup, root.c_str()) != 0) Die(setup, "mkdir " + root + " (exists?)");
    std::vector<std::thread> workers;
    for (int t = 0; t < o_.threads; t++) workers.emplace_back([this, t] { Worker(t); });
    for (auto& w : workers) w.join();
    nfs_destroy_context(setup);
    const double n = o_.threads;
    Print("create", n * o_.files / secs_[0], "ops/s");
    Print("stat", n * o_.files / secs_[1], "ops/s");
    Print("write_4k_rand", ops_[2] / secs_[2], "IOPS");
    Print("read_4k_rand_cached", ops_[3] / secs_[3], "IOPS");
    Print("write_1m_seq", n * o_.seq_mib / secs_[4], "MiB/s");
    Print("read_1m_seq_cached", n * o_.seq_mib * o_.seq_passes / secs_[5], "MiB/s");
    Print("remove", n * o_.files / secs_[6], "ops/s");
  }

 private:
  static void Print(const char* name, double v, const char* unit) {
    std::printf("RESULT %s %.1f %s\n", name, v, unit);
    std::fflush(stdout);
  }

  // Runs fn on every thread from a common start; records the slowest time.
  void Phase(int idx, const std::function<void()>& fn) {
    sync_.arrive_and_wait();
    auto start = Clock::now();
    if (o_.trace && idx_marked_.exchange(idx) != idx) TraceMark(idx);
    fn();
    sync_.arrive_and_wait();
    double s = std::chrono::duration<double>(Clock::now() - start).count();
    double cur = secs_[idx].load();
    while (s > cur && !secs_[idx].compare_exchange_weak(cur, s)) {
    }
  }

  void Worker(int t) {
    nfs_context* nfs = Connect(o_.url);
    const std::string dir = "/" + o_.dir + "/t" + std::to_string(t);
    if (nfs_mkdir(nfs, dir.c_str()) != 0) Die(nfs, "mkdir " + dir);
    const size_t wmax = std::min<uint64_t>(nfs_get_writemax(nfs), 1 << 20);
    const size_t rmax = std::min<uint64_t>(nfs_get_readmax(nfs), 1 << 20);
    std::vector<char> buf(1 << 20);
    zerofs::bench::DataGen gen(static_cast<uint64_t>(t) + 1);
    gen.Fill(buf.data(), buf.size());
    auto name = [&dir](int i) { return dir + "/f" + std::to_string(i); };

    Phase(0, [&] {
      for (int i = 0; i < o_.files; i++) {
        nfsfh* fh = nullptr;
        if (nfs_creat(nfs, name(i).c_str(), 0644, &fh) != 0) Die(nfs, "creat " + name(i));
        nfs_close(nfs, fh);
      }
    });
    Phase(1, [&] {
      struct nfs_stat_64 st;
      for (int i = 0; i < o_.files; i++) {
        if (nfs_stat64(nfs, name(i).c_str(), &st) != 0) Die(nfs, "stat " + name(i));
      }
    });

    // 4 KiB random I/O in a file of io_mib, written in full first so reads hit data.
    const std::string data = dir + "/data";
    nfsfh* fh = nullptr;
    if (nfs_creat(nfs, data.c_str(), 0644, &fh) != 0) Die(nfs, "creat " + data);
    Sequential(nfs, fh, o_.io_mib << 20, wmax, buf.data(), true);
    if (nfs_fsync(nfs, fh) != 0) Die(nfs, "fsync");
    std::mt19937_64 rng(static_cast<uint64_t>(t) * 7919 + 1);
    const uint64_t blocks = (o_.io_mib << 20) / 4096;
    auto timed_random = [&](int idx, bool write) {
      uint64_t ops = 0;
      const auto deadline = Clock::now() + std::chrono::duration<double>(o_.io_secs);
      while (Clock::now() < deadline) {
        for (int k = 0; k < 16; k++, ops++) {
          uint64_t off = (rng() % blocks) * 4096;
          char* p = buf.data() + (ops % 256) * 4096;
          int rc = write ? nfs_pwrite(nfs, fh, off, 4096, p) : nfs_pread(nfs, fh, off, 4096, p);
          if (rc != 4096) Die(nfs, write ? "pwrite 4k" : "pread 4k");
        }
      }
      if (write && nfs_fsync(nfs, fh) != 0) Die(nfs, "fsync");
      ops_[idx] += ops;
    };
    Phase(2, [&] { timed_random(2, true); });
    Sequential(nfs, fh, o_.io_mib << 20, rmax, buf.data(), false);  // warm the cache
    Phase(3, [&] { timed_random(3, false); });
    nfs_close(nfs, fh);

    const std::string seq = dir + "/seq";
    if (nfs_creat(nfs, seq.c_str(), 0644, &fh) != 0) Die(nfs, "creat " + seq);
    gen.Fill(buf.data(), buf.size());
    Phase(4, [&] {
      Sequential(nfs, fh, o_.seq_mib << 20, wmax, buf.data(), true);
      if (nfs_fsync(nfs, fh) != 0) Die(nfs, "fsync");
    });
    // Warm the cache as for the 4 KiB reads: a server need not keep data it
    // was just sent in its read cache (zerofs admits a new entry for good
    // only on its second access), while ganesha reads from the page cache.
    Sequential(nfs, fh, o_.seq_mib << 20, rmax, buf.data(), false);
    Phase(5, [&] {
      for (int pass = 0; pass < o_.seq_passes; pass++) {
        Sequential(nfs, fh, o_.seq_mib << 20, rmax, buf.data(), false);
      }
    });
    nfs_close(nfs, fh);

    Phase(6, [&] {
      for (int i = 0; i < o_.files; i++) {
        if (nfs_unlink(nfs, name(i).c_str()) != 0) Die(nfs, "unlink " + name(i));
      }
    });
    nfs_destroy_context(nfs);
  }

  // CLOCK_MONOTONIC seconds, the clock of `perf record -k CLOCK_MONOTONIC`,
  // so a profile can be cut per phase with `perf report --time A,B`.
  static void TraceMark(int idx) {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    std::fprintf(stderr, "PHASE %d %ld.%06ld\n", idx, static_cast<long>(ts.tv_sec),
                 ts.tv_nsec / 1000);
  }

  Options o_;
  std::atomic<int> idx_marked_{-1};
  std::barrier<> sync_;
  std::atomic<double> secs_[7] = {};
  std::atomic<uint64_t> ops_[7] = {};
};

int MakeFile(const Options& o) {
  nfs_context* nfs = Connect(o.url);
  nfsfh* fh = nullptr;
  if (nfs_creat(nfs, o.mkfile.c_str(), 0644, &fh) != 0) Die(nfs, "creat " + o.mkfile);
  if (nfs_ftruncate(nfs, fh, o.mkfile_size) != 0) Die(nfs, "ftruncate");
  if (nfs_fsync(nfs, fh) != 0) Die(nfs, "fsync");
  nfs_close(nfs, fh);
  nfs_destroy_context(nfs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench_nfs: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--url")
      o.url = next();
    else if (a == "--threads")
      o.threads = std::stoi(next());
    else if (a == "--files")
      o.files = std::stoi(next());
    else if (a == "--io-mib")
      o.io_mib = std::stoull(next());
    else if (a == "--io-secs")
      o.io_secs = std::stod(next());
    else if (a == "--seq-mib")
      o.seq_mib = std::stoull(next());
    else if (a == "--seq-passes")
      o.seq_passes = std::max(1, std::stoi(next()));
    else if (a == "--trace")
      o.trace = true;
    else if (a == "--dir")
      o.dir = next();
    else if (a == "--mkfile") {
      o.mkfile = next();
      o.mkfile_size = std::stoull(next());
    } else {
      std::fprintf(stderr, "bench_nfs: unknown argument %s (see nfs_bench.cc)\n", a.c_str());
      return 2;
    }
  }
  if (o.url.empty()) {
    std::fprintf(stderr, "bench_nfs: --url is required\n");
    return 2;
  }
  if (!o.mkfile.empty()) return MakeFile(o);
  Bench(o).Run();
  return 0;
}
