// Names and attributes: lookup, create family, link, unlink, rmdir,
// setattr, access, statfs, read-only mode.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <thread>

#include "fs/fs_test_util.h"

namespace zerofs::fs {
namespace {

using TimeSet = SetAttrRequest::TimeSet;

TEST_F(FsTest, RootExistsAndIsItsOwnParent) {
  Attr root = AttrOf(kRootInode);
  EXPECT_EQ(root.type, FileType::kDirectory);
  EXPECT_EQ(root.mode, 0755u);
  EXPECT_EQ(root.nlink, 2u);
  EXPECT_EQ(fs_->Lookup(Cred::Root(), kRootInode, "..")->ino, kRootInode);
  EXPECT_EQ(fs_->Lookup(Cred::Root(), kRootInode, ".")->ino, kRootInode);
}

TEST_F(FsTest, CreateLookupAndPersistAcrossReopen) {
  Attr d = MkdirOk(kRootInode, "dir", 0750);
  Attr f = CreateOk(d.ino, "file", 0640);
  EXPECT_EQ(f.type, FileType::kRegular);
  EXPECT_EQ(f.nlink, 1u);
  EXPECT_EQ(f.size, 0u);
  EXPECT_NE(f.generation, 0u);
  EXPECT_GT(f.ino, d.ino);
  EXPECT_EQ(AttrOf(kRootInode).nlink, 3u);
  EXPECT_EQ(AttrOf(d.ino).nlink, 2u);
  EXPECT_EQ(fs_->Lookup(Cred::Root(), d.ino, "..")->ino, kRootInode);
  Reopen();
  auto again = fs_->Lookup(Cred::Root(), d.ino, "file");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ino, f.ino);
  EXPECT_EQ(again->mode, 0640u);
  EXPECT_EQ(again->generation, f.generation);
  // Inode numbers are never reused, even across a reopen.
  Attr g = CreateOk(d.ino, "g");
  EXPECT_GT(g.ino, f.ino);
}

TEST_F(FsTest, InodeNumbersAreNotReusedAfterCrash) {
  Attr a = CreateOk(kRootInode, "a");
  ASSERT_TRUE(fs_->Flush().ok());
  Attr b = CreateOk(kRootInode, "b");  // not flushed: lost in the crash
  Crash();
  Open();
  EXPECT_EQ(Errno(fs_->Lookup(Cred::Root(), kRootInode, "b")), ENOENT);
  Attr c = CreateOk(kRootInode, "c");
  EXPECT_GT(c.ino, a.ino);
  EXPECT_NE(c.ino, b.ino);
}

TEST_F(FsTest, NameErrors) {
  Cred r = Cred::Root();
  EXPECT_EQ(Errno(fs_->Lookup(r, kRootInode, "missing")), ENOENT);
  EXPECT_EQ(Errno(fs_->Lookup(r, kRootInode, std::string(256, 'a'))), ENAMETOOLONG);
  EXPECT_EQ(Errno(fs_->Create(r, kRootInode, std::string(256, 'a'), 0644, true)), ENAMETOOLONG);
  EXPECT_TRUE(fs_->Create(r, kRootInode, std::string(255, 'a'), 0644, true).ok());
  EXPECT_EQ(Errno(fs_->Create(r, kRootInode, "a/b", 0644, true)), EINVAL);
  EXPECT_EQ(Errno(fs_->Create(r, kRootInode, "", 0644, true)), EINVAL);
  EXPECT_EQ(Errno(fs_->Create(r, kRootInode, std::string("a\0b", 3), 0644, true)), EINVAL);
  EXPECT_EQ(Errno(fs_->Mkdir(r, kRootInode, ".", 0755)), EEXIST);
  EXPECT_EQ(Errno(fs_->Mkdir(r, kRootInode, "..", 0755)), EEXIST);
  Attr f = CreateOk(kRootInode, "f");
  EXPECT_EQ(Errno(fs_->Lookup(r, f.ino, "x")), ENOTDIR);
  EXPECT_EQ(Errno(fs_->Create(r, f.ino, "x", 0644, true)), ENOTDIR);
  EXPECT_EQ(Errno(fs_->Mkdir(r, f.ino, "x", 0755)), ENOTDIR);
  EXPECT_EQ(Errno(fs_->GetAttr(999999)), ESTALE);
  EXPECT_EQ(Errno(fs_->Lookup(r, 999999, "x")), ESTALE);
}

TEST_F(FsTest, CreateExclusiveAndNot) {
  Cred r = Cred::Root();
  auto first = fs_->Create(r, kRootInode, "f", 0644, false);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->created);
  auto second = fs_->Create(r, kRootInode, "f", 0600, false);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->attr.ino, first->attr.ino);
  EXPECT_EQ(second->attr.mode, 0644u);
  EXPECT_EQ(Errno(fs_->Create(r, kRootInode, "f", 0644, true)), EEXIST);
  MkdirOk(kRootInode, "d");
  EXPECT_EQ(Errno(fs_->Create(r, kRootInode, "d", 0644, false)), EISDIR);
  EXPECT_EQ(Errno(fs_->Mkdir(r, kRootInode, "f", 0755)), EEXIST);
}

