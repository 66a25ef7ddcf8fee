// Open references and orphans, including after a crash.
#include "fs/fs_test_util.h"
#include "fs/keys.h"
#include "fs/reaper.h"

namespace zerofs::fs {
namespace {

TEST_F(FsTest, UnlinkedOpenFileLivesUntilLastRelease) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 0, "payload");
  ASSERT_TRUE(fs_->Open(r, f.ino, kAccessRead).ok());
  ASSERT_TRUE(fs_->Open(r, f.ino, kAccessRead | kAccessWrite).ok());
  ASSERT_TRUE(fs_->Unlink(r, kRootInode, "f").ok());
  EXPECT_EQ(Errno(fs_->Lookup(r, kRootInode, "f")), ENOENT);
  EXPECT_EQ(AttrOf(f.ino).nlink, 0u);
  EXPECT_EQ(ReadAll(f.ino), "payload");
  WriteOk(f.ino, 7, "+more");
  EXPECT_EQ(Errno(fs_->Link(r, f.ino, kRootInode, "back")), ENOENT);
  EXPECT_EQ(fs_->StatFs()->used_inodes, 2u);
  ASSERT_TRUE(fs_->Release(f.ino).ok());
  EXPECT_EQ(ReadAll(f.ino), "payload+more");
  ASSERT_TRUE(fs_->Release(f.ino).ok());
  EXPECT_EQ(Errno(fs_->GetAttr(f.ino)), ESTALE);
  EXPECT_EQ(fs_->StatFs()->used_inodes, 1u);
  EXPECT_EQ(fs_->OpenInodeCount(), 0u);
  EXPECT_FALSE(engine_->Get(keys::Orphan(f.ino))->has_value());
}

TEST_F(FsTest, OpenDirectoryRemovedStaysUntilRelease) {
  Cred r = Cred::Root();
  Attr d = MkdirOk(kRootInode, "d");
  ASSERT_TRUE(fs_->Open(r, d.ino, kAccessRead).ok());
  ASSERT_TRUE(fs_->Rmdir(r, kRootInode, "d").ok());
  EXPECT_EQ(AttrOf(d.ino).nlink, 0u);
  // A removed directory takes no new entries.
  EXPECT_EQ(Errno(fs_->Create(r, d.ino, "x", 0644, true)), ENOENT);
  ASSERT_TRUE(fs_->Release(d.ino).ok());
  EXPECT_EQ(Errno(fs_->GetAttr(d.ino)), ESTALE);
}

TEST_F(FsTest, CrashSweepsOrphans) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 0, std::string(100000, 'z'));
  Attr keep = CreateOk(kRootInode, "keep");
  ASSERT_TRUE(fs_->Open(r, f.ino, kAccessRead).ok());
  ASSERT_TRUE(fs_->Open(r, keep.ino, kAccessRead).ok());
  ASSERT_TRUE(fs_->Unlink(r, kRootInode, "f").ok());
  ASSERT_TRUE(fs_->Flush().ok());
  EXPECT_TRUE(engine_->Get(keys::Orphan(f.ino))->has_value());
  Crash();  // the last Release never happens
  Open();
  EXPECT_EQ(Errno(fs_->GetAttr(f.ino)), ESTALE);
  EXPECT_FALSE(engine_->Get(keys::Orphan(f.ino))->has_value());
  EXPECT_EQ(AttrOf(keep.ino).nlink, 1u);
  EXPECT_EQ(fs_->StatFs()->used_inodes, 2u);
  EXPECT_EQ(fs_->StatFs()->used_bytes, 0u);
}

class LargeFileTest : public FsTest {
 protected:
  // A sparse file with `extents` stored extents spread over a large size,
  // enough for several reaper chunks (Reaper::kExtentsPerCommit).
  Attr CreateLargeFile(uint64_t extents) {
    Attr f = CreateOk(kRootInode, "big");
    for (uint64_t i = 0; i < extents; i++) {
      WriteOk(f.ino, i * 512 * 1024, std::string(4096, static_cast<char>('a' + i % 26)));
    }
    // Small writes wait in the write buffer: the reaper frees stored extents.
    EXPECT_TRUE(fs_->Flush().ok());
    return f;
  }
};

TEST_F(LargeFileTest, LargeUnlinkIsFreedInBackground) {
  const uint64_t extents = 2 * Reaper::kExtentsPerCommit + 300;
  Attr f = CreateLargeFile(extents);
  EXPECT_GT(*engine_->StoredBytes(f.ino), 0u);
  EXPECT_EQ(fs_->StatFs()->used_inodes, 2u);
  ASSERT_TRUE(fs_->Unlink(Cred::Root(), kRootInode, "big").ok());
  EXPECT_EQ(Errno(fs_->Lookup(Cred::Root(), kRootInode, "big")), ENOENT);
  fs_->WaitForBackgroundFrees();
  EXPECT_EQ(Errno(fs_->GetAttr(f.ino)), ESTALE);
  EXPECT_FALSE(engine_->Get(keys::Orphan(f.ino))->has_value());
  EXPECT_EQ(*engine_->StoredBytes(f.ino), 0u);
  EXPECT_EQ(fs_->StatFs()->used_inodes, 1u);
  EXPECT_EQ(fs_->StatFs()->used_bytes, 0u);
}

TEST_F(LargeFileTest, LargeOrphanIsFreedAfterCrash) {
  Attr f = CreateLargeFile(Reaper::kExtentsPerCommit + 500);
  ASSERT_TRUE(fs_->Open(Cred::Root(), f.ino, kAccessRead).ok());
  ASSERT_TRUE(fs_->Unlink(Cred::Root(), kRootInode, "big").ok());
  ASSERT_TRUE(fs_->Flush().ok());
  Crash();  // the last Release never happens: the sweep hands it to the reaper
  Open();
  fs_->WaitForBackgroundFrees();
  EXPECT_EQ(Errno(fs_->GetAttr(f.ino)), ESTALE);
  EXPECT_FALSE(engine_->Get(keys::Orphan(f.ino))->has_value());
  EXPECT_EQ(*engine_->StoredBytes(f.ino), 0u);
  EXPECT_EQ(fs_->StatFs()->used_bytes, 0u);
}

TEST_F(LargeFileTest, LargeFileReplacedByRenameIsFreed) {
  Attr f = CreateLargeFile(Reaper::kExtentsPerCommit + 10);
  Attr small = CreateOk(kRootInode, "small");
  WriteOk(small.ino, 0, "new");
  ASSERT_TRUE(fs_->Rename(Cred::Root(), kRootInode, "small", kRootInode, "big").ok());
  fs_->WaitForBackgroundFrees();
  EXPECT_EQ(Errno(fs_->GetAttr(f.ino)), ESTALE);
  EXPECT_EQ(*engine_->StoredBytes(f.ino), 0u);
  EXPECT_EQ(fs_->StatFs()->used_bytes, 3u);
}

}  // namespace
}  // namespace zerofs::fs
