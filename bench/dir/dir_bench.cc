// bench_dir DIR [--quick] [--scale F] [--max-secs S] [--csv] [--no-direct]
// [--only a,b,...]: workloads against any mounted directory (issue 9's suite;
// issue 6's mount benchmark runs it on `zerofs mount` and on diod, issue 9's
// comparison on s3fs and rclone too). Everything happens in a fresh
// subdirectory of DIR that is removed at the end. One line per workload:
// ops/s, MiB/s where bytes move, and per-operation latency (mean, p50, p99).
// --csv prints `RESULT,name,ops,secs,ops_per_s,mib_per_s,mean_us,p50_us,
// p99_us,note` lines instead, for scripts. --scale multiplies every count
// and size; --max-secs stops each workload's timed loop after S seconds
// (ops/s counts what was done), so very slow file systems finish in bounded
// time; later workloads use what earlier ones actually made.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#ifdef ZFS_BENCH_SQLITE
#include <sqlite3.h>
#endif

#include "common/data_gen.h"

namespace {

using Clock = std::chrono::steady_clock;
using zerofs::bench::DataGen;

struct Sizes {
  size_t seq_mib;        // sequential write, 1 MiB writes
  size_t rand_file_mib;  // file for random overwrites and random reads
  size_t rand_ops;       // 4 KiB random overwrites / reads
  size_t appends;        // 4 KiB appends
  size_t files;          // empty files (then stat, chmod, utimes, rename, unlink)
  size_t dirs;           // empty directories
  size_t tar_files;      // files in the generated source tree
  size_t sql_rows;       // SQLite rows
  size_t sql_lookups;    // SQLite random point reads
};
constexpr Sizes kFull{256, 64, 20000, 20000, 5000, 2000, 3000, 50000, 20000};
constexpr Sizes kQuick{32, 16, 2000, 2000, 500, 300, 600, 5000, 2000};

Sizes Scaled(Sizes z, double f) {
  auto m = [f](size_t v) {
    return std::max<size_t>(1, static_cast<size_t>(static_cast<double>(v) * f + 0.5));
  };
  return {m(z.seq_mib), m(z.rand_file_mib), m(z.rand_ops), m(z.appends),    m(z.files),
          m(z.dirs),    m(z.tar_files),     m(z.sql_rows), m(z.sql_lookups)};
}

struct Stats {
  std::string name;
  size_t ops = 0;
  double secs = 0;
  uint64_t bytes = 0;
  std::vector<double> lat_us;  // per operation; empty when ops are not timed one by one
  std::string note;
  double own_secs = -1;     // >= 0: the workload timed itself (setup excluded)
  std::string error;        // non-empty: the workload failed
  Clock::time_point start;  // of the timed part; untimed setup moves it
};

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Times fn() as one operation and appends its latency.
template <typename F>
auto Timed(Stats* s, F&& fn) {
  auto t0 = Clock::now();
  auto r = fn();
  s->lat_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  return r;
}

class Bench {
 public:
  Bench(std::string root, Sizes sz, std::string local_tmp)
      : root_(std::move(root)), sz_(sz), local_tmp_(std::move(local_tmp)) {}

  void Run(const std::string& name, const std::function<std::string(Stats*)>& fn,
           std::vector<Stats>* out) {
    if (!only_.empty() && only_.count(name) == 0) return;
    Stats s;
    s.name = name;
    s.start = Clock::now();
    s.error = fn(&s);
    s.secs = std::chrono::duration<double>(Clock::now() - s.start).count();
    if (s.own_secs >= 0) s.secs = s.own_secs;
    if (s.ops == 0) s.ops = s.lat_us.size();
    out->push_back(std::move(s));
  }
  void SetOnly(std::set<std::string> only) { only_ = std::move(only); }
  void SetNoDirect(bool v) { no_direct_ = v; }
  void SetMaxSecs(double v) { max_secs_ = v; }

