#include "cache/memory_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace zerofs::cache {
namespace {

std::shared_ptr<const std::string> V(size_t n, char c = 'x') {
  return std::make_shared<const std::string>(n, c);
}

TEST(MemoryCacheTest, InsertThenLookup) {
  MemoryCache c(1000);
  c.Insert("a", V(10, 'a'));
  auto v = c.Lookup("a");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*v, std::string(10, 'a'));
  EXPECT_EQ(c.Lookup("b"), nullptr);
  EXPECT_EQ(c.hits(), 1u);
  EXPECT_EQ(c.misses(), 1u);
  EXPECT_EQ(c.usage(), 11u);
}

TEST(MemoryCacheTest, OneOffScanDoesNotFlushEntriesReadTwice) {
  MemoryCache c(1000);  // small queue: 100 bytes
  c.Insert("hot", V(97));
  ASSERT_NE(c.Lookup("hot"), nullptr);  // read again while on probation
  for (int i = 0; i < 50; i++) c.Insert("scan" + std::to_string(i), V(95));
  EXPECT_NE(c.Lookup("hot"), nullptr);  // promoted to the main queue
  EXPECT_EQ(c.Lookup("scan0"), nullptr);
  EXPECT_NE(c.Lookup("scan49"), nullptr);  // the newest stays on probation
}

TEST(MemoryCacheTest, OneOffEntriesStayWithinTheSmallQueue) {
  MemoryCache c(10000);  // small queue: 1000 bytes
  for (int i = 0; i < 100; i++) c.Insert("k" + std::to_string(i), V(98));
  // Never read: they cycle through the small queue even though the cache
  // has room, so a scan does not grow memory.
  EXPECT_LE(c.usage(), 1000u);
  EXPECT_GE(c.usage(), 900u);
}

TEST(MemoryCacheTest, GhostHitGoesToTheMainQueue) {
  MemoryCache c(1000);
  c.Insert("a", V(99));
  for (int i = 0; i < 5; i++) c.Insert("x" + std::to_string(i), V(99));
  ASSERT_EQ(c.Lookup("a"), nullptr);  // evicted unread, remembered as a ghost
  c.Insert("a", V(99));               // wanted again soon: main queue
  for (int i = 0; i < 20; i++) c.Insert("y" + std::to_string(i), V(99));
  EXPECT_NE(c.Lookup("a"), nullptr);
  EXPECT_LE(c.usage(), 1000u);
}

TEST(MemoryCacheTest, MainQueueGivesEntriesReadAgainAnotherRound) {
  MemoryCache c(300);  // small queue: 30 bytes
  c.Insert("p", V(99));
  c.Insert("q", V(99));
  c.Insert("z", V(99));  // p and q left probation unread: ghosts
  ASSERT_EQ(c.Lookup("p"), nullptr);
  ASSERT_EQ(c.Lookup("q"), nullptr);
  c.Insert("p", V(99));  // wanted again soon: both go to the main queue
  c.Insert("q", V(99));
  ASSERT_NE(c.Lookup("p"), nullptr);
  c.Insert("big", V(150));            // the cache is over capacity: main evicts
  EXPECT_NE(c.Lookup("p"), nullptr);  // read since insertion: reinserted
  EXPECT_EQ(c.Lookup("q"), nullptr);  // unread: evicted although newer
  EXPECT_NE(c.Lookup("big"), nullptr);
  EXPECT_LE(c.usage(), 300u);
}

TEST(MemoryCacheTest, ReplaceUpdatesCharge) {
  MemoryCache c(1000);
  c.Insert("a", V(100));
  c.Insert("a", V(10));
  EXPECT_EQ(c.usage(), 11u);
  EXPECT_EQ(c.Lookup("a")->size(), 10u);
}

TEST(MemoryCacheTest, OversizedValueIsNotKept) {
  MemoryCache c(50);
  c.Insert("a", V(10));
  c.Insert("big", V(100));
  EXPECT_EQ(c.Lookup("big"), nullptr);
  EXPECT_NE(c.Lookup("a"), nullptr);
}

TEST(MemoryCacheTest, ZeroCapacityKeepsNothing) {
  MemoryCache c(0);
  c.Insert("a", V(1));
  EXPECT_EQ(c.Lookup("a"), nullptr);
  EXPECT_EQ(c.usage(), 0u);
}

TEST(MemoryCacheTest, ValueOutlivesEviction) {
  MemoryCache c(20);
  c.Insert("a", V(10, 'q'));
  auto held = c.Lookup("a");
  c.Insert("b", V(15));
  EXPECT_EQ(c.Lookup("a"), nullptr);
  EXPECT_EQ(*held, std::string(10, 'q'));
}

TEST(MemoryCacheTest, ConcurrentUseStaysBounded) {
  MemoryCache c(4096);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&c, t] {
      for (int i = 0; i < 2000; i++) {
        std::string k = std::to_string(t) + ":" + std::to_string(i % 97);
        c.Insert(k, V(i % 200));
        c.Lookup(k);
        if (i % 13 == 0) c.Erase(k);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(c.usage(), 4096u);
}

}  // namespace
}  // namespace zerofs::cache
