// Tamper: flip one byte of any object in the store; opening the store either
// fails with a clear integrity error, or every read returns the right bytes
// or fails with EIO. Wrong bytes are never returned.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "crypto/key_file.h"
#include "objstore/local_store.h"
#include "test_env.h"

namespace zerofs {
namespace {

using fs::Cred;
using fs::kRootInode;

std::string Content(int i) {
  std::mt19937_64 rng(i);
  std::string s(5000 + (i * 37813) % 150000, '\0');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 16);  // compressible, distinct
  return s;
}

struct Stack {
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<fs::FileSystem> fs;
};

Result<Stack> OpenCopy(const std::string& store_dir, const std::string& index_dir) {
  ZFS_ASSIGN_OR_RETURN(auto store, objstore::LocalStore::Open(store_dir));
  engine::EngineOptions eo;
  eo.store = store;
  eo.password = "test-password";
  eo.local_dir = index_dir;
  eo.flush_interval = std::chrono::milliseconds(0);
  eo.snapshot_interval = std::chrono::milliseconds(0);
  eo.kdf = crypto::KdfParams::Interactive();
  eo.read_only = true;  // also proves a reader never needs to write
  Stack s;
  ZFS_ASSIGN_OR_RETURN(s.engine, engine::Engine::Open(std::move(eo)));
  fs::FsOptions fo;
  fo.read_only = true;
  ZFS_ASSIGN_OR_RETURN(s.fs, fs::FileSystem::Open(s.engine.get(), fo));
  return s;
}

TEST(TamperTest, FlippedByteNeverYieldsWrongBytes) {
  auto env = testing::TestEnv::Create();
  fs::FileSystem* fs = env->fs();
  // Half the files are covered by a snapshot, half only by journal segments.
  std::map<std::string, std::string> files;
  for (int i = 0; i < 24; i++) {
    if (i == 12) env->Restart(/*clean=*/true), fs = env->fs();
    const std::string name = "f" + std::to_string(i);
    auto f = fs->Create(Cred::Root(), kRootInode, name, 0644, true);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(fs->Write(Cred::Root(), f->attr.ino, 0, Content(i)).ok());
    files[name] = Content(i);
  }
  ASSERT_TRUE(fs->Fsync(kRootInode).ok());
  env->Restart(/*clean=*/false);  // a crash: the last segments must be replayed

  auto objects = env->store()->ListAll("");
  ASSERT_TRUE(objects.ok());
  ASSERT_GT(objects->size(), 5u);
  std::mt19937_64 rng(42);
  int open_refused = 0, reads_failed = 0, reads_ok = 0;
  for (const auto& obj : *objects) {
    if (obj.size == 0) continue;
    SCOPED_TRACE(obj.key);
    const std::string copy = env->dir() + "/copy";
    std::filesystem::remove_all(copy);
    std::filesystem::create_directories(copy);
    std::filesystem::copy(env->store_dir(), copy + "/store",
                          std::filesystem::copy_options::recursive);
    {
      std::fstream f(copy + "/store/" + obj.key, std::ios::in | std::ios::out | std::ios::binary);
      const auto pos = static_cast<std::streamoff>(rng() % obj.size);
      f.seekg(pos);
      char c = 0;
      f.read(&c, 1);
      c = static_cast<char>(c ^ (1 << (rng() % 8)));
      f.seekp(pos);
      f.write(&c, 1);
    }
    auto stack = OpenCopy(copy + "/store", copy + "/index");
    if (!stack.ok()) {
      // Refusing to open is a correct answer; it must say why.
      EXPECT_FALSE(stack.error().context().empty());
      open_refused++;
      continue;
    }
    for (const auto& [name, want] : files) {
      auto attr = stack->fs->Lookup(Cred::Root(), kRootInode, name);
      if (!attr.ok()) {
        EXPECT_EQ(attr.error().sys_errno(), EIO) << name << ": " << attr.error().ToString();
        reads_failed++;
        continue;
      }
      auto got = stack->fs->Read(Cred::Root(), attr->ino, 0, want.size() + 1);
      if (!got.ok()) {
        EXPECT_EQ(got.error().sys_errno(), EIO) << name << ": " << got.error().ToString();
        reads_failed++;
        continue;
      }
      ASSERT_EQ(got->data.size(), want.size()) << name << " has the wrong size";
      ASSERT_TRUE(got->data == want) << name << " returned wrong bytes";
      reads_ok++;
    }
  }
  std::printf("tamper: %zu objects, %d refused to open, %d reads failed with EIO, %d reads ok\n",
              objects->size(), open_refused, reads_failed, reads_ok);
  // Flips in frames must have been caught somewhere: the check is not vacuous.
  EXPECT_GT(reads_failed + open_refused, 0);
}

}  // namespace
}  // namespace zerofs
