// Many threads creating, linking, renaming, unlinking and writing in shared
// directories; the tree must be consistent afterwards, every time.
#include <atomic>
#include <random>
#include <thread>

#include "fs/fs_test_util.h"

namespace zerofs::fs {
namespace {

TEST_F(FsTest, ConcurrentNamespaceAndDataOpsKeepTheTreeConsistent) {
  Cred r = Cred::Root();
  const int kDirs = 4;
  std::vector<InodeId> dirs;
  for (int i = 0; i < kDirs; i++) dirs.push_back(MkdirOk(kRootInode, "d" + std::to_string(i)).ino);
  const int kThreads = 8;
  const int kOps = 400;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t * 7919 + 1);
      auto name = [&] { return "n" + std::to_string(rng() % 24); };
      auto dir = [&] { return dirs[rng() % kDirs]; };
      for (int i = 0; i < kOps; i++) {
        Status st = OkStatus();
        switch (rng() % 9) {
          case 0:
          case 1: {
            auto c = fs_->Create(r, dir(), name(), 0644, rng() % 2);
            if (!c.ok()) st = c.error();
            break;
          }
          case 2: {
            auto c = fs_->Mkdir(r, dir(), name(), 0755);
            if (!c.ok()) st = c.error();
            break;
          }
          case 3:
            st = fs_->Rename(r, dir(), name(), dir(), name());
            break;
          case 4: {
            auto l = fs_->Lookup(r, dir(), name());
            if (l.ok()) {
              auto k = fs_->Link(r, l->ino, dir(), name());
              if (!k.ok()) st = k.error();
            }
            break;
          }
          case 5:
            st = fs_->Unlink(r, dir(), name());
            break;
          case 6:
            st = fs_->Rmdir(r, dir(), name());
            break;
          case 7:
          case 8: {
            auto l = fs_->Lookup(r, dir(), name());
            if (l.ok() && l->type == FileType::kRegular) {
              bool open = fs_->Open(r, l->ino, kAccessWrite).ok();
              auto w = fs_->Write(r, l->ino, rng() % 100000, std::string(1 + rng() % 40000, 'w'));
              if (!w.ok()) st = w.error();
              if (open) fs_->Release(l->ino).Ignore();
            }
            break;
          }
        }
        // Expected races answer with these; anything else is a bug.
        if (!st.ok()) {
          int e = st.error().sys_errno();
          if (e != EEXIST && e != ENOENT && e != ENOTEMPTY && e != EISDIR && e != ENOTDIR &&
              e != EPERM && e != ESTALE && e != EINVAL) {
            ADD_FAILURE() << st.error().ToString();
            failures++;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(fs_->OpenInodeCount(), 0u);
  auto report = CheckConsistency(engine_.get());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->ToString();
  EXPECT_EQ(report->orphans, 0u);
  EXPECT_EQ(report->inodes, fs_->StatFs()->used_inodes);
  // And after a clean reopen.
  Reopen();
  report = CheckConsistency(engine_.get());
  EXPECT_TRUE(report->ok()) << report->ToString();
}

TEST_F(FsTest, AttributesSeenDuringChangesAreNeverOlderThanAnEarlierSeenOne) {
  // Inode records are cached (inode_cache.h): a Load racing a commit must
  // never leave the older record behind. The size only grows here, so a
  // reader that ever sees it shrink saw a stale record.
  const InodeId ino = CreateOk(kRootInode, "f").ino;
  constexpr uint64_t kChanges = 3000;
  std::atomic<bool> done{false};
  std::atomic<int> stale{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; t++) {
    readers.emplace_back([&] {
      uint64_t seen = 0;
      while (!done.load()) {
        auto a = fs_->GetAttr(ino);
        if (!a.ok() || a->size < seen) stale++;
        if (a.ok()) seen = a->size;
      }
    });
  }
  for (uint64_t i = 1; i <= kChanges; i++) {
    SetAttrRequest req;
    req.size = i;
    ASSERT_TRUE(fs_->SetAttr(Cred::Root(), ino, req).ok());
    if (i % 500 == 0) std::this_thread::yield();
  }
  done = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(stale.load(), 0);
  EXPECT_EQ(AttrOf(ino).size, kChanges);
}

}  // namespace
}  // namespace zerofs::fs
