// zerofs-crash-test: kills a writer with SIGKILL at random moments (during
// writes, uploads, snapshots and recovery itself), restarts, and checks that
// every write acknowledged by a completed fsync reads back intact and that
// the directory tree is consistent.
//
// The child (--child) runs a workload on the filesystem core: it writes whole
// file versions to a temp name and renames them into place, overwrites the
// 8 KiB files p/f0..f3 in place (writes smaller than an extent: they wait in
// the fs write buffer until an fsync or a write-back), and records
//   intent.log: "name version op" before each change (version 0 = deleted;
//               op is unique per change, so repeated deletions of one name
//               stay distinguishable),
//   ack.log:    "name version op" for every name whose latest change was
//               covered by a completed Fsync (written after Fsync returns).
// After the kill the parent reopens the store and checks, for each name,
// that its state is the acknowledged one or a later attempted one, that the
// bytes are exactly that version's, and runs the tree consistency check.
//
// Usage: zerofs-crash-test [--iterations N] [--seed S] [--dir DIR]
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crypto/key_file.h"
#include "engine/engine.h"
#include "engine/fsck.h"
#include "fs/filesystem.h"
#include "fs/fsck_tree.h"
#include "objstore/local_store.h"

namespace zerofs {
namespace {

using fs::Cred;
using fs::FileSystem;
using fs::kRootInode;

constexpr int kDirs = 2;
constexpr int kFilesPerDir = 8;
// Files in directory "p", overwritten in place (whole 8 KiB content).
constexpr int kInPlaceFiles = 4;
constexpr size_t kInPlaceBytes = 8192;

bool IsInPlace(const std::string& name) { return name.rfind("p/", 0) == 0; }

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "crash-test: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.error().ToString());
  return std::move(r).value();
}
void Check(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.error().ToString());
}

// Deterministic content of `name` at `version`: an 8-byte version header,
// then pseudo-random bytes; sizes span holes, partial and multiple extents
// (in-place files: always kInPlaceBytes, so a version replaces all of it).
std::string Content(const std::string& name, uint64_t version) {
  std::mt19937_64 rng(version * 1000003 + std::hash<std::string>{}(name));
  size_t size = IsInPlace(name) ? kInPlaceBytes : 8 + rng() % (150 * 1024);
  std::string s(size, '\0');
  std::memcpy(s.data(), &version, 8);
  for (size_t i = 8; i < size; i += 8) {
    uint64_t v = rng();
    std::memcpy(s.data() + i, &v, std::min<size_t>(8, size - i));
  }
  if (size > 70000 && version % 3 == 0) {
    std::fill(s.begin() + 33000, s.begin() + 66000, '\0');  // a whole-extent hole
  }
  return s;
}

struct Stack {
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<FileSystem> fs;
};

Stack OpenStack(const std::string& dir, bool fast_timers) {
  auto store = Check(objstore::LocalStore::Open(dir + "/store"), "open store");
  engine::EngineOptions o;
  o.store = store;
  o.password = "crash-test";
  o.local_dir = dir + "/index";
  o.segment_bytes = 256 * 1024;  // many segments, many uploads
  o.flush_interval = std::chrono::milliseconds(fast_timers ? 150 : 0);
  o.snapshot_interval = std::chrono::milliseconds(fast_timers ? 600 : 0);
  o.kdf = crypto::KdfParams::Interactive();
  // GC runs (and is killed) constantly during the workload.
  o.gc_enabled = fast_timers;
  o.gc_interval = std::chrono::milliseconds(250);
  o.gc_dead_ratio = 0.3;
  o.gc_reader_grace = std::chrono::milliseconds(0);
  Stack s;
  s.engine = Check(engine::Engine::Open(std::move(o)), "open engine");
  s.fs = Check(FileSystem::Open(s.engine.get(), fs::FsOptions{}), "open filesystem");
  return s;
}

fs::InodeId EnsureDir(FileSystem* fs, const std::string& name) {
  auto a = fs->Lookup(Cred::Root(), kRootInode, name);
  if (a.ok()) return a->ino;
  auto m = fs->Mkdir(Cred::Root(), kRootInode, name, 0755);
  if (m.ok()) return m->ino;
  return Check(fs->Lookup(Cred::Root(), kRootInode, name), "lookup " + name).ino;
}

void AppendLine(int fd, const std::string& line, bool sync) {
  std::string l = line + "\n";
  if (::write(fd, l.data(), l.size()) != static_cast<ssize_t>(l.size())) Die("log write failed");
  if (sync && ::fdatasync(fd) != 0) Die("log fdatasync failed");
}