  // True once the workload has run past --max-secs (noted in its line);
  // never before its first operation.
  bool OverTime(Stats* s) const {
    if (max_secs_ <= 0 || s->lat_us.empty() ||
        std::chrono::duration<double>(Clock::now() - s->start).count() < max_secs_) {
      return false;
    }
    if (s->note.find("--max-secs") == std::string::npos) AddNote(s, "stopped by --max-secs");
    return true;
  }
  static void AddNote(Stats* s, const std::string& text) {
    s->note += (s->note.empty() ? "" : "; ") + text;
  }

  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  std::string SeqWrite(Stats* s) {
    std::string p = Path("seq.dat");
    int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return Errno("open", p);
    std::string buf = DataGen(1).Make(1 << 20);
    for (size_t i = 0; i < sz_.seq_mib && !OverTime(s); ++i) {
      ssize_t n = Timed(s, [&] { return write(fd, buf.data(), buf.size()); });
      if (n != static_cast<ssize_t>(buf.size())) return close(fd), Errno("write", p);
      s->bytes += buf.size();
    }
    auto t0 = Clock::now();
    if (fsync(fd) != 0) return close(fd), Errno("fsync", p);
    AddNote(s, "fsync " + Ms(t0) + " (in total)");
    close(fd);
    return "";
  }

  // Untimed setup: a file of rand_file_mib written and fsynced.
  std::string MakeRandFile() {
    std::string p = Path("rand.dat");
    int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return Errno("open", p);
    std::string buf = DataGen(2).Make(1 << 20);
    for (size_t i = 0; i < sz_.rand_file_mib; ++i) {
      if (write(fd, buf.data(), buf.size()) != static_cast<ssize_t>(buf.size())) {
        return close(fd), Errno("write", p);
      }
    }
    if (fsync(fd) != 0) return close(fd), Errno("fsync", p);
    close(fd);
    return "";
  }

  std::string RandOverwrite(Stats* s) {
    if (auto e = MakeRandFile(); !e.empty()) return e;
    s->start = Clock::now();
    std::string p = Path("rand.dat");
    int fd = open(p.c_str(), O_WRONLY);
    if (fd < 0) return Errno("open", p);
    std::mt19937_64 rng(3);
    size_t blocks = sz_.rand_file_mib * 256;
    std::string buf = DataGen(4).Make(4096);
    for (size_t i = 0; i < sz_.rand_ops && !OverTime(s); ++i) {
      off_t off = static_cast<off_t>(rng() % blocks) * 4096;
      ssize_t n = Timed(s, [&] { return pwrite(fd, buf.data(), 4096, off); });
      if (n != 4096) return close(fd), Errno("pwrite", p);
      s->bytes += 4096;
    }
    auto t0 = Clock::now();
    if (fsync(fd) != 0) return close(fd), Errno("fsync", p);
    AddNote(s, "fsync " + Ms(t0) + " (in total)");
    close(fd);
    return "";
  }

  std::string RandRead(Stats* s) {
    std::string p = Path("rand.dat");
    struct stat st;
    if (stat(p.c_str(), &st) != 0) {
      if (auto e = MakeRandFile(); !e.empty()) return e;
    }
    int fd = no_direct_ ? -1 : open(p.c_str(), O_RDONLY | O_DIRECT);
    void* mem = nullptr;
    if (posix_memalign(&mem, 4096, 4096) != 0) return "posix_memalign failed";
    std::unique_ptr<void, decltype(&free)> hold(mem, &free);
    bool direct = fd >= 0 && pread(fd, mem, 4096, 0) == 4096;
    if (!direct) {
      if (fd >= 0) close(fd);
      fd = open(p.c_str(), O_RDONLY);
      if (fd < 0) return Errno("open", p);
      posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
      posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
      s->note = no_direct_ ? "--no-direct: page cache dropped with fadvise"
                           : "no O_DIRECT (page cache dropped with fadvise, may be warm)";
    } else {
      s->note = "O_DIRECT";
    }
    // Opening (a HEAD on some S3 file systems) and the O_DIRECT probe are
    // setup: with few reads they would dominate the rate.
    s->start = Clock::now();
    std::mt19937_64 rng(5);
    size_t blocks = sz_.rand_file_mib * 256;
    for (size_t i = 0; i < sz_.rand_ops && !OverTime(s); ++i) {
      off_t off = static_cast<off_t>(rng() % blocks) * 4096;
      ssize_t n = Timed(s, [&] { return pread(fd, mem, 4096, off); });
      if (n != 4096) return close(fd), Errno("pread", p);
      s->bytes += 4096;
    }
    close(fd);
    return "";
  }