TEST_F(FsTest, SpecialFilesAndSymlinks) {
  Cred r = Cred::Root();
  auto fifo = fs_->Mknod(r, kRootInode, "fifo", FileType::kFifo, 0600, 0, 0);
  ASSERT_TRUE(fifo.ok());
  EXPECT_EQ(fifo->full_mode(), S_IFIFO | 0600u);
  auto sock = fs_->Mknod(r, kRootInode, "sock", FileType::kSocket, 0600, 0, 0);
  ASSERT_TRUE(sock.ok());
  auto chr = fs_->Mknod(r, kRootInode, "null", FileType::kCharDevice, 0666, 1, 3);
  ASSERT_TRUE(chr.ok());
  EXPECT_EQ(chr->rdev_major, 1u);
  EXPECT_EQ(chr->rdev_minor, 3u);
  auto blk = fs_->Mknod(r, kRootInode, "blk", FileType::kBlockDevice, 0660, 8, 1);
  ASSERT_TRUE(blk.ok());
  EXPECT_EQ(AttrOf(blk->ino).rdev(), makedev(8, 1));
  EXPECT_EQ(Errno(fs_->Mknod(r, kRootInode, "x", FileType::kRegular, 0600, 0, 0)), EINVAL);
  EXPECT_EQ(Errno(fs_->Mknod(User(1000, 1000), kRootInode, "x", FileType::kCharDevice, 0600, 1, 3)),
            EACCES);  // no write on the root first
  Attr pub = MkdirOk(kRootInode, "pub", 0777);
  EXPECT_EQ(Errno(fs_->Mknod(User(1000, 1000), pub.ino, "x", FileType::kCharDevice, 0600, 1, 3)),
            EPERM);
  EXPECT_TRUE(fs_->Mknod(User(1000, 1000), pub.ino, "y", FileType::kFifo, 0600, 0, 0).ok());

  auto link = fs_->Symlink(r, kRootInode, "link", "some/target");
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link->type, FileType::kSymlink);
  EXPECT_EQ(link->mode, 0777u);
  EXPECT_EQ(link->size, 11u);
  EXPECT_EQ(*fs_->Readlink(link->ino), "some/target");
  EXPECT_EQ(Errno(fs_->Readlink(fifo->ino)), EINVAL);
  EXPECT_EQ(Errno(fs_->Symlink(r, kRootInode, "empty", "")), ENOENT);
  EXPECT_EQ(Errno(fs_->Symlink(r, kRootInode, "long", std::string(4096, 'x'))), ENAMETOOLONG);
  EXPECT_TRUE(fs_->Symlink(r, kRootInode, "max", std::string(4095, 'x')).ok());
  EXPECT_EQ(Errno(fs_->Symlink(r, kRootInode, "link", "x")), EEXIST);
  EXPECT_EQ(Errno(ReadlinkForResolution(fs_.get(), link->ino, kMaxSymlinkFollows)), ELOOP);
  EXPECT_TRUE(ReadlinkForResolution(fs_.get(), link->ino, 0).ok());
  // Reading special files is EINVAL, directories EISDIR.
  EXPECT_EQ(Errno(fs_->Read(r, fifo->ino, 0, 10)), EINVAL);
  EXPECT_EQ(Errno(fs_->Read(r, kRootInode, 0, 10)), EISDIR);
  EXPECT_EQ(Errno(fs_->Write(r, link->ino, 0, "x")), EINVAL);
}

