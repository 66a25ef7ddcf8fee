// Orphans kept for a client session whose connection broke, or across a
// restart (FileSystem::Open with a holder, Release with keep_for_holder,
// Reclaim).
#include <thread>

#include "fs/fs_test_util.h"
#include "fs/keys.h"
#include "fs/open_table.h"
#include "fs/orphan_mark.h"

namespace zerofs::fs {
namespace {

const std::string kSessionA(kHolderKeySize, 'a');
const std::string kSessionB(kHolderKeySize, 'b');

class KeptOrphanTest : public FsTest {
 protected:
  // A file with `data`, opened by `holder` and unlinked.
  Attr OpenUnlinked(const std::string& holder, const std::string& data) {
    Attr f = CreateOk(kRootInode, "f");
    WriteOk(f.ino, 0, data);
    EXPECT_TRUE(fs_->Open(Cred::Root(), f.ino, kAccessRead | kAccessWrite, holder).ok());
    EXPECT_TRUE(fs_->Unlink(Cred::Root(), kRootInode, "f").ok());
    return f;
  }
  std::vector<std::string> MarkHolders(InodeId ino) {
    auto v = engine_->Get(keys::Orphan(ino));
    EXPECT_TRUE(v.ok() && v->has_value());
    std::vector<std::string> holders;
    EXPECT_TRUE(v.ok() && v->has_value() && DecodeOrphanMark(**v, &holders));
    return holders;
  }
  // Writes orphan marks as they are, then restarts after a crash.
  void RestartWithMarks(const std::vector<std::pair<InodeId, std::string>>& marks) {
    engine::Transaction txn;
    for (const auto& [ino, value] : marks) txn.Put(keys::Orphan(ino), value);
    ASSERT_TRUE(engine_->Commit(std::move(txn)).ok());
    ASSERT_TRUE(engine_->Flush().ok());
    Crash();
    Open();
  }
  // Waits (up to 5 s) until `ino` is freed.
  bool FreedWithin5s(InodeId ino) {
    for (int i = 0; i < 500; i++) {
      if (Errno(fs_->GetAttr(ino)) == ESTALE) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

TEST_F(KeptOrphanTest, TheMarkNamesTheSessionsThatHadItOpen) {
  Attr f = OpenUnlinked(kSessionA, "x");
  EXPECT_EQ(MarkHolders(f.ino), std::vector<std::string>{kSessionA});
  // Opened again through a fid kept across the unlink, by another session.
  ASSERT_TRUE(fs_->Open(Cred::Root(), f.ino, kAccessRead, kSessionB).ok());
  EXPECT_EQ(MarkHolders(f.ino), (std::vector<std::string>{kSessionA, kSessionB}));
  EXPECT_EQ(Errno(fs_->Open(Cred::Root(), f.ino, kAccessRead, "short")), EINVAL);
}

TEST_F(KeptOrphanTest, AClosedFileIsFreedAtOnce) {
  Attr f = OpenUnlinked(kSessionA, "x");
  ASSERT_TRUE(fs_->Release(f.ino, kSessionA).ok());
  EXPECT_EQ(Errno(fs_->GetAttr(f.ino)), ESTALE);
  EXPECT_EQ(Errno(fs_->Reclaim(f.ino, kSessionA)), ESTALE);
}

TEST_F(KeptOrphanTest, ALostConnectionKeepsItForTheSessionOnly) {
  options_.reconnect_grace = std::chrono::seconds(60);
  Open();
  Attr f = OpenUnlinked(kSessionA, "kept data");
  ASSERT_TRUE(fs_->Release(f.ino, kSessionA, /*keep_for_holder=*/true).ok());
  EXPECT_EQ(Errno(fs_->Reclaim(f.ino, kSessionB)), ESTALE);
  EXPECT_EQ(Errno(fs_->Reclaim(f.ino, "")), ESTALE);
  auto a = fs_->Reclaim(f.ino, kSessionA);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_EQ(a->ino, f.ino);
  EXPECT_EQ(a->nlink, 0u);
  ASSERT_TRUE(fs_->Open(Cred::Root(), f.ino, kAccessRead, kSessionA).ok());
  EXPECT_EQ(ReadAll(f.ino), "kept data");
  // Closed for good now, but the kept reference lasts its grace.
  ASSERT_TRUE(fs_->Release(f.ino, kSessionA).ok());
  EXPECT_TRUE(fs_->GetAttr(f.ino).ok());
  EXPECT_EQ(fs_->OpenInodeCount(), 1u);
}

TEST_F(KeptOrphanTest, AKeptOrphanIsFreedAfterTheGrace) {
  options_.reconnect_grace = std::chrono::seconds(1);
  Open();
  Attr f = OpenUnlinked(kSessionA, std::string(50000, 'k'));
  ASSERT_TRUE(fs_->Release(f.ino, kSessionA, /*keep_for_holder=*/true).ok());
  EXPECT_TRUE(fs_->GetAttr(f.ino).ok());
  EXPECT_TRUE(FreedWithin5s(f.ino));
  EXPECT_FALSE(engine_->Get(keys::Orphan(f.ino))->has_value());
  EXPECT_EQ(fs_->OpenInodeCount(), 0u);
  EXPECT_EQ(fs_->StatFs()->used_inodes, 1u);
}

TEST_F(KeptOrphanTest, AReopenedOrphanOutlivesTheGrace) {
  options_.reconnect_grace = std::chrono::seconds(1);
  Open();
  Attr f = OpenUnlinked(kSessionA, "x");
  ASSERT_TRUE(fs_->Release(f.ino, kSessionA, /*keep_for_holder=*/true).ok());
  ASSERT_TRUE(fs_->Reclaim(f.ino, kSessionA).ok());
  ASSERT_TRUE(fs_->Open(Cred::Root(), f.ino, kAccessRead, kSessionA).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(ReadAll(f.ino), "x");
  ASSERT_TRUE(fs_->Release(f.ino, kSessionA).ok());
  EXPECT_TRUE(FreedWithin5s(f.ino));
}

TEST_F(KeptOrphanTest, ARestartKeepsItForItsSessions) {
  options_.reconnect_grace = std::chrono::seconds(60);
  Open();
  Attr f = OpenUnlinked(kSessionA, "survives a restart");
  Attr plain = CreateOk(kRootInode, "plain");
  ASSERT_TRUE(fs_->Open(Cred::Root(), plain.ino, kAccessRead).ok());
  ASSERT_TRUE(fs_->Unlink(Cred::Root(), kRootInode, "plain").ok());
  ASSERT_TRUE(fs_->Flush().ok());
  Crash();
  Open();
  // No holder: swept at once, as before holders existed.
  EXPECT_EQ(Errno(fs_->GetAttr(plain.ino)), ESTALE);
  EXPECT_EQ(Errno(fs_->Reclaim(f.ino, kSessionB)), ESTALE);
  ASSERT_TRUE(fs_->Reclaim(f.ino, kSessionA).ok());
  ASSERT_TRUE(fs_->Open(Cred::Root(), f.ino, kAccessRead | kAccessWrite, kSessionA).ok());
  EXPECT_EQ(ReadAll(f.ino), "survives a restart");
  WriteOk(f.ino, 0, "S");
  EXPECT_EQ(ReadAll(f.ino), "Survives a restart");
}

TEST_F(KeptOrphanTest, ARestartWithoutGraceFreesEverything) {
  options_.reconnect_grace = std::chrono::seconds(0);
  Open();
  Attr f = OpenUnlinked(kSessionA, "x");
  ASSERT_TRUE(fs_->Flush().ok());
  Crash();
  Open();
  EXPECT_EQ(Errno(fs_->GetAttr(f.ino)), ESTALE);
}

TEST_F(KeptOrphanTest, AnOldMarkWithoutHoldersIsSwept) {
  // A version-1 mark, as written before holders were recorded.
  Attr f = CreateOk(kRootInode, "f");
  ASSERT_TRUE(fs_->Open(Cred::Root(), f.ino, kAccessRead).ok());
  ASSERT_TRUE(fs_->Unlink(Cred::Root(), kRootInode, "f").ok());
  RestartWithMarks({{f.ino, std::string(1, '\x01')}});
  EXPECT_EQ(Errno(fs_->GetAttr(f.ino)), ESTALE);
}

TEST_F(KeptOrphanTest, AStaleMarkWithHoldersIsDeletedAtStart) {
  // A mark whose inode still has a name (or is gone) is not kept: as a
  // version-1 one, it is deleted.
  Attr f = CreateOk(kRootInode, "f");
  RestartWithMarks(
      {{f.ino, EncodeOrphanMark({kSessionA})}, {f.ino + 1000, EncodeOrphanMark({kSessionA})}});
  EXPECT_FALSE(engine_->Get(keys::Orphan(f.ino))->has_value());
  EXPECT_FALSE(engine_->Get(keys::Orphan(f.ino + 1000))->has_value());
  EXPECT_EQ(AttrOf(f.ino).nlink, 1u);
  EXPECT_EQ(Errno(fs_->Reclaim(f.ino, kSessionA)), ESTALE);
}

TEST(OrphanMarkTest, RoundTripAndRejects) {
  std::vector<std::string> holders;
  ASSERT_TRUE(DecodeOrphanMark(std::string(1, '\x01'), &holders));
  EXPECT_TRUE(holders.empty());
  ASSERT_TRUE(DecodeOrphanMark(EncodeOrphanMark({kSessionA, kSessionB}), &holders));
  EXPECT_EQ(holders, (std::vector<std::string>{kSessionA, kSessionB}));
  ASSERT_TRUE(DecodeOrphanMark(EncodeOrphanMark({}), &holders));
  EXPECT_TRUE(holders.empty());
  // Keys of another length are not recorded.
  ASSERT_TRUE(DecodeOrphanMark(EncodeOrphanMark({"short", kSessionA}), &holders));
  EXPECT_EQ(holders, std::vector<std::string>{kSessionA});
  std::string v2 = EncodeOrphanMark({kSessionA});
  EXPECT_FALSE(DecodeOrphanMark("", &holders));
  EXPECT_FALSE(DecodeOrphanMark(std::string(1, '\x03'), &holders));
  EXPECT_FALSE(DecodeOrphanMark(std::string("\x01\x00", 2), &holders));
  EXPECT_FALSE(DecodeOrphanMark(v2.substr(0, v2.size() - 1), &holders));
  EXPECT_FALSE(DecodeOrphanMark(v2 + "x", &holders));
}

TEST(OpenTableTest, KeptReferencesExpire) {
  OpenTable t;
  const auto now = OpenTable::Clock::now();
  t.Add(7, kSessionA);
  t.Add(7);
  EXPECT_TRUE(t.HeldBy(7, kSessionA));
  EXPECT_FALSE(t.HeldBy(7, kSessionB));
  EXPECT_FALSE(t.HeldBy(7, ""));
  t.Keep(7, kSessionB, now + std::chrono::seconds(10));
  EXPECT_TRUE(t.Drop(7, kSessionA));
  EXPECT_FALSE(t.HeldBy(7, kSessionA));
  EXPECT_EQ(t.Holders(7), std::vector<std::string>{kSessionB});
  EXPECT_TRUE(t.Drop(7));  // kept by B
  EXPECT_TRUE(t.Expire(7, now + std::chrono::seconds(9)));
  EXPECT_FALSE(t.Expire(7, now + std::chrono::seconds(10)));
  EXPECT_FALSE(t.IsOpen(7));
  EXPECT_EQ(t.size(), 0u);
}

}  // namespace
}  // namespace zerofs::fs