  std::string Append(Stats* s) {
    std::string p = Path("append.log");
    int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return Errno("open", p);
    std::string buf = DataGen(6).Make(4096);
    for (size_t i = 0; i < sz_.appends && !OverTime(s); ++i) {
      ssize_t n = Timed(s, [&] { return write(fd, buf.data(), buf.size()); });
      if (n != 4096) return close(fd), Errno("write", p);
      s->bytes += 4096;
    }
    auto t0 = Clock::now();
    if (fsync(fd) != 0) return close(fd), Errno("fsync", p);
    AddNote(s, "4 KiB writes; fsync " + Ms(t0) + " (in total)");
    close(fd);
    return "";
  }

  std::string FileName(size_t i) const { return Path("files/f" + std::to_string(i)); }
  std::string MovedName(size_t i) const { return Path("moved/m" + std::to_string(i)); }

  std::string CreateFiles(Stats* s) {
    if (mkdir(Path("files").c_str(), 0755) != 0) return Errno("mkdir", Path("files"));
    for (size_t i = 0; i < sz_.files && !OverTime(s); ++i) {
      std::string p = FileName(i);
      int fd = Timed(s, [&] {
        int f = open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (f >= 0) close(f);
        return f;
      });
      if (fd < 0) return Errno("create", p);
      files_made_ = i + 1;
    }
    return "";
  }

  std::string Mkdirs(Stats* s) {
    if (mkdir(Path("dirs").c_str(), 0755) != 0) return Errno("mkdir", Path("dirs"));
    for (size_t i = 0; i < sz_.dirs && !OverTime(s); ++i) {
      std::string p = Path("dirs/d" + std::to_string(i));
      if (Timed(s, [&] { return mkdir(p.c_str(), 0755); }) != 0) return Errno("mkdir", p);
      dirs_made_ = i + 1;
    }
    return "";
  }

  std::string Rmdirs(Stats* s) {
    for (size_t i = 0; i < dirs_made_ && !OverTime(s); ++i) {
      std::string p = Path("dirs/d" + std::to_string(i));
      if (Timed(s, [&] { return rmdir(p.c_str()); }) != 0) return Errno("rmdir", p);
    }
    return "";
  }

  // stat, chmod and utimes each on every created file (rotated so a file's
  // attributes are not fresh in the client cache from the previous call).
  std::string StatFiles(Stats* s) {
    struct stat st;
    for (size_t i = 0; i < files_made_ && !OverTime(s); ++i) {
      std::string p = FileName(i);
      if (Timed(s, [&] { return stat(p.c_str(), &st); }) != 0) return Errno("stat", p);
    }
    return "";
  }
  std::string ChmodFiles(Stats* s) {
    for (size_t i = 0; i < files_made_ && !OverTime(s); ++i) {
      std::string p = FileName(i);
      if (Timed(s, [&] { return chmod(p.c_str(), 0600); }) != 0) return Errno("chmod", p);
    }
    return "";
  }
  std::string UtimesFiles(Stats* s) {
    struct timeval tv[2] = {{1000000000, 0}, {1000000000, 0}};
    for (size_t i = 0; i < files_made_ && !OverTime(s); ++i) {
      std::string p = FileName(i);
      if (Timed(s, [&] { return utimes(p.c_str(), tv); }) != 0) return Errno("utimes", p);
    }
    return "";
  }

  std::string RenameFiles(Stats* s) {
    if (mkdir(Path("moved").c_str(), 0755) != 0) return Errno("mkdir", Path("moved"));
    for (size_t i = 0; i < files_made_ && !OverTime(s); ++i) {
      std::string a = FileName(i), b = MovedName(i);
      if (Timed(s, [&] { return rename(a.c_str(), b.c_str()); }) != 0) return Errno("rename", a);
      moved_ = i + 1;
    }
    AddNote(s, "across directories");
    return "";
  }

  std::string UnlinkFiles(Stats* s) {
    for (size_t i = 0; i < moved_ && !OverTime(s); ++i) {
      std::string p = MovedName(i);
      if (Timed(s, [&] { return unlink(p.c_str()); }) != 0) return Errno("unlink", p);
    }
    return "";
  }