TEST_F(FsTest, HardLinks) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  Attr d = MkdirOk(kRootInode, "d");
  Timespec before = f.ctime;
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto l = fs_->Link(r, f.ino, d.ino, "g");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->nlink, 2u);
  EXPECT_GT(l->ctime, before);
  EXPECT_EQ(fs_->Lookup(r, d.ino, "g")->ino, f.ino);
  EXPECT_EQ(Errno(fs_->Link(r, f.ino, d.ino, "g")), EEXIST);
  EXPECT_EQ(Errno(fs_->Link(r, d.ino, kRootInode, "d2")), EPERM);
  EXPECT_EQ(Errno(fs_->Link(r, f.ino, f.ino, "x")), ENOTDIR);
  EXPECT_EQ(Errno(fs_->Link(r, 999999, d.ino, "x")), ESTALE);
  ASSERT_TRUE(fs_->Unlink(r, kRootInode, "f").ok());
  EXPECT_EQ(AttrOf(f.ino).nlink, 1u);
  EXPECT_EQ(fs_->Lookup(r, d.ino, "g")->ino, f.ino);
}

TEST_F(FsTest, LinkMaxGivesEmlink) {
  Close();
  options_.link_max = 5;
  Open();
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  for (int i = 1; i < 5; i++)
    ASSERT_TRUE(fs_->Link(r, f.ino, kRootInode, "l" + std::to_string(i)).ok());
  EXPECT_EQ(Errno(fs_->Link(r, f.ino, kRootInode, "l5")), EMLINK);
  Attr d = MkdirOk(kRootInode, "d");
  for (int i = 0; i < 3; i++) MkdirOk(d.ino, "s" + std::to_string(i));
  EXPECT_EQ(AttrOf(d.ino).nlink, 5u);
  EXPECT_EQ(Errno(fs_->Mkdir(r, d.ino, "s3", 0755)), EMLINK);
}

TEST_F(FsTest, UnlinkAndRmdir) {
  Cred r = Cred::Root();
  Attr d = MkdirOk(kRootInode, "d");
  Attr f = CreateOk(d.ino, "f");
  EXPECT_EQ(Errno(fs_->Unlink(r, kRootInode, "d")), EISDIR);
  EXPECT_EQ(Errno(fs_->Rmdir(r, d.ino, "f")), ENOTDIR);
  EXPECT_EQ(Errno(fs_->Rmdir(r, kRootInode, "d")), ENOTEMPTY);
  EXPECT_EQ(Errno(fs_->Rmdir(r, d.ino, ".")), EINVAL);
  EXPECT_EQ(Errno(fs_->Rmdir(r, d.ino, "..")), ENOTEMPTY);
  EXPECT_EQ(Errno(fs_->Unlink(r, d.ino, ".")), EISDIR);
  EXPECT_EQ(Errno(fs_->Unlink(r, d.ino, "missing")), ENOENT);
  EXPECT_EQ(Errno(fs_->Unlink(r, f.ino, "x")), ENOTDIR);
  WriteOk(f.ino, 0, std::string(100000, 'x'));
  ASSERT_TRUE(fs_->Unlink(r, d.ino, "f").ok());
  EXPECT_EQ(Errno(fs_->GetAttr(f.ino)), ESTALE);
  EXPECT_EQ(Errno(fs_->Read(r, f.ino, 0, 10)), ESTALE);
  EXPECT_EQ(AttrOf(kRootInode).nlink, 3u);
  ASSERT_TRUE(fs_->Rmdir(r, kRootInode, "d").ok());
  EXPECT_EQ(AttrOf(kRootInode).nlink, 2u);
  EXPECT_EQ(Errno(fs_->GetAttr(d.ino)), ESTALE);
  EXPECT_EQ(Errno(fs_->Create(r, d.ino, "x", 0644, true)), ESTALE);
  EXPECT_EQ(fs_->StatFs()->used_inodes, 1u);
  EXPECT_EQ(fs_->StatFs()->used_bytes, 0u);
}

