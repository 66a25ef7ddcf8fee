// Extended attributes.
#include <thread>

#include "fs/fs_test_util.h"

namespace zerofs::fs {
namespace {

TEST_F(FsTest, XattrSetGetListRemove) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  EXPECT_EQ(Errno(fs_->GetXattr(r, f.ino, "user.a")), ENODATA);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_TRUE(fs_->SetXattr(r, f.ino, "user.a", "1", 0).ok());
  EXPECT_GT(AttrOf(f.ino).ctime, f.ctime);
  ASSERT_TRUE(fs_->SetXattr(r, f.ino, "user.b", std::string("\0bin", 4), kXattrCreate).ok());
  EXPECT_EQ(*fs_->GetXattr(r, f.ino, "user.a"), "1");
  EXPECT_EQ(*fs_->GetXattr(r, f.ino, "user.b"), std::string("\0bin", 4));
  EXPECT_EQ(Errno(fs_->SetXattr(r, f.ino, "user.a", "2", kXattrCreate)), EEXIST);
  EXPECT_EQ(Errno(fs_->SetXattr(r, f.ino, "user.c", "2", kXattrReplace)), ENODATA);
  ASSERT_TRUE(fs_->SetXattr(r, f.ino, "user.a", "", kXattrReplace).ok());
  EXPECT_EQ(*fs_->GetXattr(r, f.ino, "user.a"), "");
  ASSERT_TRUE(fs_->SetXattr(r, f.ino, "trusted.t", "x", 0).ok());
  EXPECT_EQ(*fs_->ListXattr(r, f.ino), (std::vector<std::string>{"trusted.t", "user.a", "user.b"}));
  EXPECT_EQ(*fs_->ListXattr(User(5, 5), f.ino), (std::vector<std::string>{"user.a", "user.b"}));
  ASSERT_TRUE(fs_->RemoveXattr(r, f.ino, "user.a").ok());
  EXPECT_EQ(Errno(fs_->RemoveXattr(r, f.ino, "user.a")), ENODATA);
  Reopen();
  EXPECT_EQ(*fs_->GetXattr(r, f.ino, "user.b"), std::string("\0bin", 4));
  // Freed with the inode.
  ASSERT_TRUE(fs_->Unlink(r, kRootInode, "f").ok());
}

// A write, truncate or chown drops the file's capabilities (Linux
// killpriv), whoever the caller; other xattrs stay.
TEST_F(FsTest, WriteTruncateAndChownDropFileCapabilities) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f", 0755);
  auto set_caps = [&] {
    ASSERT_TRUE(fs_->SetXattr(r, f.ino, "security.capability", "caps", 0).ok());
    ASSERT_EQ(*fs_->GetXattr(r, f.ino, "security.capability"), "caps");
  };
  ASSERT_TRUE(fs_->SetXattr(r, f.ino, "user.keep", "1", 0).ok());
  set_caps();
  ASSERT_TRUE(fs_->Write(r, f.ino, 0, "data").ok());
  EXPECT_EQ(Errno(fs_->GetXattr(r, f.ino, "security.capability")), ENODATA);
  set_caps();
  SetAttrRequest truncate;
  truncate.size = 2;
  ASSERT_TRUE(fs_->SetAttr(r, f.ino, truncate).ok());
  EXPECT_EQ(Errno(fs_->GetXattr(r, f.ino, "security.capability")), ENODATA);
  set_caps();
  SetAttrRequest chown;
  chown.uid = 0;  // even to the same owner
  ASSERT_TRUE(fs_->SetAttr(r, f.ino, chown).ok());
  EXPECT_EQ(Errno(fs_->GetXattr(r, f.ino, "security.capability")), ENODATA);
  // A chmod or a utimes keeps them.
  set_caps();
  SetAttrRequest chmod;
  chmod.mode = 0750;
  ASSERT_TRUE(fs_->SetAttr(r, f.ino, chmod).ok());
  EXPECT_EQ(*fs_->GetXattr(r, f.ino, "security.capability"), "caps");
  EXPECT_EQ(*fs_->GetXattr(r, f.ino, "user.keep"), "1");
  Reopen();
  EXPECT_EQ(*fs_->GetXattr(r, f.ino, "security.capability"), "caps");
}

TEST_F(FsTest, XattrErrorsAndPermissions) {
  Cred r = Cred::Root();
  Cred alice = User(1000, 100);
  Cred bob = User(1001, 100);
  Attr pub = MkdirOk(kRootInode, "pub", 0777);
  Attr f = CreateOk(pub.ino, "f", 0644, alice);
  EXPECT_EQ(Errno(fs_->SetXattr(r, f.ino, "user.a", "1", 3)), EINVAL);
  EXPECT_EQ(Errno(fs_->SetXattr(r, f.ino, "bogus.a", "1", 0)), EOPNOTSUPP);
  EXPECT_EQ(Errno(fs_->SetXattr(r, f.ino, "system.posix_acl_access", "1", 0)), EOPNOTSUPP);
  EXPECT_EQ(Errno(fs_->SetXattr(r, f.ino, "user." + std::string(251, 'n'), "1", 0)), ERANGE);
  EXPECT_EQ(Errno(fs_->SetXattr(r, f.ino, "user.big", std::string(65537, 'v'), 0)), E2BIG);
  EXPECT_TRUE(fs_->SetXattr(r, f.ino, "user.max", std::string(65536, 'v'), 0).ok());
  EXPECT_EQ(Errno(fs_->SetXattr(bob, f.ino, "user.a", "1", 0)), EACCES);
  EXPECT_TRUE(fs_->SetXattr(alice, f.ino, "user.a", "1", 0).ok());
  EXPECT_EQ(*fs_->GetXattr(bob, f.ino, "user.a"), "1");
  EXPECT_EQ(Errno(fs_->SetXattr(alice, f.ino, "trusted.a", "1", 0)), EPERM);
  EXPECT_EQ(Errno(fs_->SetXattr(alice, f.ino, "security.a", "1", 0)), EPERM);
  ASSERT_TRUE(fs_->SetXattr(r, f.ino, "trusted.a", "1", 0).ok());
  EXPECT_EQ(Errno(fs_->GetXattr(alice, f.ino, "trusted.a")), ENODATA);
  auto l = fs_->Symlink(r, pub.ino, "l", "f");
  EXPECT_EQ(Errno(fs_->SetXattr(r, l->ino, "user.a", "1", 0)), EPERM);
  EXPECT_EQ(Errno(fs_->GetXattr(r, l->ino, "user.a")), ENODATA);
  EXPECT_TRUE(fs_->SetXattr(r, l->ino, "trusted.a", "1", 0).ok());
  EXPECT_EQ(Errno(fs_->GetXattr(r, 999999, "user.a")), ESTALE);
}

}  // namespace
}  // namespace zerofs::fs