  // A deterministic source-like tree under local_tmp_/src and its tarball.
  std::string MakeTarball() {
    DataGen gen(7);
    std::mt19937_64 rng(8);
    std::string src = local_tmp_ + "/src";
    mkdir(src.c_str(), 0755);
    size_t per_dir = 30;
    std::string dir;
    for (size_t i = 0; i < sz_.tar_files; ++i) {
      if (i % per_dir == 0) {
        // Two levels: a/b, about 30 files per leaf directory.
        size_t d = i / per_dir;
        std::string top = src + "/mod" + std::to_string(d / 8);
        mkdir(top.c_str(), 0755);
        dir = top + "/sub" + std::to_string(d % 8);
        if (mkdir(dir.c_str(), 0755) != 0) return Errno("mkdir", dir);
      }
      // Mostly small files like a source tree: 200 B - 16 KiB, a few 64 KiB.
      size_t len = (rng() % 20 == 0) ? 65536 : 200 + rng() % 16000;
      std::string p = dir + "/file" + std::to_string(i) + ".c";
      int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0) return Errno("open", p);
      std::string data = gen.Make(len);
      bool ok = write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
      close(fd);
      if (!ok) return Errno("write", p);
      tar_bytes_ += len;
    }
    tarball_ = local_tmp_ + "/src.tar";
    std::string cmd = "tar -cf '" + tarball_ + "' -C '" + local_tmp_ + "' src";
    if (std::system(cmd.c_str()) != 0) return "tar -cf failed";
    return "";
  }

  std::string TarExtract(Stats* s) {
    if (auto e = MakeTarball(); !e.empty()) return e;
    std::string dst = Path("tar");
    if (mkdir(dst.c_str(), 0755) != 0) return Errno("mkdir", dst);
    std::string cmd = "tar -xf '" + tarball_ + "' -C '" + dst + "'";
    auto t0 = Clock::now();
    int rc = std::system(cmd.c_str());
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (rc != 0) return "tar -xf failed";
    s->own_secs = secs;
    s->ops = sz_.tar_files;
    s->bytes = tar_bytes_;
    s->note = std::to_string(sz_.tar_files) + " files, " + std::to_string(tar_bytes_ >> 20) +
              " MiB; ops = files";
    return "";
  }

  // Recursive readdir + lstat of the extracted tree (or of the whole work
  // directory when tar was skipped). One operation = one entry.
  std::string Walk(Stats* s) {
    std::string top = Path("tar");
    struct stat st;
    if (stat(top.c_str(), &st) != 0) top = root_;
    std::vector<std::string> stack{top};
    while (!stack.empty() && !OverTime(s)) {
      std::string d = std::move(stack.back());
      stack.pop_back();
      DIR* dp = opendir(d.c_str());
      if (dp == nullptr) return Errno("opendir", d);
      while (dirent* e = readdir(dp)) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
        std::string p = d + "/" + e->d_name;
        if (Timed(s, [&] { return lstat(p.c_str(), &st); }) != 0) {
          closedir(dp);
          return Errno("lstat", p);
        }
        if (S_ISDIR(st.st_mode)) stack.push_back(p);
      }
      closedir(dp);
    }
    AddNote(s, "readdir + lstat per entry");
    return "";
  }