TEST_F(FsTest, ParentTimestampsChangeOnNamespaceOps) {
  Cred r = Cred::Root();
  Attr d = MkdirOk(kRootInode, "d");
  auto step = [&](auto op) {
    Attr before = AttrOf(d.ino);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    op();
    Attr after = AttrOf(d.ino);
    EXPECT_GT(after.mtime, before.mtime);
    EXPECT_GT(after.ctime, before.ctime);
  };
  step([&] { CreateOk(d.ino, "f"); });
  step([&] { MkdirOk(d.ino, "sub"); });
  step([&] { ASSERT_TRUE(fs_->Symlink(r, d.ino, "s", "t").ok()); });
  step([&] { ASSERT_TRUE(fs_->Mknod(r, d.ino, "p", FileType::kFifo, 0600, 0, 0).ok()); });
  step([&] { ASSERT_TRUE(fs_->Link(r, fs_->Lookup(r, d.ino, "f")->ino, d.ino, "f2").ok()); });
  step([&] { ASSERT_TRUE(fs_->Unlink(r, d.ino, "f2").ok()); });
  step([&] { ASSERT_TRUE(fs_->Rename(r, d.ino, "f", d.ino, "f3").ok()); });
  step([&] { ASSERT_TRUE(fs_->Rmdir(r, d.ino, "sub").ok()); });
  // A new inode's times are all equal and the parent's match them.
  Attr n = CreateOk(d.ino, "n");
  EXPECT_EQ(n.atime, n.mtime);
  EXPECT_EQ(n.ctime, n.mtime);
  EXPECT_EQ(AttrOf(d.ino).mtime, n.mtime);
}

TEST_F(FsTest, SetAttrChmodChownRules) {
  Cred r = Cred::Root();
  Cred alice = User(1000, 100, {200});
  Cred bob = User(1001, 100);
  Attr pub = MkdirOk(kRootInode, "pub", 0777);
  Attr f = CreateOk(pub.ino, "f", 0644, alice);
  EXPECT_EQ(f.uid, 1000u);
  EXPECT_EQ(f.gid, 100u);
  SetAttrRequest chmod;
  chmod.mode = 0600;
  EXPECT_EQ(Errno(fs_->SetAttr(bob, f.ino, chmod)), EPERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto a = fs_->SetAttr(alice, f.ino, chmod);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->mode, 0600u);
  EXPECT_GT(a->ctime, f.ctime);
  EXPECT_EQ(a->mtime, f.mtime);
  // S_ISGID is dropped for a non-member, kept for a member or root.
  chmod.mode = 02755;
  SetAttrRequest chgrp;
  chgrp.gid = 300;
  EXPECT_EQ(Errno(fs_->SetAttr(alice, f.ino, chgrp)), EPERM);
  chgrp.gid = 200;
  ASSERT_TRUE(fs_->SetAttr(alice, f.ino, chgrp).ok());
  EXPECT_EQ(fs_->SetAttr(alice, f.ino, chmod)->mode, 02755u);
  ASSERT_TRUE(fs_->SetAttr(r, f.ino, Gid(500)).ok());
  EXPECT_EQ(fs_->SetAttr(alice, f.ino, chmod)->mode, 0755u);
  // chown to another user: only root.
  SetAttrRequest chown;
  chown.uid = 1001;
  EXPECT_EQ(Errno(fs_->SetAttr(alice, f.ino, chown)), EPERM);
  chown.uid = 1000;
  EXPECT_TRUE(fs_->SetAttr(alice, f.ino, chown).ok());  // to itself: allowed
  // chown clears S_ISUID, and S_ISGID with group-exec, even by root.
  chmod.mode = 06755;
  ASSERT_TRUE(fs_->SetAttr(r, f.ino, chmod).ok());
  chown.uid = 1001;
  EXPECT_EQ(fs_->SetAttr(r, f.ino, chown)->mode, 0755u);
  chmod.mode = 06745;  // no group exec: S_ISGID stays
  ASSERT_TRUE(fs_->SetAttr(r, f.ino, chmod).ok());
  EXPECT_EQ(fs_->SetAttr(r, f.ino, chown)->mode, 02745u);
  EXPECT_EQ(Errno(fs_->SetAttr(r, 999999, chmod)), ESTALE);
}

