#include "mount/attr_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "mount/fake_clock.h"

namespace zerofs::mount {
namespace {

using namespace std::chrono_literals;
using Clock = AttrCache::Clock;

ninep::Rgetattr Attr(uint64_t size) {
  ninep::Rgetattr a;
  a.qid.path = 7;
  a.size = size;
  return a;
}

TEST(AttrCacheTest, HitUntilTheTimeoutCountedFromTheRequest) {
  FakeClock clock;
  AttrCache c(1.0, 100, clock.Fn());
  auto t = c.Begin();
  clock.now += 300ms;  // the round trip
  c.Put(5, Attr(10), t);
  auto hit = c.Get(5);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->attr.size, 10u);
  // The kernel is told only what is left of the timeout.
  EXPECT_NEAR(hit->remaining_s, 0.7, 1e-6);
  clock.now += 699ms;
  EXPECT_TRUE(c.Get(5).has_value());
  clock.now += 1ms;
  EXPECT_FALSE(c.Get(5).has_value());
  EXPECT_FALSE(c.Get(6).has_value());
}

// Tsetattrplus: the reply to the mount's own change is kept, and replies to
// requests sent before it (which may predate the change) are refused.
TEST(AttrCacheTest, OwnChangeIsKeptAndRefusesEarlierRequests) {
  FakeClock clock;
  AttrCache c(1.0, 100, clock.Fn());
  auto before = c.Begin();  // a getattr in flight during the change
  auto t = c.Begin();
  clock.now += 10ms;
  c.PutChanged(5, Attr(20), t);
  auto hit = c.Get(5);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->attr.size, 20u);
  EXPECT_NEAR(hit->remaining_s, 0.99, 1e-6);
  c.Put(5, Attr(10), before);  // the old attributes: refused
  EXPECT_EQ(c.Get(5)->attr.size, 20u);
  c.Put(5, Attr(10), t);  // sent with the change, answered before it: refused
  EXPECT_EQ(c.Get(5)->attr.size, 20u);
  auto later = c.Begin();
  c.Put(5, Attr(30), later);  // asked after the change: kept
  EXPECT_EQ(c.Get(5)->attr.size, 30u);
}

// Another change of the node between sending ours and its reply (a write
// that may have run on the server after ours): nothing is kept.
TEST(AttrCacheTest, OwnChangeRacingAnotherIsNotKept) {
  FakeClock clock;
  AttrCache c(1.0, 100, clock.Fn());
  auto t = c.Begin();
  c.Drop(5);
  c.PutChanged(5, Attr(20), t);
  EXPECT_FALSE(c.Get(5).has_value());
  c.Drop(6);  // a change of another node does not matter
  c.PutChanged(5, Attr(21), c.Begin());
  EXPECT_EQ(c.Get(5)->attr.size, 21u);
  // Nor after a reconnect.
  auto old = c.Begin();
  c.Clear();
  c.PutChanged(7, Attr(22), old);
  EXPECT_FALSE(c.Get(7).has_value());
  // Off: nothing kept.
  AttrCache off(0, 100, clock.Fn());
  off.PutChanged(5, Attr(20), off.Begin());
  EXPECT_FALSE(off.Get(5).has_value());
}

TEST(AttrCacheTest, AReplyOlderThanTheTimeoutIsNotKept) {
  FakeClock clock;
  AttrCache c(1.0, 100, clock.Fn());
  auto t = c.Begin();
  clock.now += 2s;
  c.Put(5, Attr(10), t);
  EXPECT_FALSE(c.Get(5).has_value());
}

TEST(AttrCacheTest, DropForgetsTheNode) {
  FakeClock clock;
  AttrCache c(1.0, 100, clock.Fn());
  c.Put(5, Attr(10), c.Begin());
  c.Put(6, Attr(20), c.Begin());
  c.Drop(5);
  EXPECT_FALSE(c.Get(5).has_value());
  EXPECT_TRUE(c.Get(6).has_value());
  // A request sent after the drop brings it back.
  c.Put(5, Attr(11), c.Begin());
  ASSERT_TRUE(c.Get(5).has_value());
  EXPECT_EQ(c.Get(5)->attr.size, 11u);
}

