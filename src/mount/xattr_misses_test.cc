#include "mount/xattr_misses.h"

#include <gtest/gtest.h>

#include <chrono>

#include "mount/fake_clock.h"

namespace zerofs::mount {
namespace {

using namespace std::chrono_literals;

TEST(XattrMissesTest, AnAbsenceIsKeptForTheTtlFromItsRequest) {
  FakeClock clock;
  XattrMisses x(1.0, 100, clock.Fn());
  EXPECT_FALSE(x.Missing(5, "security.capability"));
  auto t = x.Begin();
  clock.now += 100ms;
  x.PutMissing(5, "security.capability", t);
  EXPECT_TRUE(x.Missing(5, "security.capability"));
  EXPECT_FALSE(x.Missing(5, "user.a"));  // never asked
  EXPECT_FALSE(x.Missing(6, "security.capability"));
  clock.now += 899ms;
  EXPECT_TRUE(x.Missing(5, "security.capability"));
  clock.now += 1ms;
  EXPECT_FALSE(x.Missing(5, "security.capability"));
  // A reply older than the ttl is not kept.
  auto old = x.Begin();
  clock.now += 2s;
  x.PutMissing(5, "user.a", old);
  EXPECT_FALSE(x.Missing(5, "user.a"));
}

TEST(XattrMissesTest, OwnChangesAndReconnectsDropIt) {
  FakeClock clock;
  XattrMisses x(1.0, 100, clock.Fn());
  x.PutMissing(5, "user.a", x.Begin());
  auto before = x.Begin();  // a getxattr in flight during the setxattr
  x.Drop(5);                // this mount's setxattr
  EXPECT_FALSE(x.Missing(5, "user.a"));
  x.PutMissing(5, "user.a", before);  // may predate the set: refused
  EXPECT_FALSE(x.Missing(5, "user.a"));
  x.PutMissing(5, "user.b", x.Begin());  // asked after: kept
  EXPECT_TRUE(x.Missing(5, "user.b"));
  auto old = x.Begin();
  x.Clear();
  EXPECT_FALSE(x.Missing(5, "user.b"));
  x.PutMissing(7, "user.a", old);  // from the old connection
  EXPECT_FALSE(x.Missing(7, "user.a"));
}

TEST(XattrMissesTest, BoundedAndOff) {
  FakeClock clock;
  XattrMisses x(1.0, 2, clock.Fn());
  x.PutMissing(1, "a", x.Begin());
  x.PutMissing(2, "a", x.Begin());
  EXPECT_TRUE(x.Missing(1, "a"));
  x.PutMissing(3, "a", x.Begin());  // full, nothing expired: the others go
  EXPECT_FALSE(x.Missing(1, "a"));
  EXPECT_FALSE(x.Missing(2, "a"));
  EXPECT_TRUE(x.Missing(3, "a"));
  XattrMisses off(0, 100, clock.Fn());
  off.PutMissing(1, "a", off.Begin());
  EXPECT_FALSE(off.Missing(1, "a"));
}

}  // namespace
}  // namespace zerofs::mount
