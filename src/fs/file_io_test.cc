// File data: read, write, truncate, punch hole, fallocate, against a model.
#include <random>
#include <thread>

#include "fs/file_data.h"
#include "fs/fs_test_util.h"

namespace zerofs::fs {
namespace {

constexpr uint64_t kE = engine::kExtentSize;

TEST_F(FsTest, WriteReadSparseAndPastEof) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  Attr a = WriteOk(f.ino, 10, "hello");
  EXPECT_EQ(a.size, 15u);
  EXPECT_EQ(ReadAll(f.ino), std::string(10, '\0') + "hello");
  // Far past EOF: a hole in between, across several extents.
  a = WriteOk(f.ino, 5 * kE + 7, "tail");
  EXPECT_EQ(a.size, 5 * kE + 11);
  std::string all = ReadAll(f.ino);
  ASSERT_EQ(all.size(), 5 * kE + 11);
  EXPECT_EQ(all.substr(5 * kE + 7), "tail");
  EXPECT_EQ(all.substr(15, 5 * kE - 8), std::string(5 * kE - 8, '\0'));
  // Reads: short at EOF with eof set, empty past EOF.
  auto rd = fs_->Read(r, f.ino, 5 * kE + 9, 100);
  EXPECT_EQ(rd->data, "il");
  EXPECT_TRUE(rd->eof);
  rd = fs_->Read(r, f.ino, 0, 3);
  EXPECT_FALSE(rd->eof);
  rd = fs_->Read(r, f.ino, 1ull << 40, 10);
  EXPECT_TRUE(rd->data.empty());
  EXPECT_TRUE(rd->eof);
  // A write spanning extent boundaries, partially overwriting.
  std::string big(3 * kE, 'x');
  WriteOk(f.ino, kE - 3, big);
  all = ReadAll(f.ino);
  EXPECT_EQ(all.substr(kE - 3, 3 * kE), big);
  EXPECT_EQ(all.substr(10, 5), "hello");
  EXPECT_EQ(Errno(fs_->Write(r, f.ino, kMaxFileSize - 1, "ab")), EFBIG);
  EXPECT_EQ(Errno(fs_->Write(r, f.ino, UINT64_MAX, "a")), EFBIG);
  EXPECT_TRUE(fs_->Write(r, f.ino, kMaxFileSize - 1, "a").ok());
  EXPECT_EQ(AttrOf(f.ino).size, kMaxFileSize);
  EXPECT_EQ(fs_->Read(r, f.ino, kMaxFileSize - 1, 10)->data, "a");
}

TEST_F(FsTest, WriteUpdatesTimesAndReadUpdatesAtimeRelatime) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  Attr w = WriteOk(f.ino, 0, "data");
  EXPECT_GT(w.mtime, f.mtime);
  EXPECT_EQ(w.ctime, w.mtime);
  EXPECT_EQ(w.atime, f.atime);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_TRUE(fs_->Read(r, f.ino, 0, 4).ok());
  Attr after_read = AttrOf(f.ino);
  EXPECT_GT(after_read.atime, w.mtime);  // atime <= mtime: updated
  ASSERT_TRUE(fs_->Read(r, f.ino, 0, 4).ok());
  EXPECT_EQ(AttrOf(f.ino).atime, after_read.atime);  // newer than mtime: kept
  EXPECT_EQ(AttrOf(f.ino).mtime, w.mtime);
}

TEST_F(FsTest, TryReadCachedAnswersOnlyFromMemory) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 10, "hello");
  WriteOk(f.ino, 2 * kE + 1, "x");  // extent 1 is a hole
  // atime <= mtime: a read must commit an atime update, so no answer.
  auto t = fs_->TryReadCached(r, f.ino, 0, 3 * kE);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());
  ASSERT_TRUE(fs_->Read(r, f.ino, 0, 4).ok());  // updates atime
  // A new engine has an empty memory cache: every frame would be fetched.
  Reopen();
  t = fs_->TryReadCached(r, f.ino, 0, 3 * kE);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());
  auto full = fs_->Read(r, f.ino, 0, 3 * kE);  // fills the cache
  ASSERT_TRUE(full.ok());
  t = fs_->TryReadCached(r, f.ino, 0, 3 * kE);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->data, full->data);
  EXPECT_TRUE((*t)->eof);
  t = fs_->TryReadCached(r, f.ino, 12, 2);
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->data, "ll");
  EXPECT_FALSE((*t)->eof);
  t = fs_->TryReadCached(r, f.ino, 10 * kE, 5);  // past EOF
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_TRUE((*t)->data.empty());
  EXPECT_TRUE((*t)->eof);
  EXPECT_EQ(Errno(fs_->TryReadCached(r, kRootInode, 0, 1)), EISDIR);
}