TEST(AttrCacheTest, AReplyToARequestSentBeforeADropIsRefused) {
  FakeClock clock;
  AttrCache c(1.0, 100, clock.Fn());
  // A getattr goes out, a write to the node finishes and drops it, then the
  // getattr's (pre-write) reply arrives.
  auto before = c.Begin();
  c.Drop(5);
  c.Put(5, Attr(10), before);
  EXPECT_FALSE(c.Get(5).has_value());
  // Same when the node had an entry.
  c.Put(5, Attr(11), c.Begin());
  auto before2 = c.Begin();
  c.Drop(5);
  c.Put(5, Attr(10), before2);
  EXPECT_FALSE(c.Get(5).has_value());
  // Drops of other nodes do not matter.
  auto t = c.Begin();
  c.Drop(6);
  c.Put(7, Attr(3), t);
  EXPECT_TRUE(c.Get(7).has_value());
}

TEST(AttrCacheTest, TheLaterOfTwoRacingRepliesWins) {
  FakeClock clock;
  AttrCache c(1.0, 100, clock.Fn());
  auto first = c.Begin();
  clock.now += 10ms;
  auto second = c.Begin();
  c.Put(5, Attr(2), second);
  c.Put(5, Attr(1), first);
  EXPECT_EQ(c.Get(5)->attr.size, 2u);
}

TEST(AttrCacheTest, ClearRefusesRepliesFromBefore) {
  FakeClock clock;
  AttrCache c(1.0, 100, clock.Fn());
  c.Put(5, Attr(1), c.Begin());
  auto old = c.Begin();
  c.Clear();
  EXPECT_FALSE(c.Get(5).has_value());
  EXPECT_EQ(c.size(), 0u);
  c.Put(6, Attr(1), old);  // asked on the old connection
  EXPECT_FALSE(c.Get(6).has_value());
  c.Put(6, Attr(1), c.Begin());
  EXPECT_TRUE(c.Get(6).has_value());
}

TEST(AttrCacheTest, ZeroTimeoutTurnsItOff) {
  AttrCache c(0, 100);
  EXPECT_FALSE(c.enabled());
  c.Put(5, Attr(1), c.Begin());
  c.Drop(6);
  EXPECT_FALSE(c.Get(5).has_value());
  EXPECT_EQ(c.size(), 0u);
}

TEST(AttrCacheTest, SizeIsBoundedAndExpiredEntriesArePrunedFirst) {
  FakeClock clock;
  AttrCache c(1.0, 8, clock.Fn());
  for (uint64_t n = 0; n < 4; n++) c.Put(n, Attr(n), c.Begin());
  clock.now += 2s;  // those four expire
  for (uint64_t n = 4; n < 8; n++) c.Put(n, Attr(n), c.Begin());
  EXPECT_EQ(c.size(), 8u);
  c.Put(8, Attr(8), c.Begin());  // full: the expired ones go
  EXPECT_EQ(c.size(), 5u);
  for (uint64_t n = 4; n <= 8; n++) EXPECT_TRUE(c.Get(n).has_value()) << n;
  // Never above the bound, whatever is put or dropped.
  for (uint64_t n = 100; n < 1000; n++) {
    if (n % 3 == 0) {
      c.Drop(n);
    } else {
      c.Put(n, Attr(n), c.Begin());
    }
    ASSERT_LE(c.size(), 8u);
  }
  EXPECT_TRUE(c.Get(998).has_value());
}

TEST(AttrCacheTest, DropMarksSurviveOrAreReplacedByRefusingOlderReplies) {
  FakeClock clock;
  AttrCache c(1.0, 4, clock.Fn());
  auto before = c.Begin();
  c.Drop(1);
  // Filling the table discards the drop mark of node 1...
  for (uint64_t n = 10; n < 20; n++) c.Put(n, Attr(n), c.Begin());
  // ...yet the reply asked before the drop is still refused.
  c.Put(1, Attr(1), before);
  EXPECT_FALSE(c.Get(1).has_value());
}

TEST(AttrCacheTest, ConcurrentUseKeepsTheBoundAndNeverServesDroppedAttributes) {
  AttrCache c(10.0, 64);
  std::atomic<bool> stale{false}, over{false};
  std::vector<std::thread> threads;
  for (uint64_t k = 0; k < 4; k++) {
    threads.emplace_back([&, k] {
      // Each thread has its own 25 nodes; the table (64) is shared, so the
      // others' puts and drops prune and clear under it.
      for (uint64_t i = 0; i < 20000; i++) {
        uint64_t node = k * 1000 + i % 25;
        auto before = c.Begin();
        c.Drop(node);
        c.Put(node, Attr(1), before);  // a reply from before the drop
        if (c.Get(node)) stale = true;
        c.Put(node, Attr(2), c.Begin());
        if (auto hit = c.Get(node); hit && hit->attr.size != 2) stale = true;
        if (c.size() > 64) over = true;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(stale.load());
  EXPECT_FALSE(over.load());
}

}  // namespace
}  // namespace zerofs::mount
