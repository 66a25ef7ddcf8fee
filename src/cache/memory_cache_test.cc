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

TEST(MemoryCacheTest, EvictsLeastRecentlyUsed) {
  MemoryCache c(300);
  c.Insert("a", V(99));
  c.Insert("b", V(99));
  c.Insert("c", V(99));
  ASSERT_NE(c.Lookup("a"), nullptr);  // a is now most recent
  c.Insert("d", V(99));               // evicts b
  EXPECT_NE(c.Lookup("a"), nullptr);
  EXPECT_EQ(c.Lookup("b"), nullptr);
  EXPECT_NE(c.Lookup("c"), nullptr);
  EXPECT_NE(c.Lookup("d"), nullptr);
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
