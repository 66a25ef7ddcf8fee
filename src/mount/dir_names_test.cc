#include "mount/dir_names.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "mount/fake_clock.h"

namespace zerofs::mount {
namespace {

using namespace std::chrono_literals;
using Clock = DirNames::Clock;

TEST(DirNamesTest, AMadeDirectoryIsKnownEmptyForTheTtlFromItsRequest) {
  FakeClock clock;
  DirNames n(1.0, 100, clock.Fn());
  EXPECT_FALSE(n.KnownMissing(5, "a").has_value());  // never known
  Clock::time_point sent = clock.now;
  clock.now += 200ms;  // the Tmkdir's round trip
  n.KnowEmpty(5, sent);
  auto left = n.KnownMissing(5, "a");
  ASSERT_TRUE(left.has_value());
  EXPECT_NEAR(*left, 0.8, 1e-6);  // the kernel keeps its negative entry no longer
  clock.now += 799ms;
  EXPECT_TRUE(n.KnownMissing(5, "a").has_value());
  clock.now += 1ms;
  EXPECT_FALSE(n.KnownMissing(5, "a").has_value());
  EXPECT_EQ(n.dirs(), 0u);  // expired records go
  // A reply that came after the ttl is not kept at all.
  n.KnowEmpty(6, clock.now - 2s);
  EXPECT_FALSE(n.KnownMissing(6, "a").has_value());
}

TEST(DirNamesTest, OwnChangesKeepTheNamesCurrent) {
  FakeClock clock;
  DirNames n(1.0, 100, clock.Fn());
  n.KnowEmpty(5, clock.now);
  n.KnowEmpty(7, clock.now);
  n.Added(5, "a");
  n.Added(5, "b");
  EXPECT_FALSE(n.KnownMissing(5, "a").has_value());  // there: the server is asked
  EXPECT_TRUE(n.KnownMissing(5, "c").has_value());
  EXPECT_TRUE(n.KnownMissing(7, "a").has_value());  // another directory
  n.Removed(5, "a");
  EXPECT_TRUE(n.KnownMissing(5, "a").has_value());
  // A rename from 5 to 7.
  n.Removed(5, "b");
  n.Added(7, "b");
  EXPECT_TRUE(n.KnownMissing(5, "b").has_value());
  EXPECT_FALSE(n.KnownMissing(7, "b").has_value());
  EXPECT_EQ(n.names(), 1u);
  // Changes in unknown directories are ignored.
  n.Added(9, "x");
  EXPECT_FALSE(n.KnownMissing(9, "y").has_value());
  EXPECT_EQ(n.names(), 1u);
}

TEST(DirNamesTest, ForgetClearAndTheBound) {
  FakeClock clock;
  DirNames n(1.0, 3, clock.Fn());
  n.KnowEmpty(5, clock.now);
  n.KnowEmpty(6, clock.now);
  n.Forget(5);  // an error left it unsure
  EXPECT_FALSE(n.KnownMissing(5, "a").has_value());
  EXPECT_TRUE(n.KnownMissing(6, "a").has_value());
  n.Clear();  // a reconnect
  EXPECT_FALSE(n.KnownMissing(6, "a").has_value());
  n.KnowEmpty(6, clock.now);
  n.Added(6, "a");
  n.Added(6, "b");
  n.Added(6, "c");
  EXPECT_TRUE(n.KnownMissing(6, "d").has_value());
  n.Added(6, "d");  // over the bound: everything is forgotten
  EXPECT_FALSE(n.KnownMissing(6, "e").has_value());
  EXPECT_EQ(n.names(), 0u);
  // Knowing a directory again starts it empty.
  n.KnowEmpty(6, clock.now);
  EXPECT_TRUE(n.KnownMissing(6, "a").has_value());
}

TEST(DirNamesTest, OffKnowsNothing) {
  FakeClock clock;
  DirNames n(0, 100, clock.Fn());
  EXPECT_FALSE(n.enabled());
  n.KnowEmpty(5, clock.now);
  EXPECT_FALSE(n.KnownMissing(5, "a").has_value());
}

}  // namespace
}  // namespace zerofs::mount