TEST_F(FsTest, TryReadCachedSharedRefersToTheCachedExtents) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 10, "hello");
  WriteOk(f.ino, 2 * kE + 1, "x");             // extent 1 is a hole
  auto full = fs_->Read(r, f.ino, 0, 3 * kE);  // updates atime, fills the cache
  ASSERT_TRUE(full.ok());
  auto t = fs_->TryReadCachedShared(r, f.ino, 8, 3 * kE);
  ASSERT_TRUE(t.ok() && t->has_value());
  const SharedReadResult& s = **t;
  EXPECT_TRUE(s.eof);
  std::string joined;
  for (const auto& piece : s.pieces) {
    if (piece.owner) {
      // A view into the cached extent, not a copy of it.
      EXPECT_GE(piece.bytes.data(), piece.owner->data());
      EXPECT_LE(piece.bytes.data() + piece.bytes.size(), piece.owner->data() + piece.owner->size());
    } else {
      EXPECT_EQ(piece.bytes.find_first_not_of('\0'), std::string_view::npos);
    }
    joined.append(piece.bytes);
  }
  EXPECT_EQ(s.size, joined.size());
  EXPECT_EQ(joined, full->data.substr(8));
  // Reads past EOF or of nothing have no pieces.
  t = fs_->TryReadCachedShared(r, f.ino, 10 * kE, 5);
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_TRUE((*t)->pieces.empty());
  EXPECT_TRUE((*t)->eof);
}

TEST_F(FsTest, TruncateDownZeroesTheTail) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 0, std::string(3 * kE, 'a'));
  ASSERT_TRUE(fs_->SetAttr(r, f.ino, Size(kE + 100)).ok());
  EXPECT_EQ(AttrOf(f.ino).size, kE + 100);
  ASSERT_TRUE(fs_->SetAttr(r, f.ino, Size(4 * kE)).ok());
  std::string all = ReadAll(f.ino);
  EXPECT_EQ(all, std::string(kE + 100, 'a') + std::string(3 * kE - 100, '\0'));
  ASSERT_TRUE(fs_->SetAttr(r, f.ino, Size(0)).ok());
  EXPECT_EQ(ReadAll(f.ino), "");
  EXPECT_EQ(fs_->StatFs()->used_bytes, 0u);
}

TEST_F(FsTest, PunchHoleAndFallocate) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 0, std::string(4 * kE, 'a'));
  Attr p = *fs_->PunchHole(r, f.ino, 100, 2 * kE);
  EXPECT_EQ(p.size, 4 * kE);
  std::string all = ReadAll(f.ino);
  EXPECT_EQ(all,
            std::string(100, 'a') + std::string(2 * kE, '\0') + std::string(2 * kE - 100, 'a'));
  // Punch past EOF keeps the size; zero-range without keep-size extends it.
  ASSERT_TRUE(fs_->PunchHole(r, f.ino, 3 * kE, 10 * kE).ok());
  EXPECT_EQ(AttrOf(f.ino).size, 4 * kE);
  EXPECT_EQ(ReadAll(f.ino).substr(3 * kE), std::string(kE, '\0'));
  ASSERT_TRUE(fs_->Fallocate(r, f.ino, kFallocZeroRange, 0, 5 * kE).ok());
  EXPECT_EQ(ReadAll(f.ino), std::string(5 * kE, '\0'));
  ASSERT_TRUE(fs_->Fallocate(r, f.ino, 0, 0, 6 * kE).ok());
  EXPECT_EQ(AttrOf(f.ino).size, 6 * kE);
  ASSERT_TRUE(fs_->Fallocate(r, f.ino, kFallocKeepSize, 0, 8 * kE).ok());
  EXPECT_EQ(AttrOf(f.ino).size, 6 * kE);
  EXPECT_EQ(Errno(fs_->Fallocate(r, f.ino, kFallocPunchHole, 0, 1)), EOPNOTSUPP);
  EXPECT_EQ(Errno(fs_->Fallocate(r, f.ino, kFallocPunchHole | kFallocZeroRange, 0, 1)), EINVAL);
  EXPECT_EQ(Errno(fs_->Fallocate(r, f.ino, 0x40, 0, 1)), EOPNOTSUPP);
  EXPECT_EQ(Errno(fs_->Fallocate(r, f.ino, 0, 0, 0)), EINVAL);
  EXPECT_EQ(Errno(fs_->Fallocate(r, kRootInode, 0, 0, 1)), EISDIR);
  EXPECT_EQ(Errno(fs_->Fallocate(r, f.ino, 0, kMaxFileSize, 1)), EFBIG);
}

