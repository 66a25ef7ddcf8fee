// ReadExtents: batched reads through the index, the memory cache, the open
// segment and the bucket, against a real LocalStore.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "engine/engine.h"
#include "engine/test_engine.h"
#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::engine {
namespace {

std::string ReadPattern(uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i++) s[i] = (i % 3 == 0) ? static_cast<char>(rng()) : 'r';
  return s;
}

class ReadPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = objstore::LocalStore::Open(tmp_.path() + "/bucket");
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    local_ = *store;
  }

  std::unique_ptr<Engine> Open(int n, uint64_t cache_bytes = 4 << 20) {
    EngineOptions o = TestEngineOptions(local_, tmp_.path() + "/local" + std::to_string(n));
    o.segment_bytes = 256 << 10;  // several segments for a few MiB
    o.memory_cache_bytes = cache_bytes;
    auto e = Engine::Open(std::move(o));
    EXPECT_TRUE(e.ok()) << e.error().ToString();
    return e.ok() ? std::move(e).value() : nullptr;
  }

  // Extents 0..n-1 of inode 7, every fifth one a hole; one transaction per
  // eight extents so the frames of one read span several segments.
  static void WriteFile(Engine* e, uint64_t n) {
    for (uint64_t first = 0; first < n; first += 8) {
      Transaction t;
      for (uint64_t i = first; i < std::min(n, first + 8); i++) {
        if (i % 5 != 4) t.WriteExtent(7, i, ReadPattern(i, i == n - 1 ? 1000 : kExtentSize));
      }
      ASSERT_TRUE(e->Commit(std::move(t)).ok());
    }
  }

  static void ExpectFile(Engine* e, uint64_t first, uint64_t count, uint64_t n) {
    auto got = e->ReadExtents(7, first, count);
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    ASSERT_EQ(got->size(), count);
    for (uint64_t k = 0; k < count; k++) {
      const uint64_t i = first + k;
      if (i >= n || i % 5 == 4) {
        EXPECT_EQ((*got)[k], nullptr) << "extent " << i << " should be a hole";
      } else {
        ASSERT_NE((*got)[k], nullptr) << "extent " << i;
        EXPECT_EQ(*(*got)[k], ReadPattern(i, i == n - 1 ? 1000 : kExtentSize)) << "extent " << i;
      }
    }
  }

  objstore::TestTempDir tmp_;
  std::shared_ptr<objstore::LocalStore> local_;
};

TEST_F(ReadPathTest, ReadsFromMemoryBeforeAnyUpload) {
  auto e = Open(0);
  WriteFile(e.get(), 40);
  ExpectFile(e.get(), 0, 40, 40);
  ExpectFile(e.get(), 3, 11, 40);
  ExpectFile(e.get(), 35, 10, 40);  // past the last extent: holes
}

TEST_F(ReadPathTest, ColdReadsFromTheBucketAcrossSegments) {
  {
    auto e = Open(0);
    WriteFile(e.get(), 100);  // ~3 MiB over several 256 KiB segments
    ASSERT_TRUE(e->Close().ok());
  }
  auto e = Open(1, /*cache_bytes=*/0);  // nothing cached: every frame fetched
  ExpectFile(e.get(), 0, 100, 100);
  ExpectFile(e.get(), 17, 50, 100);
  // Matches the one-extent path.
  for (uint64_t i : {0, 4, 63, 99}) {
    auto one = e->ReadExtent(7, i);
    ASSERT_TRUE(one.ok());
    auto batch = e->ReadExtents(7, i, 1);
    ASSERT_TRUE(batch.ok());
    EXPECT_EQ(one->empty(), (*batch)[0] == nullptr);
    if ((*batch)[0]) {
      EXPECT_EQ(*one, *(*batch)[0]);
    }
  }
}

TEST_F(ReadPathTest, MixOfCachedAndUncachedExtents) {
  {
    auto e = Open(0);
    WriteFile(e.get(), 64);
    ASSERT_TRUE(e->Close().ok());
  }
  auto e = Open(1);
  for (uint64_t i = 0; i < 64; i += 3) ASSERT_TRUE(e->ReadExtent(7, i).ok());  // cache some
  ExpectFile(e.get(), 0, 64, 64);
  const EngineStats st = e->Stats();
  EXPECT_GT(st.cache_hits, 0u);
}

TEST_F(ReadPathTest, OtherInodesAndRangeLimits) {
  auto e = Open(0);
  WriteFile(e.get(), 10);
  Transaction t;
  t.WriteExtent(8, 0, ReadPattern(99, kExtentSize));  // the next inode's extents
  t.WriteExtent(6, 9, ReadPattern(98, kExtentSize));  // and the previous one's
  ASSERT_TRUE(e->Commit(std::move(t)).ok());
  ExpectFile(e.get(), 0, 20, 10);  // stops at inode 7's keys
  auto none = e->ReadExtents(7, 5, 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(e->ReadExtents(7, 0, kMaxExtentsPerRead + 1).ok());
  EXPECT_FALSE(e->ReadExtents(7, UINT64_MAX - 2, 8).ok());
  auto top = e->ReadExtents(7, UINT64_MAX - 8, 8);  // the highest indexes
  ASSERT_TRUE(top.ok());
  for (const auto& x : *top) EXPECT_EQ(x, nullptr);
}

TEST_F(ReadPathTest, DamagedFrameInABatchIsCorruption) {
  {
    auto e = Open(0);
    WriteFile(e.get(), 16);
    ASSERT_TRUE(e->Close().ok());
  }
  const std::string key = LargestSegmentKey(*local_);
  FlipByte(tmp_.path() + "/bucket/" + key, 200, 0x40);
  auto e = Open(1, 0);
  auto r = e->ReadExtents(7, 0, 16);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kCorruption);
  EXPECT_NE(r.error().context().find(key), std::string::npos) << r.error().ToString();
}

}  // namespace
}  // namespace zerofs::engine
