// For tests only: a FileSystem on a real engine over a LocalStore in a
// temporary directory, with helpers to reopen cleanly or after a "crash".
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/engine.h"
#include "fs/filesystem.h"
#include "fs/fsck_tree.h"
#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::fs {

// errno of a failed Result/Status, 0 when it succeeded.
template <typename R>
int Errno(const R& r) {
  return r.ok() ? 0 : r.error().sys_errno();
}

class FsTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override {
    if (fs_) {
      auto report = CheckConsistency(engine_.get());
      ASSERT_TRUE(report.ok()) << report.error().ToString();
      EXPECT_TRUE(report->ok()) << report->ToString();
    }
    Close();
  }

  void Open() {
    auto store = objstore::LocalStore::Open(tmp_.path() + "/bucket");
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    engine::EngineOptions o;
    o.store = *store;
    o.password = "fs test";
    o.local_dir = tmp_.path() + "/local" + std::to_string(generation_++);
    o.segment_bytes = 4 << 20;
    o.flush_interval = std::chrono::milliseconds(0);
    o.snapshot_interval = std::chrono::milliseconds(0);
    o.memory_cache_bytes = 16 << 20;
    o.kdf = crypto::KdfParams::Interactive();
    o.test_skip_close_on_destroy = true;
    auto e = engine::Engine::Open(std::move(o));
    ASSERT_TRUE(e.ok()) << e.error().ToString();
    engine_ = std::move(e).value();
    auto fs = FileSystem::Open(engine_.get(), options_);
    ASSERT_TRUE(fs.ok()) << fs.error().ToString();
    fs_ = std::move(fs).value();
  }

  void Close() {
    fs_.reset();
    if (engine_) {
      EXPECT_TRUE(engine_->Close().ok());
    }
    engine_.reset();
  }

  // Drops the filesystem and engine without Close: only flushed state survives.
  void Crash() {
    fs_.reset();
    engine_.reset();
  }

  void Reopen() {
    Close();
    Open();
  }

  // Shorthands that assert success.
  Attr MkdirOk(InodeId dir, const std::string& name, uint32_t mode = 0755,
               const Cred& cred = Cred::Root()) {
    auto r = fs_->Mkdir(cred, dir, name, mode);
    EXPECT_TRUE(r.ok()) << name << ": " << r.error().ToString();
    return r.ok() ? *r : Attr{};
  }
  Attr CreateOk(InodeId dir, const std::string& name, uint32_t mode = 0644,
                const Cred& cred = Cred::Root()) {
    auto r = fs_->Create(cred, dir, name, mode, true);
    EXPECT_TRUE(r.ok()) << name << ": " << r.error().ToString();
    return r.ok() ? r->attr : Attr{};
  }
  Attr WriteOk(InodeId ino, uint64_t off, const std::string& data) {
    auto r = fs_->Write(Cred::Root(), ino, off, data);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : Attr{};
  }
  std::string ReadAll(InodeId ino) {
    auto r = fs_->Read(Cred::Root(), ino, 0, 1ull << 30);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r->data : "<error>";
  }
  Attr AttrOf(InodeId ino) {
    auto r = fs_->GetAttr(ino);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : Attr{};
  }

  static SetAttrRequest Mode(uint32_t mode) {
    SetAttrRequest r;
    r.mode = mode;
    return r;
  }
  static SetAttrRequest Size(uint64_t size) {
    SetAttrRequest r;
    r.size = size;
    return r;
  }
  static SetAttrRequest Gid(uint32_t gid) {
    SetAttrRequest r;
    r.gid = gid;
    return r;
  }

  static Cred User(uint32_t uid, uint32_t gid, std::vector<uint32_t> groups = {}) {
    return Cred{uid, gid, std::move(groups)};
  }

  objstore::TestTempDir tmp_;
  FsOptions options_;
  int generation_ = 0;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<FileSystem> fs_;
};

}  // namespace zerofs::fs
