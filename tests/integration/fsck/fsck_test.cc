// zerofs-fsck-test ZEROFS_BINARY: builds stores in-process through the
// filesystem core, then runs `zerofs fsck -c FILE` on them:
//  - healthy store: exit 0, and the bucket (keys, ETags, sizes) unchanged;
//  - next to a running writer: exit 0, nothing written, writer not fenced;
//  - a deleted segment, a flipped byte in a frame, a dangling directory
//    entry: exit 1 with a PROBLEM line naming it.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "crypto/key_file.h"
#include "engine/engine.h"
#include "fs/filesystem.h"
#include "fs/keys.h"
#include "objstore/local_store.h"

namespace zerofs {
namespace {

namespace stdfs = std::filesystem;
using fs::Cred;
using fs::kRootInode;

int failures = 0;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fsck-test: %s\n", what.c_str());
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

void Expect(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) failures++;
}

struct Stack {
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<fs::FileSystem> fs;
};

Stack OpenStack(const std::string& dir, const std::string& local) {
  auto store = Check(objstore::LocalStore::Open(dir + "/bucket"), "open store");
  engine::EngineOptions o;
  o.store = store;
  o.password = "fsck-test";
  o.local_dir = local;
  o.segment_bytes = 512 * 1024;
  o.flush_interval = std::chrono::milliseconds(100);
  o.snapshot_interval = std::chrono::milliseconds(0);
  o.kdf = crypto::KdfParams::Interactive();
  o.gc_enabled = false;
  Stack s;
  s.engine = Check(engine::Engine::Open(std::move(o)), "open engine");
  s.fs = Check(fs::FileSystem::Open(s.engine.get(), fs::FsOptions{}), "open filesystem");
  return s;
}

std::string Random(uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// A store with two directories of files; returns the inode of one file.
fs::InodeId Populate(const std::string& dir) {
  Stack s = OpenStack(dir, dir + "/local");
  fs::InodeId some = 0;
  for (int d = 0; d < 2; d++) {
    auto m = Check(s.fs->Mkdir(Cred::Root(), kRootInode, "d" + std::to_string(d), 0755), "mkdir");
    for (int f = 0; f < 6; f++) {
      auto c =
          Check(s.fs->Create(Cred::Root(), m.ino, "f" + std::to_string(f), 0644, true), "create");
      Check(s.fs->Write(Cred::Root(), c.attr.ino, 0, Random(d * 10 + f, 100000)), "write");
      some = c.attr.ino;
    }
  }
  Check(s.engine->Close(), "close");
  return some;
}

std::string WriteConfig(const std::string& dir) {
  const std::string path = dir + "/zerofs.toml";
  std::ofstream(path) << "[storage]\nurl = \"file://" << dir << "/bucket\"\n"
                      << "encryption_password = \"fsck-test\"\n\n[cache]\ndir = \"" << dir
                      << "/cache\"\n";
  return path;
}

struct Run {
  int exit_code = -1;
  std::string output;
};

Run Fsck(const std::string& zerofs, const std::string& dir) {
  const std::string cmd = zerofs + " fsck -c " + WriteConfig(dir) + " 2>&1";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) Die("popen");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::string> BucketState(const std::string& dir) {
  auto store = Check(objstore::LocalStore::Open(dir + "/bucket"), "open store");
  std::vector<std::string> state;
  for (const auto& o : Check(store->ListAll(""), "list")) {
    state.push_back(o.key + "@" + o.etag + "#" + std::to_string(o.size));
  }
  return state;
}

std::string BiggestSegment(const std::string& dir) {
  auto store = Check(objstore::LocalStore::Open(dir + "/bucket"), "open store");
  std::string key;
  uint64_t biggest = 0;
  for (const auto& o : Check(store->ListAll("segments/"), "list")) {
    if (o.size > biggest) {
      biggest = o.size;
      key = o.key;
    }
  }
  return key;
}

bool Has(const Run& r, const std::string& text) { return r.output.find(text) != std::string::npos; }

void Show(const Run& r) { std::printf("%s", r.output.c_str()); }

}  // namespace
}  // namespace zerofs

int main(int argc, char** argv) {
  using namespace zerofs;
  if (argc != 2) Die("usage: zerofs-fsck-test ZEROFS_BINARY");
  const std::string zerofs = argv[1];
  char tmpl[] = "/tmp/zerofs-fsck-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) Die("mkdtemp");
  const std::string root = tmpl;

  {  // Healthy, read-only.
    const std::string dir = root + "/healthy";
    Populate(dir);
    const auto before = BucketState(dir);
    Run r = Fsck(zerofs, dir);
    Show(r);
    Expect(r.exit_code == 0 && Has(r, "store is consistent"), "healthy store passes");
    Expect(BucketState(dir) == before, "fsck leaves the bucket unchanged");

    // Next to a running writer that keeps writing.
    Stack writer = OpenStack(dir, dir + "/local");
    auto c = Check(writer.fs->Create(Cred::Root(), kRootInode, "live", 0644, true), "create");
    Check(writer.fs->Write(Cred::Root(), c.attr.ino, 0, Random(99, 300000)), "write");
    Check(writer.fs->Fsync(c.attr.ino), "fsync");
    Run during = Fsck(zerofs, dir);
    Show(during);
    Expect(during.exit_code == 0, "fsck passes while a writer runs");
    Check(writer.fs->Write(Cred::Root(), c.attr.ino, 0, Random(100, 300000)), "write after");
    Check(writer.fs->Fsync(c.attr.ino), "fsync after");
    Expect(!writer.engine->Stats().fenced, "the writer is not fenced by fsck");
    Check(writer.engine->Close(), "close writer");
  }
  {  // A deleted segment.
    const std::string dir = root + "/deleted";
    Populate(dir);
    stdfs::remove(dir + "/bucket/" + BiggestSegment(dir));
    Run r = Fsck(zerofs, dir);
    Show(r);
    Expect(r.exit_code == 1 && Has(r, "PROBLEM") && Has(r, "missing"), "deleted segment found");
  }
  {  // A flipped byte inside a frame.
    const std::string dir = root + "/flipped";
    Populate(dir);
    std::fstream f(dir + "/bucket/" + BiggestSegment(dir),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(20000);
    char b;
    f.read(&b, 1);
    b ^= 0x04;
    f.seekp(20000);
    f.write(&b, 1);
    f.close();
    Run r = Fsck(zerofs, dir);
    Show(r);
    Expect(r.exit_code == 1 && Has(r, "authentication"), "flipped byte found");
  }
  {  // A directory entry whose inode is gone.
    const std::string dir = root + "/dangling";
    const fs::InodeId ino = Populate(dir);
    {
      Stack s = OpenStack(dir, dir + "/local");
      engine::Transaction t;
      t.Delete(fs::keys::Inode(ino));
      Check(s.engine->Commit(std::move(t)), "remove inode record");
      Check(s.engine->Close(), "close");
    }
    Run r = Fsck(zerofs, dir);
    Show(r);
    Expect(r.exit_code == 1 && Has(r, "PROBLEM"), "dangling directory entry found");
  }
  std::error_code ec;
  stdfs::remove_all(root, ec);
  std::printf("fsck-test: %s\n", failures == 0 ? "all passed" : "FAILED");
  return failures == 0 ? 0 : 1;
}
