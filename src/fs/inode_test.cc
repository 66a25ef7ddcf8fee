// Record and key encodings.
#include "fs/inode.h"
#include "fs/directory.h"
#include "fs/keys.h"
#include "fs/permissions.h"

#include <gtest/gtest.h>

#include "fs/fs_test_util.h"

namespace zerofs::fs {
namespace {

TEST(InodeRecordTest, RoundTripsAndRejectsDamage) {
  InodeRecord rec;
  rec.type = FileType::kSymlink;
  rec.mode = 04755;
  rec.nlink = 3;
  rec.uid = 7;
  rec.gid = 8;
  rec.size = 1ull << 40;
  rec.atime = {-5, 1};
  rec.mtime = {6, 999999999};
  rec.generation = 99;
  rec.parent = 12;
  rec.next_cookie = 44;
  rec.target = "a/b";
  std::string bytes;
  rec.EncodeTo(&bytes);
  InodeRecord back;
  ASSERT_TRUE(InodeRecord::DecodeFrom(bytes, &back));
  EXPECT_EQ(back.mode, 04755u);
  EXPECT_EQ(back.atime, (Timespec{-5, 1}));
  EXPECT_EQ(back.target, "a/b");
  EXPECT_EQ(back.next_cookie, 44u);
  EXPECT_FALSE(InodeRecord::DecodeFrom(bytes.substr(0, bytes.size() - 1), &back));
  EXPECT_FALSE(InodeRecord::DecodeFrom(bytes + "x", &back));
  std::string v2 = bytes;
  v2[0] = 2;  // unknown version
  EXPECT_FALSE(InodeRecord::DecodeFrom(v2, &back));
}

TEST(KeysTest, OrderAndParse) {
  EXPECT_LT(keys::Cookie(1, 9), keys::Cookie(1, 10));
  EXPECT_LT(keys::Cookie(1, 0xFFFFFFFF), keys::Cookie(2, 0));
  EXPECT_LT(keys::Inode(255), keys::Inode(256));
  InodeId dir;
  uint64_t cookie;
  ASSERT_TRUE(keys::ParseCookie(keys::Cookie(5, 77), &dir, &cookie));
  EXPECT_EQ(dir, 5u);
  EXPECT_EQ(cookie, 77u);
  std::string_view name;
  const std::string entry_key = keys::Entry(5, "x.txt");  // `name` points into it
  ASSERT_TRUE(keys::ParseEntry(entry_key, &dir, &name));
  EXPECT_EQ(name, "x.txt");
  EXPECT_FALSE(keys::ParseEntry(keys::EntryPrefix(5), &dir, &name));
  EXPECT_EQ(keys::Entry(1, "a").substr(0, 9), keys::EntryPrefix(1));
}

TEST(DirectoryTest, EntryValuesRoundTrip) {
  EntryValue e{42, FileType::kFifo, 1234};
  EntryValue back;
  ASSERT_TRUE(DecodeEntry(EncodeEntry(e), &back));
  EXPECT_EQ(back.ino, 42u);
  EXPECT_EQ(back.type, FileType::kFifo);
  EXPECT_EQ(back.cookie, 1234u);
  InodeId ino;
  FileType type;
  std::string name;
  ASSERT_TRUE(
      DecodeCookieValue(EncodeCookieValue(9, FileType::kDirectory, "nm"), &ino, &type, &name));
  EXPECT_EQ(name, "nm");
  EXPECT_EQ(Errno(ValidateName("a/b", 255)), EINVAL);
}

TEST(PermissionsTest, ClassesAndRoot) {
  InodeRecord rec;
  rec.uid = 10;
  rec.gid = 20;
  rec.mode = 0754;
  EXPECT_EQ(GrantedAccess(Cred{10, 1, {}}, rec), 7u);
  EXPECT_EQ(GrantedAccess(Cred{11, 20, {}}, rec), 5u);
  EXPECT_EQ(GrantedAccess(Cred{11, 1, {3, 20}}, rec), 5u);
  EXPECT_EQ(GrantedAccess(Cred{11, 1, {}}, rec), 4u);
  rec.mode = 0600;
  EXPECT_EQ(GrantedAccess(Cred::Root(), rec), 6u);  // no x bit: no exec even for root
  rec.type = FileType::kDirectory;
  EXPECT_EQ(GrantedAccess(Cred::Root(), rec), 7u);
  EXPECT_EQ(KillSuid(06755), 0755u);
  EXPECT_EQ(KillSuid(06745), 02745u);
}

}  // namespace
}  // namespace zerofs::fs