#ifdef ZFS_BENCH_SQLITE
  std::string SqlOpen(sqlite3** db) {
    std::string p = Path("bench.sqlite");
    if (sqlite3_open(p.c_str(), db) != SQLITE_OK) return "sqlite3_open " + p;
    return "";
  }
  static std::string SqlErr(sqlite3* db, const char* what) {
    std::string e = std::string(what) + ": " + sqlite3_errmsg(db);
    sqlite3_close(db);
    return e;
  }

  // Rows in key order, 1000 per transaction (rollback journal, default
  // synchronous=FULL, so each commit fsyncs).
  std::string SqlInsert(Stats* s) {
    sqlite3* db;
    if (auto e = SqlOpen(&db); !e.empty()) return e;
    if (sqlite3_exec(db, "CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)", nullptr, nullptr,
                     nullptr) != SQLITE_OK) {
      return SqlErr(db, "create table");
    }
    sqlite3_stmt* st;
    if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?, ?)", -1, &st, nullptr) != SQLITE_OK) {
      return SqlErr(db, "prepare");
    }
    DataGen gen(9);
    std::string v = gen.Make(200);
    for (size_t i = 0; i < sz_.sql_rows; ++i) {
      // The cap ends the run only between transactions.
      if (i % 1000 == 0 && i > 0 && OverTime(s)) break;
      if (i % 1000 == 0 && sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
        sqlite3_finalize(st);
        return SqlErr(db, "begin");
      }
      int rc = Timed(s, [&] {
        sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(i));
        sqlite3_bind_blob(st, 2, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
        int r = sqlite3_step(st);
        sqlite3_reset(st);
        if (r == SQLITE_DONE && (i % 1000 == 999 || i + 1 == sz_.sql_rows)) {
          sql_rows_ = i + 1;
          return sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK ? SQLITE_DONE
                                                                                    : SQLITE_ERROR;
        }
        return r;
      });
      if (rc != SQLITE_DONE) {
        sqlite3_finalize(st);
        return SqlErr(db, "insert");
      }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    AddNote(s, "200 B rows, 1000 per transaction");
    return "";
  }

  // Reads run on a fresh connection so SQLite's own page cache starts empty.
  std::string SqlScan(Stats* s) {
    sqlite3* db;
    if (auto e = SqlOpen(&db); !e.empty()) return e;
    sqlite3_stmt* st;
    if (sqlite3_prepare_v2(db, "SELECT k, v FROM t ORDER BY k", -1, &st, nullptr) != SQLITE_OK) {
      return SqlErr(db, "prepare");
    }
    int rc;
    while ((rc = Timed(s, [&] { return sqlite3_step(st); })) == SQLITE_ROW) {
      s->bytes += static_cast<uint64_t>(sqlite3_column_bytes(st, 1));
      if (OverTime(s)) break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return SqlErr(db, "scan");
    if (rc == SQLITE_DONE) s->lat_us.pop_back();  // the final SQLITE_DONE step
    sqlite3_close(db);
    AddNote(s, "ops = rows");
    return "";
  }

  std::string SqlLookup(Stats* s) {
    sqlite3* db;
    if (auto e = SqlOpen(&db); !e.empty()) return e;
    sqlite3_stmt* st;
    if (sqlite3_prepare_v2(db, "SELECT v FROM t WHERE k = ?", -1, &st, nullptr) != SQLITE_OK) {
      return SqlErr(db, "prepare");
    }
    std::mt19937_64 rng(10);
    if (sql_rows_ == 0) return "no rows (sqlite_insert did not run)";
    for (size_t i = 0; i < sz_.sql_lookups && !OverTime(s); ++i) {
      auto k = static_cast<sqlite3_int64>(rng() % sql_rows_);
      int rc = Timed(s, [&] {
        sqlite3_bind_int64(st, 1, k);
        int r = sqlite3_step(st);
        sqlite3_reset(st);
        return r;
      });
      if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return SqlErr(db, "lookup");
      }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return "";
  }
#endif

 private:
  static std::string Ms(Clock::time_point t0) {
    auto ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    char b[32];
    std::snprintf(b, sizeof b, "%.1f ms", ms);
    return b;
  }

  std::string root_;
  Sizes sz_;
  std::string local_tmp_;
  std::string tarball_;
  uint64_t tar_bytes_ = 0;
  std::set<std::string> only_;
  bool no_direct_ = false;
  double max_secs_ = 0;
  // What earlier workloads actually made (less than asked under --max-secs).
  size_t files_made_ = 0;
  size_t moved_ = 0;
  size_t dirs_made_ = 0;
  size_t sql_rows_ = 0;
};

double Pct(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(i), v.end());
  return v[i];
}

void Print(const Stats& s, bool csv) {
  double ops_s = s.secs > 0 ? static_cast<double>(s.ops) / s.secs : 0;
  double mib_s = s.secs > 0 ? static_cast<double>(s.bytes) / s.secs / (1 << 20) : 0;
  double mean = 0;
  for (double x : s.lat_us) mean += x;
  if (!s.lat_us.empty()) mean /= static_cast<double>(s.lat_us.size());
  double p50 = Pct(s.lat_us, 0.50), p99 = Pct(s.lat_us, 0.99);
  std::string note = s.error.empty() ? s.note : "FAILED: " + s.error;
  if (csv) {
    std::replace(note.begin(), note.end(), ',', ';');
    std::printf("RESULT,%s,%zu,%.3f,%.1f,%.1f,%.1f,%.1f,%.1f,%s\n", s.name.c_str(), s.ops, s.secs,
                s.error.empty() ? ops_s : 0, mib_s, mean, p50, p99, note.c_str());
  } else {
    std::printf("%-18s %8zu %8.2f %10.1f %8.1f %9.1f %9.1f %9.1f  %s\n", s.name.c_str(), s.ops,
                s.secs, ops_s, mib_s, mean, p50, p99, note.c_str());
  }
  std::fflush(stdout);
}