TEST_F(FsTest, SetAttrTimes) {
  Cred alice = User(1000, 100);
  Cred bob = User(1001, 100);
  Attr pub = MkdirOk(kRootInode, "pub", 0777);
  Attr f = CreateOk(pub.ino, "f", 0644, alice);
  SetAttrRequest set;
  set.atime_set = TimeSet::kValue;
  set.atime = {1000, 5};
  set.mtime_set = TimeSet::kValue;
  set.mtime = {2000, 999999999};
  EXPECT_EQ(Errno(fs_->SetAttr(bob, f.ino, set)), EPERM);
  auto a = fs_->SetAttr(alice, f.ino, set);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->atime, (Timespec{1000, 5}));
  EXPECT_EQ(a->mtime, (Timespec{2000, 999999999}));
  SetAttrRequest now;
  now.atime_set = now.mtime_set = TimeSet::kNow;
  EXPECT_EQ(Errno(fs_->SetAttr(bob, f.ino, now)), EACCES);  // not owner, no write
  SetAttrRequest mode;
  mode.mode = 0666;
  ASSERT_TRUE(fs_->SetAttr(alice, f.ino, mode).ok());
  auto b = fs_->SetAttr(bob, f.ino, now);  // write permission suffices for "now"
  ASSERT_TRUE(b.ok());
  EXPECT_GT(b->mtime.sec, 2000);
  set.mtime.nsec = 1'000'000'000;
  EXPECT_EQ(Errno(fs_->SetAttr(alice, f.ino, set)), EINVAL);
}

TEST_F(FsTest, TruncateRules) {
  Cred alice = User(1000, 100);
  Attr pub = MkdirOk(kRootInode, "pub", 0777);
  Attr f = CreateOk(pub.ino, "f", 0644, alice);
  SetAttrRequest t;
  t.size = 10;
  EXPECT_EQ(Errno(fs_->SetAttr(User(1001, 100), f.ino, t)), EACCES);
  EXPECT_EQ(Errno(fs_->SetAttr(alice, pub.ino, t)), EISDIR);
  auto fifo = fs_->Mknod(alice, pub.ino, "p", FileType::kFifo, 0666, 0, 0);
  EXPECT_EQ(Errno(fs_->SetAttr(alice, fifo->ino, t)), EINVAL);
  t.size = kMaxFileSize + 1;
  EXPECT_EQ(Errno(fs_->SetAttr(alice, f.ino, t)), EFBIG);
  t.size = kMaxFileSize;
  EXPECT_EQ(fs_->SetAttr(alice, f.ino, t)->size, kMaxFileSize);
  t.size = 0;
  // suid/sgid cleared by truncate from a non-root caller.
  SetAttrRequest chmod;
  chmod.mode = 06777;
  ASSERT_TRUE(fs_->SetAttr(alice, f.ino, chmod).ok());
  Attr before = AttrOf(f.ino);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto a = fs_->SetAttr(alice, f.ino, t);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->mode, 0777u);
  EXPECT_GT(a->mtime, before.mtime);
  EXPECT_GT(a->ctime, before.ctime);
}

TEST_F(FsTest, AccessReportsGrantedBits) {
  Cred alice = User(1000, 100, {200});
  Attr pub = MkdirOk(kRootInode, "pub", 0777);
  Attr f = CreateOk(pub.ino, "f", 0640, alice);
  const uint32_t all = kAccessRead | kAccessWrite | kAccessExec;
  EXPECT_EQ(*fs_->Access(alice, f.ino, all), kAccessRead | kAccessWrite);
  EXPECT_EQ(*fs_->Access(User(1001, 100), f.ino, all), kAccessRead);
  EXPECT_EQ(*fs_->Access(User(1001, 7, {100}), f.ino, all), kAccessRead);
  EXPECT_EQ(*fs_->Access(User(1001, 7), f.ino, all), 0u);
  EXPECT_EQ(*fs_->Access(Cred::Root(), f.ino, all), kAccessRead | kAccessWrite);
  EXPECT_EQ(*fs_->Access(Cred::Root(), pub.ino, all), all);
  // The owner class applies even when it grants less than the others.
  SetAttrRequest chmod;
  chmod.mode = 0077;
  ASSERT_TRUE(fs_->SetAttr(alice, f.ino, chmod).ok());
  EXPECT_EQ(*fs_->Access(alice, f.ino, all), 0u);
  EXPECT_EQ(Errno(fs_->Access(alice, 999999, all)), ESTALE);
}

