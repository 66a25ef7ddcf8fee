// Rename in all its cases.
#include <thread>

#include "fs/fs_test_util.h"

namespace zerofs::fs {
namespace {

TEST_F(FsTest, RenameFilesAndDirectories) {
  Cred r = Cred::Root();
  Attr a = MkdirOk(kRootInode, "a");
  Attr b = MkdirOk(kRootInode, "b");
  Attr f = CreateOk(a.ino, "f");
  Attr g = CreateOk(b.ino, "g");
  WriteOk(g.ino, 0, "old target");

  // File within a directory, then across directories.
  ASSERT_TRUE(fs_->Rename(r, a.ino, "f", a.ino, "f2").ok());
  EXPECT_EQ(Errno(fs_->Lookup(r, a.ino, "f")), ENOENT);
  EXPECT_EQ(fs_->Lookup(r, a.ino, "f2")->ino, f.ino);
  Attr before = AttrOf(f.ino);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // File over file: the target is replaced and freed.
  ASSERT_TRUE(fs_->Rename(r, a.ino, "f2", b.ino, "g").ok());
  EXPECT_EQ(fs_->Lookup(r, b.ino, "g")->ino, f.ino);
  EXPECT_EQ(Errno(fs_->GetAttr(g.ino)), ESTALE);
  EXPECT_GT(AttrOf(f.ino).ctime, before.ctime);
  EXPECT_GT(AttrOf(a.ino).mtime, before.ctime);
  EXPECT_GT(AttrOf(b.ino).mtime, before.ctime);

  // Directory across directories: ".." and link counts follow.
  Attr sub = MkdirOk(a.ino, "sub");
  EXPECT_EQ(AttrOf(a.ino).nlink, 3u);
  ASSERT_TRUE(fs_->Rename(r, a.ino, "sub", b.ino, "sub").ok());
  EXPECT_EQ(AttrOf(a.ino).nlink, 2u);
  EXPECT_EQ(AttrOf(b.ino).nlink, 3u);
  EXPECT_EQ(fs_->Lookup(r, sub.ino, "..")->ino, b.ino);
  // Directory over an empty directory.
  Attr empty = MkdirOk(a.ino, "empty");
  ASSERT_TRUE(fs_->Rename(r, b.ino, "sub", a.ino, "empty").ok());
  EXPECT_EQ(Errno(fs_->GetAttr(empty.ino)), ESTALE);
  EXPECT_EQ(AttrOf(a.ino).nlink, 3u);
  EXPECT_EQ(AttrOf(b.ino).nlink, 2u);
  EXPECT_EQ(fs_->Lookup(r, sub.ino, "..")->ino, a.ino);
}

TEST_F(FsTest, RenameErrors) {
  Cred r = Cred::Root();
  Attr a = MkdirOk(kRootInode, "a");
  Attr sub = MkdirOk(a.ino, "sub");
  MkdirOk(sub.ino, "deep");
  Attr f = CreateOk(kRootInode, "f");
  CreateOk(a.ino, "file");
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "missing", kRootInode, "x")), ENOENT);
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "a", sub.ino, "x")), EINVAL);  // own subtree
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "a", a.ino, "x")), EINVAL);    // into itself
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "a", kRootInode, "f")), ENOTDIR);
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "f", kRootInode, "a")), EISDIR);
  MkdirOk(kRootInode, "full");
  CreateOk(fs_->Lookup(r, kRootInode, "full")->ino, "x");
  EXPECT_EQ(Errno(fs_->Rename(r, a.ino, "sub", kRootInode, "full")), ENOTEMPTY);
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, ".", kRootInode, "x")), EBUSY);
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "f", kRootInode, "..")), EBUSY);
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "f", f.ino, "x")), ENOTDIR);
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "f", kRootInode, std::string(256, 'x'))),
            ENAMETOOLONG);
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "f", kRootInode, "g", 4)), EINVAL);
  // Onto itself and onto another link of the same inode: success, no change.
  ASSERT_TRUE(fs_->Rename(r, kRootInode, "f", kRootInode, "f").ok());
  ASSERT_TRUE(fs_->Link(r, f.ino, a.ino, "f-link").ok());
  ASSERT_TRUE(fs_->Rename(r, kRootInode, "f", a.ino, "f-link").ok());
  EXPECT_EQ(fs_->Lookup(r, kRootInode, "f")->ino, f.ino);
  EXPECT_EQ(AttrOf(f.ino).nlink, 2u);
  // RENAME_NOREPLACE.
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "f", a.ino, "file", kRenameNoReplace)), EEXIST);
  ASSERT_TRUE(fs_->Rename(r, kRootInode, "f", a.ino, "new", kRenameNoReplace).ok());
  // Permission: a directory moving to a new parent needs write on itself.
  Cred alice = User(1000, 100);
  Attr pub = MkdirOk(kRootInode, "pub", 0777);
  Attr pub2 = MkdirOk(kRootInode, "pub2", 0777);
  MkdirOk(pub.ino, "ro", 0555, alice);
  EXPECT_EQ(Errno(fs_->Rename(alice, pub.ino, "ro", pub2.ino, "ro")), EACCES);
  EXPECT_TRUE(fs_->Rename(alice, pub.ino, "ro", pub.ino, "ro2").ok());  // same parent: fine
  EXPECT_EQ(Errno(fs_->Rename(alice, kRootInode, "pub", pub2.ino, "x")), EACCES);
}

TEST_F(FsTest, RenameExchange) {
  Cred r = Cred::Root();
  Attr a = MkdirOk(kRootInode, "a");
  Attr b = MkdirOk(kRootInode, "b");
  Attr f = CreateOk(a.ino, "f");
  Attr d = MkdirOk(b.ino, "d");
  EXPECT_EQ(Errno(fs_->Rename(r, a.ino, "f", b.ino, "none", kRenameExchange)), ENOENT);
  ASSERT_TRUE(fs_->Rename(r, a.ino, "f", b.ino, "d", kRenameExchange).ok());
  EXPECT_EQ(fs_->Lookup(r, a.ino, "f")->ino, d.ino);
  EXPECT_EQ(fs_->Lookup(r, b.ino, "d")->ino, f.ino);
  EXPECT_EQ(fs_->Lookup(r, d.ino, "..")->ino, a.ino);
  EXPECT_EQ(AttrOf(a.ino).nlink, 3u);
  EXPECT_EQ(AttrOf(b.ino).nlink, 2u);
  EXPECT_EQ(Errno(fs_->Rename(r, kRootInode, "a", a.ino, "f", kRenameExchange)), EINVAL);
}

TEST_F(FsTest, RenameOverOpenFileKeepsItAsOrphan) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  Attr g = CreateOk(kRootInode, "g");
  WriteOk(g.ino, 0, "still here");
  ASSERT_TRUE(fs_->Open(r, g.ino, kAccessRead).ok());
  ASSERT_TRUE(fs_->Rename(r, kRootInode, "f", kRootInode, "g").ok());
  EXPECT_EQ(AttrOf(g.ino).nlink, 0u);
  EXPECT_EQ(ReadAll(g.ino), "still here");
  ASSERT_TRUE(fs_->Release(g.ino).ok());
  EXPECT_EQ(Errno(fs_->GetAttr(g.ino)), ESTALE);
  EXPECT_EQ(fs_->Lookup(r, kRootInode, "g")->ino, f.ino);
}

}  // namespace
}  // namespace zerofs::fs