TEST_F(FsTest, RandomOperationsMatchAModel) {
  Cred r = Cred::Root();
  Attr f = CreateOk(kRootInode, "f");
  std::string model;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 150; i++) {
    uint64_t off = rng() % (6 * kE);
    uint64_t len = 1 + rng() % (2 * kE);
    switch (rng() % 4) {
      case 0:
      case 1: {
        std::string data(len, static_cast<char>('a' + i % 26));
        WriteOk(f.ino, off, data);
        if (model.size() < off + len) model.resize(off + len, '\0');
        model.replace(off, len, data);
        break;
      }
      case 2:
        ASSERT_TRUE(fs_->SetAttr(r, f.ino, Size(off)).ok());
        model.resize(off, '\0');
        break;
      case 3:
        ASSERT_TRUE(fs_->PunchHole(r, f.ino, off, len).ok());
        if (off < model.size()) {
          uint64_t n = std::min<uint64_t>(len, model.size() - off);
          model.replace(off, n, std::string(n, '\0'));
        }
        break;
    }
    ASSERT_EQ(AttrOf(f.ino).size, model.size()) << "step " << i;
    if (i % 10 == 0) {
      ASSERT_EQ(ReadAll(f.ino), model) << "step " << i;
    }
  }
  Reopen();
  EXPECT_EQ(ReadAll(f.ino), model);
  EXPECT_EQ(fs_->StatFs()->used_bytes, model.size());
}

TEST_F(FsTest, IoPermissionChecks) {
  Cred alice = User(1000, 100);
  Attr pub = MkdirOk(kRootInode, "pub", 0777);
  Attr f = CreateOk(pub.ino, "f", 0600, alice);
  Cred bob = User(1001, 100);
  EXPECT_EQ(Errno(fs_->Read(bob, f.ino, 0, 1)), EACCES);
  EXPECT_EQ(Errno(fs_->Write(bob, f.ino, 0, "x")), EACCES);
  EXPECT_EQ(Errno(fs_->Open(bob, f.ino, kAccessRead)), EACCES);
  // An opened handle keeps working after a chmod (IoCheck::kOpened).
  ASSERT_TRUE(fs_->Open(alice, f.ino, kAccessRead | kAccessWrite).ok());
  ASSERT_TRUE(fs_->SetAttr(alice, f.ino, Mode(0)).ok());
  EXPECT_EQ(Errno(fs_->Write(alice, f.ino, 0, "x")), EACCES);
  EXPECT_TRUE(fs_->Write(alice, f.ino, 0, "x", IoCheck::kOpened).ok());
  EXPECT_EQ(fs_->Read(alice, f.ino, 0, 1, IoCheck::kOpened)->data, "x");
  ASSERT_TRUE(fs_->Release(f.ino).ok());
  EXPECT_EQ(Errno(fs_->Open(alice, pub.ino, kAccessWrite)), EISDIR);
}

TEST(FileDataTest, ExtentMath) {
  EXPECT_EQ(ExtentCount(0), 0u);
  EXPECT_EQ(ExtentCount(1), 1u);
  EXPECT_EQ(ExtentCount(kE), 1u);
  EXPECT_EQ(ExtentCount(kE + 1), 2u);
  EXPECT_EQ(ExtentOf(kE - 1), 0u);
  EXPECT_EQ(ExtentOf(kE), 1u);
  EXPECT_EQ(kMaxFileSize % kE, 0u);
}

}  // namespace
}  // namespace zerofs::fs
