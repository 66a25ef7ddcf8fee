#include "ninep/lock_table.h"

#include <gtest/gtest.h>

namespace zerofs::ninep {
namespace {

constexpr fs::InodeId kIno = 42;
constexpr uint64_t kEof = LockTable::kToEof;

const LockOwner kA{"host-a", 100};
const LockOwner kB{"host-b", 200};

HeldLock Held(LockKind kind, uint64_t start, uint64_t end, const LockOwner& owner,
              uint64_t session = 1) {
  return HeldLock{kind, start, end, owner, session};
}

TEST(LockTableTest, ReadLocksOfDifferentOwnersCoexist) {
  LockTable t;
  EXPECT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 0, 99));
  EXPECT_TRUE(t.SetLock(kIno, kB, 2, LockKind::kRead, 50, 149));
  EXPECT_EQ(t.LocksOn(kIno).size(), 2u);
}

TEST(LockTableTest, WriteLockConflictsWithOtherOwnersOverlap) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 10, 19));
  EXPECT_FALSE(t.SetLock(kIno, kB, 2, LockKind::kWrite, 19, 30));
  EXPECT_TRUE(t.SetLock(kIno, kB, 2, LockKind::kWrite, 20, 30));  // adjacent is fine
  EXPECT_FALSE(t.SetLock(kIno, kA, 1, LockKind::kRead, 25, 25));
  // A refused request changes nothing.
  EXPECT_EQ(t.LocksOn(kIno), (std::vector<HeldLock>{Held(LockKind::kRead, 10, 19, kA),
                                                    Held(LockKind::kWrite, 20, 30, kB, 2)}));
}

TEST(LockTableTest, DifferentInodesNeverConflict) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(1, kA, 1, LockKind::kWrite, 0, kEof));
  EXPECT_TRUE(t.SetLock(2, kB, 2, LockKind::kWrite, 0, kEof));
}

TEST(LockTableTest, SameOwnerNeverConflictsAndUpgradeSplits) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 0, 99));
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kWrite, 40, 59));
  EXPECT_EQ(t.LocksOn(kIno), (std::vector<HeldLock>{Held(LockKind::kRead, 0, 39, kA),
                                                    Held(LockKind::kWrite, 40, 59, kA),
                                                    Held(LockKind::kRead, 60, 99, kA)}));
}

TEST(LockTableTest, UnlockInTheMiddleSplits) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kWrite, 0, kEof));
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kUnlock, 100, 199));
  EXPECT_EQ(t.LocksOn(kIno), (std::vector<HeldLock>{Held(LockKind::kWrite, 0, 99, kA),
                                                    Held(LockKind::kWrite, 200, kEof, kA)}));
  // The hole is free for someone else, the rest is not.
  EXPECT_TRUE(t.SetLock(kIno, kB, 2, LockKind::kWrite, 100, 199));
  EXPECT_FALSE(t.SetLock(kIno, kB, 2, LockKind::kWrite, 99, 99));
  EXPECT_FALSE(t.SetLock(kIno, kB, 2, LockKind::kRead, 200, 200));
}

TEST(LockTableTest, AdjacentAndOverlappingSameKindMerge) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 0, 9));
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 20, 29));
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 10, 19));
  EXPECT_EQ(t.LocksOn(kIno), (std::vector<HeldLock>{Held(LockKind::kRead, 0, 29, kA)}));
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 25, 40));
  EXPECT_EQ(t.LocksOn(kIno), (std::vector<HeldLock>{Held(LockKind::kRead, 0, 40, kA)}));
}

TEST(LockTableTest, DifferentKindsDoNotMerge) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 0, 9));
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kWrite, 10, 19));
  EXPECT_EQ(t.LocksOn(kIno).size(), 2u);
}

TEST(LockTableTest, DowngradeWholeRange) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kWrite, 0, 99));
  ASSERT_FALSE(t.SetLock(kIno, kB, 2, LockKind::kRead, 0, 0));
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 0, 99));
  EXPECT_TRUE(t.SetLock(kIno, kB, 2, LockKind::kRead, 0, 0));
}

