#include "mount/lock_records.h"

#include <gtest/gtest.h>

#include <string>

#include "ninep/wire.h"

namespace zerofs::mount {
namespace {

constexpr uint8_t kRead = ninep::kLockTypeRead;
constexpr uint8_t kWrite = ninep::kLockTypeWrite;
constexpr uint8_t kUnlock = ninep::kLockTypeUnlock;

// "node/owner:type[start,+length]" per held lock, in order.
std::string Show(const LockRecords& r) {
  std::string s;
  for (const auto& h : r.All()) {
    s += std::to_string(h.node) + "/" + std::to_string(h.proc_id) + ":" +
         (h.type == kWrite ? "W" : "R") + "[" + std::to_string(h.start) + ",+" +
         std::to_string(h.length) + "] ";
  }
  return s;
}

TEST(LockRecordsTest, LockReplacesAndSplitsTheOwnersRanges) {
  LockRecords r;
  r.Apply(1, 7, kRead, 0, 100);
  r.Apply(1, 7, kWrite, 40, 10);
  EXPECT_EQ(Show(r), "1/7:R[0,+40] 1/7:W[40,+10] 1/7:R[50,+50] ");
  r.Apply(1, 7, kUnlock, 0, 45);
  EXPECT_EQ(Show(r), "1/7:W[45,+5] 1/7:R[50,+50] ");
  r.Apply(1, 7, kUnlock, 0, 0);  // to the end of the file
  EXPECT_EQ(Show(r), "");
}

TEST(LockRecordsTest, OwnersAndNodesAreSeparate) {
  LockRecords r;
  r.Apply(1, 7, kWrite, 0, 0);
  r.Apply(1, 8, kRead, 10, 5);
  r.Apply(2, 7, kRead, 0, 1);
  r.Apply(1, 8, kUnlock, 0, 0);
  EXPECT_EQ(Show(r), "1/7:W[0,+0] 2/7:R[0,+1] ");
  r.DropOwner(1, 7);
  EXPECT_EQ(Show(r), "2/7:R[0,+1] ");
}

TEST(LockRecordsTest, RangesToTheEndAndAtTheTopOfTheOffsetSpace) {
  LockRecords r;
  r.Apply(3, 1, kWrite, 100, 0);
  r.Apply(3, 1, kUnlock, 200, 50);
  EXPECT_EQ(Show(r), "3/1:W[100,+100] 3/1:W[250,+0] ");
  // A length that runs past the top of the offset space means "to the end".
  r.Apply(3, 1, kRead, UINT64_MAX - 5, 100);
  EXPECT_EQ(Show(r),
            "3/1:W[100,+100] 3/1:W[250,+18446744073709551360] 3/1:R[18446744073709551610,+0] ");
}

}  // namespace
}  // namespace zerofs::mount