int RemoveTree(const std::string& p) {
  std::string cmd = "rm -rf '" + p + "'";
  return std::system(cmd.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  bool quick = false, csv = false, no_direct = false;
  double scale = 1, max_secs = 0;
  std::set<std::string> only;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--no-direct") {
      no_direct = true;
    } else if (a == "--csv") {
      csv = true;
    } else if ((a == "--scale" || a == "--max-secs") && i + 1 < argc) {
      char* end = nullptr;
      double v = std::strtod(argv[++i], &end);
      if (end == argv[i] || *end != '\0' || !(v > 0)) {
        std::fprintf(stderr, "bench_dir: %s wants a number > 0, got '%s'\n", a.c_str(), argv[i]);
        return 2;
      }
      (a == "--scale" ? scale : max_secs) = v;
    } else if (a == "--only" && i + 1 < argc) {
      std::string list = argv[++i];
      size_t pos = 0;
      while (pos <= list.size()) {
        size_t c = list.find(',', pos);
        if (c == std::string::npos) c = list.size();
        only.insert(list.substr(pos, c - pos));
        pos = c + 1;
      }
    } else if (!a.empty() && a[0] != '-' && dir.empty()) {
      dir = a;
    } else {
      std::fprintf(stderr,
                   "usage: bench_dir DIR [--quick] [--scale F] [--max-secs S] [--csv] "
                   "[--no-direct] [--only w1,w2,...]\n");
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr,
                 "usage: bench_dir DIR [--quick] [--scale F] [--max-secs S] [--csv] "
                 "[--no-direct] [--only w1,w2,...]\n");
    return 2;
  }
  std::string root = dir + "/bench_dir." + std::to_string(getpid());
  if (mkdir(root.c_str(), 0755) != 0) {
    std::fprintf(stderr, "mkdir %s: %s\n", root.c_str(), std::strerror(errno));
    return 1;
  }
  // The tarball is built outside DIR so only the extraction is measured.
  const char* tmpdir = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmpdir ? tmpdir : "/tmp") + "/bench_dir_src.XXXXXX";
  std::vector<char> tbuf(tmpl.begin(), tmpl.end());
  tbuf.push_back('\0');
  if (mkdtemp(tbuf.data()) == nullptr) {
    std::fprintf(stderr, "mkdtemp: %s\n", std::strerror(errno));
    return 1;
  }
  std::string local_tmp = tbuf.data();

  Bench b(root, Scaled(quick ? kQuick : kFull, scale), local_tmp);
  b.SetOnly(only);
  b.SetNoDirect(no_direct);
  b.SetMaxSecs(max_secs);
  if (!csv) {
    std::printf("%-18s %8s %8s %10s %8s %9s %9s %9s  %s\n", "workload", "ops", "secs", "ops/s",
                "MiB/s", "mean_us", "p50_us", "p99_us", "note");
  }
  std::vector<Stats> res;
  auto run = [&](const char* name, std::string (Bench::*fn)(Stats*)) {
    b.Run(
        name, [&](Stats* s) { return (b.*fn)(s); }, &res);
    if (!res.empty() && res.back().name == name) Print(res.back(), csv);
  };
  run("seq_write_1m", &Bench::SeqWrite);
  run("rand_write_4k", &Bench::RandOverwrite);
  run("rand_read_4k", &Bench::RandRead);
  run("append_4k", &Bench::Append);
  run("create_file", &Bench::CreateFiles);
  run("mkdir", &Bench::Mkdirs);
  run("stat", &Bench::StatFiles);
  run("chmod", &Bench::ChmodFiles);
  run("utimes", &Bench::UtimesFiles);
  run("rename", &Bench::RenameFiles);
  run("unlink", &Bench::UnlinkFiles);
  run("rmdir", &Bench::Rmdirs);
  run("tar_extract", &Bench::TarExtract);
  run("walk", &Bench::Walk);
#ifdef ZFS_BENCH_SQLITE
  run("sqlite_insert", &Bench::SqlInsert);
  run("sqlite_scan", &Bench::SqlScan);
  run("sqlite_lookup", &Bench::SqlLookup);
#endif
  RemoveTree(local_tmp);
  RemoveTree(root);
  int failed = 0;
  for (const auto& s : res) failed += s.error.empty() ? 0 : 1;
  return failed == 0 ? 0 : 1;
}
