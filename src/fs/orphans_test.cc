// Open references and orphans, including after a crash.
#include "fs/fs_test_util.h"
#include "fs/keys.h"

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

}  // namespace
}  // namespace zerofs::fs