TEST(LockTableTest, UnlockEverythingEmptiesTheInode) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kWrite, 5, 10));
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kUnlock, 0, kEof));
  EXPECT_TRUE(t.LocksOn(kIno).empty());
  // Unlocking what one does not hold is fine and touches nobody else.
  ASSERT_TRUE(t.SetLock(kIno, kB, 2, LockKind::kWrite, 0, 0));
  EXPECT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kUnlock, 0, kEof));
  EXPECT_EQ(t.LocksOn(kIno).size(), 1u);
}

TEST(LockTableTest, TestLockReportsFirstConflict) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 100, 199));
  EXPECT_FALSE(t.TestLock(kIno, kB, LockKind::kRead, 0, kEof).has_value());
  auto c = t.TestLock(kIno, kB, LockKind::kWrite, 150, 150);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*c, Held(LockKind::kRead, 100, 199, kA));
  EXPECT_FALSE(t.TestLock(kIno, kA, LockKind::kWrite, 0, kEof).has_value());  // own locks
  EXPECT_FALSE(t.TestLock(kIno, kB, LockKind::kUnlock, 0, kEof).has_value());
}

TEST(LockTableTest, OwnerIsClientIdAndProcId) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, LockOwner{"h", 1}, 1, LockKind::kWrite, 0, 0));
  EXPECT_FALSE(t.SetLock(kIno, LockOwner{"h", 2}, 1, LockKind::kWrite, 0, 0));
  EXPECT_FALSE(t.SetLock(kIno, LockOwner{"g", 1}, 1, LockKind::kWrite, 0, 0));
  EXPECT_TRUE(t.SetLock(kIno, LockOwner{"h", 1}, 7, LockKind::kWrite, 0, 0));
}

TEST(LockTableTest, ReleaseSessionDropsOnlyItsLocks) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kRead, 0, 9));
  ASSERT_TRUE(t.SetLock(kIno, kB, 2, LockKind::kRead, 0, 9));
  ASSERT_TRUE(t.SetLock(kIno + 1, kA, 1, LockKind::kWrite, 0, kEof));
  t.ReleaseSession(1);
  EXPECT_EQ(t.LocksOn(kIno), (std::vector<HeldLock>{Held(LockKind::kRead, 0, 9, kB, 2)}));
  EXPECT_TRUE(t.LocksOn(kIno + 1).empty());
}

TEST(LockTableTest, LockToEofMergesAndNeverOverflows) {
  LockTable t;
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kWrite, 10, kEof));
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kWrite, 0, 9));
  EXPECT_EQ(t.LocksOn(kIno), (std::vector<HeldLock>{Held(LockKind::kWrite, 0, kEof, kA)}));
  ASSERT_TRUE(t.SetLock(kIno, kA, 1, LockKind::kUnlock, kEof, kEof));
  EXPECT_EQ(t.LocksOn(kIno), (std::vector<HeldLock>{Held(LockKind::kWrite, 0, kEof - 1, kA)}));
}

TEST(LockTableTest, RangeConversions) {
  EXPECT_EQ(LockTable::EndOf(0, 0).value(), kEof);
  EXPECT_EQ(LockTable::EndOf(5, 0).value(), kEof);
  EXPECT_EQ(LockTable::EndOf(5, 1).value(), 5u);
  EXPECT_EQ(LockTable::EndOf(5, 10).value(), 14u);
  EXPECT_EQ(LockTable::EndOf(kEof, 1).value(), kEof);
  EXPECT_FALSE(LockTable::EndOf(kEof, 2).ok());
  EXPECT_FALSE(LockTable::EndOf(10, kEof).ok());
  EXPECT_EQ(LockTable::LengthOf(5, kEof), 0u);
  EXPECT_EQ(LockTable::LengthOf(5, 14), 10u);
}

}  // namespace
}  // namespace zerofs::ninep