TEST_F(FsTest, SearchAndWritePermissionOnParents) {
  Cred alice = User(1000, 100);
  Attr d = MkdirOk(kRootInode, "d", 0755);
  CreateOk(d.ino, "f");
  EXPECT_EQ(Errno(fs_->Create(alice, d.ino, "x", 0644, true)), EACCES);
  EXPECT_EQ(Errno(fs_->Create(alice, d.ino, "f", 0644, true)), EEXIST);  // EEXIST first
  EXPECT_EQ(Errno(fs_->Unlink(alice, d.ino, "f")), EACCES);
  EXPECT_EQ(Errno(fs_->Mkdir(alice, d.ino, "x", 0755)), EACCES);
  SetAttrRequest chmod;
  chmod.mode = 0700;
  ASSERT_TRUE(fs_->SetAttr(Cred::Root(), d.ino, chmod).ok());
  EXPECT_EQ(Errno(fs_->Lookup(alice, d.ino, "f")), EACCES);
  EXPECT_EQ(Errno(fs_->ReadDir(alice, d.ino, 0)), EACCES);
  chmod.mode = 0711;  // search without read: lookup works, listing does not
  ASSERT_TRUE(fs_->SetAttr(Cred::Root(), d.ino, chmod).ok());
  EXPECT_TRUE(fs_->Lookup(alice, d.ino, "f").ok());
  EXPECT_EQ(Errno(fs_->ReadDir(alice, d.ino, 0)), EACCES);
}

TEST_F(FsTest, StickyDirectoryDeletion) {
  Cred alice = User(1000, 100);
  Cred bob = User(1001, 100);
  Cred carol = User(1002, 100);
  Attr tmp = MkdirOk(kRootInode, "tmp", 01777);
  CreateOk(tmp.ino, "a", 0666, alice);
  CreateOk(tmp.ino, "b", 0666, alice);
  EXPECT_EQ(Errno(fs_->Unlink(bob, tmp.ino, "a")), EPERM);
  EXPECT_EQ(Errno(fs_->Rename(bob, tmp.ino, "a", tmp.ino, "c")), EPERM);
  CreateOk(tmp.ino, "bobs", 0666, bob);
  EXPECT_EQ(Errno(fs_->Rename(bob, tmp.ino, "bobs", tmp.ino, "a")), EPERM);  // target is alice's
  EXPECT_TRUE(fs_->Unlink(alice, tmp.ino, "a").ok());
  EXPECT_TRUE(fs_->Unlink(Cred::Root(), tmp.ino, "b").ok());
  // The directory's owner may delete anything in it.
  Attr own = MkdirOk(tmp.ino, "carols", 01777, carol);
  CreateOk(own.ino, "x", 0666, alice);
  EXPECT_TRUE(fs_->Unlink(carol, own.ino, "x").ok());
}

TEST_F(FsTest, SetgidDirectoryInheritance) {
  Cred alice = User(1000, 100);
  Attr d = MkdirOk(kRootInode, "d", 0777);
  SetAttrRequest req;
  req.gid = 500;
  req.mode = 02777;
  ASSERT_TRUE(fs_->SetAttr(Cred::Root(), d.ino, req).ok());
  Attr f = CreateOk(d.ino, "f", 02755, alice);
  EXPECT_EQ(f.gid, 500u);
  EXPECT_EQ(f.mode, 0755u);  // alice is not in group 500: S_ISGID dropped
  Attr sub = MkdirOk(d.ino, "sub", 0755, alice);
  EXPECT_EQ(sub.gid, 500u);
  EXPECT_EQ(sub.mode, 02755u);
  Attr g = CreateOk(d.ino, "g", 02755, User(1000, 100, {500}));
  EXPECT_EQ(g.mode, 02755u);
}

TEST_F(FsTest, WriteClearsSuidForNonRoot) {
  Cred alice = User(1000, 100);
  Attr pub = MkdirOk(kRootInode, "pub", 0777);
  Attr f = CreateOk(pub.ino, "f", 0777, alice);
  SetAttrRequest chmod;
  chmod.mode = 06777;
  ASSERT_TRUE(fs_->SetAttr(alice, f.ino, chmod).ok());
  EXPECT_EQ(fs_->Write(Cred::Root(), f.ino, 0, "x")->mode, 06777u);
  EXPECT_EQ(fs_->Write(alice, f.ino, 0, "x")->mode, 0777u);
}