// The workload. Runs until killed.
int ChildMain(const std::string& dir, uint64_t iteration) {
  Stack s = OpenStack(dir, /*fast_timers=*/true);
  FileSystem* fs = s.fs.get();
  int intent = ::open((dir + "/intent.log").c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
  int ack = ::open((dir + "/ack.log").c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (intent < 0 || ack < 0) Die("cannot open logs");
  fs::InodeId dirs[kDirs];
  for (int d = 0; d < kDirs; d++) dirs[d] = EnsureDir(fs, "d" + std::to_string(d));
  const fs::InodeId pdir = EnsureDir(fs, "p");
  fs::InodeId in_place[kInPlaceFiles];
  for (int k = 0; k < kInPlaceFiles; k++) {
    const std::string base = "f" + std::to_string(k);
    auto f = fs->Lookup(Cred::Root(), pdir, base);
    in_place[k] =
        f.ok()
            ? f->ino
            : Check(fs->Create(Cred::Root(), pdir, base, 0644, true), "create p/" + base).attr.ino;
  }
  std::printf("ready\n");
  std::fflush(stdout);

  std::mt19937_64 rng(iteration * 7919 + 17);
  std::map<std::string, std::pair<uint64_t, uint64_t>> unacked;  // name -> (version, op)
  for (uint64_t seq = 1;; seq++) {
    const int d = static_cast<int>(rng() % kDirs);
    const std::string base = "f" + std::to_string(rng() % kFilesPerDir);
    const std::string name = "d" + std::to_string(d) + "/" + base;
    const uint64_t version = iteration * 1000000 + seq;
    const std::string op = " " + std::to_string(version);
    const uint64_t kind = rng() % 10;
    if (kind >= 7) {
      const int k = static_cast<int>(rng() % kInPlaceFiles);
      const std::string p = "p/f" + std::to_string(k);
      AppendLine(intent, p + " " + std::to_string(version) + op, false);
      Check(fs->Write(Cred::Root(), in_place[k], 0, Content(p, version)), "write " + p);
      unacked[p] = {version, version};
    } else if (kind == 0) {
      AppendLine(intent, name + " 0" + op, false);
      Status st = fs->Unlink(Cred::Root(), dirs[d], base);
      if (!st.ok() && st.error().sys_errno() != ENOENT) Die("unlink: " + st.error().ToString());
      unacked[name] = {0, version};
    } else {
      AppendLine(intent, name + " " + std::to_string(version) + op, false);
      const std::string tmp = "t-" + base + "-" + std::to_string(version);
      auto c = Check(fs->Create(Cred::Root(), dirs[d], tmp, 0644, true), "create " + tmp);
      Check(fs->Write(Cred::Root(), c.attr.ino, 0, Content(name, version)), "write " + tmp);
      Check(fs->Rename(Cred::Root(), dirs[d], tmp, dirs[d], base), "rename " + tmp);
      unacked[name] = {version, version};
    }
    if (rng() % 4 == 0) {
      Check(fs->Fsync(kRootInode), "fsync");
      for (const auto& [n, vo] : unacked) {
        AppendLine(ack, n + " " + std::to_string(vo.first) + " " + std::to_string(vo.second),
                   false);
      }
      if (::fdatasync(ack) != 0) Die("ack fdatasync");
      unacked.clear();
    }
  }
}

struct LogEntry {
  std::string name;
  uint64_t version;  // 0 = deleted
  uint64_t op;       // unique per change
};

std::vector<LogEntry> ReadLog(const std::string& path) {
  std::vector<LogEntry> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    LogEntry e;
    if (ls >> e.name >> e.version >> e.op) out.push_back(e);  // a torn last line is skipped
  }
  return out;
}

// Checks the store after a kill; returns the number of names verified.
size_t Verify(const std::string& dir) {
  auto intents = ReadLog(dir + "/intent.log");
  auto acks = ReadLog(dir + "/ack.log");
  std::map<std::string, LogEntry> acked;
  for (const auto& e : acks) acked[e.name] = e;
  // Allowed states per name: the acked one and every state attempted after
  // it. The acked change is found by its op, not its version: a name deleted
  // twice has two changes with version 0, and after an acknowledged first
  // deletion, a later unacknowledged write may survive the kill while the
  // second deletion does not.
  std::map<std::string, std::set<uint64_t>> allowed;
  std::map<std::string, std::vector<LogEntry>> history;
  for (const auto& e : intents) history[e.name].push_back(e);
  for (auto& [n, h] : history) {
    auto& set = allowed[n];
    auto it = acked.find(n);
    size_t from = 0;
    if (it == acked.end()) {
      set.insert(0);  // never acknowledged: absent is fine
    } else {
      set.insert(it->second.version);
      bool seen = false;
      for (size_t i = 0; i < h.size(); i++) {
        if (h[i].op == it->second.op) {
          from = i;
          seen = true;
        }
      }
      if (!seen) Die(n + ": acknowledged op " + std::to_string(it->second.op) + " has no intent");
    }
    for (size_t i = from; i < h.size(); i++) set.insert(h[i].version);
  }

  Stack s = OpenStack(dir, /*fast_timers=*/false);
  FileSystem* fs = s.fs.get();
  for (const auto& [name, set] : allowed) {
    const std::string d = name.substr(0, name.find('/'));
    const std::string base = name.substr(name.find('/') + 1);
    auto dattr = fs->Lookup(Cred::Root(), kRootInode, d);
    uint64_t found = 0;
    std::string data;
    if (dattr.ok()) {
      auto f = fs->Lookup(Cred::Root(), dattr->ino, base);
      if (f.ok()) {
        data = Check(fs->Read(Cred::Root(), f->ino, 0, f->size + 1), "read " + name).data;
        // An in-place file exists, empty, before its first write; one whose
        // first write was lost reads as zeros (its size was committed).
        if (!(IsInPlace(name) && data.empty())) {
          if (data.size() < 8) Die(name + ": " + std::to_string(data.size()) + " bytes, no header");
          std::memcpy(&found, data.data(), 8);
        }
      } else if (f.error().sys_errno() != ENOENT) {
        Die("lookup " + name + ": " + f.error().ToString());
      }
    }
    if (!set.count(found)) {
      Die(name + ": found version " + std::to_string(found) + ", acknowledged " +
          (acked.count(name) ? std::to_string(acked[name].version) : std::string("none")));
    }
    if (found != 0 && data != Content(name, found)) {
      Die(name + ": version " + std::to_string(found) + " has wrong bytes");
    }
  }
  // Remove temp files left by the kill, then check the whole tree.
  for (int d = 0; d < kDirs; d++) {
    auto dattr = fs->Lookup(Cred::Root(), kRootInode, "d" + std::to_string(d));
    if (!dattr.ok()) continue;
    uint64_t cookie = 0;
    std::vector<std::string> temps;
    for (;;) {
      auto page = Check(fs->ReadDir(Cred::Root(), dattr->ino, cookie), "readdir");
      for (const auto& e : page.entries) {
        if (e.name.rfind("t-", 0) == 0) temps.push_back(e.name);
        cookie = e.cookie;
      }
      if (page.eof || page.entries.empty()) break;
    }
    for (const auto& t : temps) Check(fs->Unlink(Cred::Root(), dattr->ino, t), "unlink " + t);
  }
  auto report = Check(fs::CheckConsistency(s.engine.get()), "consistency check");
  if (!report.ok()) Die("tree inconsistent: " + report.ToString());
  auto store = Check(engine::CheckStore(s.engine.get(), nullptr), "store check");
  if (!store.ok()) Die("store check: " + store.problems[0]);
  std::printf("crash-test: store check clean: %llu segment objects, %llu frames verified\n",
              static_cast<unsigned long long>(store.segments),
              static_cast<unsigned long long>(store.frames_verified));
  Check(s.engine->Close(), "close");
  return allowed.size();
}

int ParentMain(const std::string& self, const std::string& dir, int iterations, uint64_t seed) {
  std::mt19937_64 rng(seed);
  int during_open = 0;
  for (int it = 1; it <= iterations; it++) {
    int pipefd[2];
    if (::pipe(pipefd) != 0) Die("pipe");
    pid_t pid = ::fork();
    if (pid < 0) Die("fork");
    if (pid == 0) {
      ::dup2(pipefd[1], STDOUT_FILENO);
      ::close(pipefd[0]);
      ::close(pipefd[1]);
      std::string iter = std::to_string(it);
      ::execl(self.c_str(), self.c_str(), "--child", dir.c_str(), iter.c_str(), nullptr);
      std::_Exit(127);
    }
    ::close(pipefd[1]);
    // One kill in eight lands during open/recovery; the rest during the workload.
    const bool early = rng() % 8 == 0;
    if (!early) {
      char c;
      while (::read(pipefd[0], &c, 1) == 1 && c != '\n') {
      }
    } else {
      during_open++;
    }
    const int delay_ms =
        early ? static_cast<int>(rng() % 400) : 50 + static_cast<int>(rng() % 1500);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(pipefd[0]);
    if (WIFEXITED(status)) {
      Die("workload exited by itself with status " + std::to_string(WEXITSTATUS(status)));
    }
    size_t names = Verify(dir);
    std::printf("crash-test: iteration %d/%d: killed after %d ms%s, %zu names verified\n", it,
                iterations, delay_ms, early ? " (during open)" : "", names);
    std::fflush(stdout);
  }
  auto acks = ReadLog(dir + "/ack.log");
  std::printf(
      "crash-test: %d passed, 0 failed (%zu acknowledged changes checked, %d kills during open)\n",
      iterations, acks.size(), during_open);
  return 0;
}

}  // namespace
}  // namespace zerofs

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--child") {
    return zerofs::ChildMain(argv[2], std::strtoull(argv[3], nullptr, 10));
  }
  int iterations = 50;
  uint64_t seed = static_cast<uint64_t>(time(nullptr));
  std::string dir;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--iterations" && i + 1 < argc) {
      iterations = std::atoi(argv[++i]);
    } else if (a == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: zerofs-crash-test [--iterations N] [--seed S] [--dir DIR]\n");
      return 2;
    }
  }
  bool own_dir = dir.empty();
  if (own_dir) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "zerofs-crash-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) zerofs::Die("mkdtemp");
    dir = tmpl;
  }
  std::printf("crash-test: dir %s, seed %llu, %d iterations\n", dir.c_str(),
              static_cast<unsigned long long>(seed), iterations);
  int rc = zerofs::ParentMain("/proc/self/exe", dir, iterations, seed);
  if (own_dir && rc == 0) std::filesystem::remove_all(dir);
  return rc;
}