TEST_F(FsTest, ReadOnlyModeRefusesEveryMutation) {
  Attr d = MkdirOk(kRootInode, "d");
  Attr f = CreateOk(d.ino, "f");
  WriteOk(f.ino, 0, "hello");
  Close();
  options_.read_only = true;
  Open();
  Cred r = Cred::Root();
  EXPECT_EQ(ReadAll(f.ino), "hello");
  EXPECT_EQ(Errno(fs_->Create(r, d.ino, "g", 0644, true)), EROFS);
  EXPECT_EQ(Errno(fs_->Mkdir(r, d.ino, "g", 0755)), EROFS);
  EXPECT_EQ(Errno(fs_->Symlink(r, d.ino, "g", "x")), EROFS);
  EXPECT_EQ(Errno(fs_->Link(r, f.ino, d.ino, "g")), EROFS);
  EXPECT_EQ(Errno(fs_->Unlink(r, d.ino, "f")), EROFS);
  EXPECT_EQ(Errno(fs_->Rmdir(r, kRootInode, "d")), EROFS);
  EXPECT_EQ(Errno(fs_->Rename(r, d.ino, "f", d.ino, "g")), EROFS);
  EXPECT_EQ(Errno(fs_->Write(r, f.ino, 0, "x")), EROFS);
  EXPECT_EQ(Errno(fs_->SetAttr(r, f.ino, Mode(0600))), EROFS);
  EXPECT_EQ(Errno(fs_->PunchHole(r, f.ino, 0, 1)), EROFS);
  EXPECT_EQ(Errno(fs_->SetXattr(r, f.ino, "user.a", "b", 0)), EROFS);
  EXPECT_EQ(Errno(fs_->Open(r, f.ino, kAccessWrite)), EROFS);
  EXPECT_EQ(*fs_->Access(r, f.ino, kAccessWrite | kAccessRead), kAccessRead);
  EXPECT_TRUE(fs_->Open(r, f.ino, kAccessRead).ok());
  EXPECT_TRUE(fs_->Release(f.ino).ok());
  Close();
  options_.read_only = false;
  Open();
}

TEST_F(FsTest, StatFsCountsAndLimits) {
  auto s0 = fs_->StatFs();
  ASSERT_TRUE(s0.ok());
  EXPECT_EQ(s0->used_inodes, 1u);
  EXPECT_EQ(s0->used_bytes, 0u);
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 0, std::string(5000, 'a'));
  MkdirOk(kRootInode, "d");
  auto s1 = fs_->StatFs();
  EXPECT_EQ(s1->used_inodes, 3u);
  EXPECT_EQ(s1->used_bytes, 5000u);
  EXPECT_EQ(s1->name_max, 255u);
  Reopen();
  EXPECT_EQ(fs_->StatFs()->used_inodes, 3u);
  EXPECT_EQ(fs_->StatFs()->used_bytes, 5000u);

  Close();
  options_.max_bytes = 10000;
  options_.max_inodes = 4;
  Open();
  EXPECT_EQ(fs_->StatFs()->total_bytes, 10000u);
  EXPECT_EQ(fs_->StatFs()->free_bytes, 5000u);
  EXPECT_EQ(Errno(fs_->Write(Cred::Root(), f.ino, 5000, std::string(5001, 'b'))), ENOSPC);
  EXPECT_TRUE(fs_->Write(Cred::Root(), f.ino, 0, std::string(10000, 'b')).ok());
  EXPECT_TRUE(fs_->Write(Cred::Root(), f.ino, 0, std::string(10000, 'c')).ok());  // overwrite
  EXPECT_EQ(Errno(fs_->SetAttr(Cred::Root(), f.ino, Size(10001))), ENOSPC);
  CreateOk(kRootInode, "g");
  EXPECT_EQ(Errno(fs_->Create(Cred::Root(), kRootInode, "h", 0644, true)), ENOSPC);
  ASSERT_TRUE(fs_->Unlink(Cred::Root(), kRootInode, "g").ok());
  CreateOk(kRootInode, "h");
}

TEST_F(FsTest, FsyncMakesChangesSurviveACrash) {
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 0, "durable");
  ASSERT_TRUE(fs_->Fsync(f.ino).ok());
  WriteOk(f.ino, 0, "LOST!!!");
  Crash();
  Open();
  EXPECT_EQ(ReadAll(f.ino), "durable");
  EXPECT_EQ(Errno(fs_->Fsync(999999)), ESTALE);
}

}  // namespace
}  // namespace zerofs::fs
