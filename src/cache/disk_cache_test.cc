#include "cache/disk_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "cache/disk_cache_file.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::cache {
namespace {

namespace fs = std::filesystem;

class DiskCacheTest : public ::testing::Test {
 protected:
  std::unique_ptr<DiskCache> OpenCache(uint64_t capacity, uint64_t max_pending = 64ull << 20) {
    auto c = DiskCache::Open(DiskCacheOptions{dir_.path() + "/cache", capacity, max_pending});
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  // Entry files actually on disk (LOCK aside) and the bytes they are charged.
  std::pair<uint64_t, uint64_t> OnDisk() {
    uint64_t files = 0, charged = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_.path() + "/cache/v1")) {
      if (!e.is_regular_file()) continue;
      files++;
      charged += (e.file_size() + 4095) / 4096 * 4096;
    }
    return {files, charged};
  }

  std::string EntryPath(const std::string& key) {
    return dir_.path() + "/cache/v1/" + ShardOf(key) + "/" + *EntryFileName(key);
  }

  objstore::TestTempDir dir_;
};

std::string Value(int i, size_t n = 3000) {
  std::string v(n, static_cast<char>('a' + i % 26));
  v += std::to_string(i);
  return v;
}

TEST_F(DiskCacheTest, InsertThenLookup) {
  auto c = OpenCache(1 << 20);
  c->Insert("segments/01@0", "sealed");
  c->WaitForWrites();
  EXPECT_EQ(c->Lookup("segments/01@0"), "sealed");
  EXPECT_EQ(c->Lookup("segments/01@9"), std::nullopt);
  DiskCacheStats s = c->Stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.inserts, 1u);
  EXPECT_EQ(s.entries, 1u);
  EXPECT_EQ(s.usage, 4096u);
}

TEST_F(DiskCacheTest, QueuedEntriesAreReadableBeforeTheyAreWritten) {
  // Room for all 50 in the small queue (a tenth of the capacity), so that
  // no entry the writer stores before its Lookup can be evicted meanwhile.
  auto c = OpenCache(4 << 20);
  for (int i = 0; i < 50; i++) c->Insert("k" + std::to_string(i), Value(i));
  for (int i = 0; i < 50; i++) EXPECT_EQ(c->Lookup("k" + std::to_string(i)), Value(i)) << i;
}

TEST_F(DiskCacheTest, SizeBoundHoldsUnderAWorkloadLargerThanTheCache) {
  constexpr uint64_t kCapacity = 50 * 4096;
  auto c = OpenCache(kCapacity);
  for (int i = 0; i < 400; i++) {
    c->Insert("k" + std::to_string(i), Value(i));
    if (i % 7 == 0) (void)c->Lookup("k" + std::to_string(i / 2));
  }
  c->WaitForWrites();
  DiskCacheStats s = c->Stats();
  EXPECT_LE(s.usage, kCapacity);
  EXPECT_GT(s.evictions, 300u);
  auto [files, charged] = OnDisk();
  EXPECT_EQ(files, s.entries);
  EXPECT_EQ(charged, s.usage);
  EXPECT_LE(charged, kCapacity);
}

TEST_F(DiskCacheTest, OneOffScanDoesNotFlushEntriesReadAgain) {
  auto c = OpenCache(100 * 4096);  // small queue: 10 entries
  for (int i = 0; i < 5; i++) c->Insert("hot" + std::to_string(i), Value(i));
  c->WaitForWrites();
  for (int i = 0; i < 5; i++) ASSERT_TRUE(c->Lookup("hot" + std::to_string(i)));
  for (int i = 0; i < 200; i++) {
    c->Insert("scan" + std::to_string(i), Value(i));
    c->WaitForWrites();
  }
  for (int i = 0; i < 5; i++) EXPECT_EQ(c->Lookup("hot" + std::to_string(i)), Value(i)) << i;
  EXPECT_EQ(c->Lookup("scan0"), std::nullopt);
  EXPECT_LE(c->Stats().entries, 16u);  // the scan stayed in the small queue
}

TEST_F(DiskCacheTest, EntriesAreReusedAfterARestart) {
  {
    auto c = OpenCache(1 << 20);
    for (int i = 0; i < 20; i++) c->Insert("k" + std::to_string(i), Value(i));
    // No WaitForWrites: closing finishes the queued writes.
  }
  auto c = OpenCache(1 << 20);
  EXPECT_EQ(c->Stats().entries, 20u);
  for (int i = 0; i < 20; i++) EXPECT_EQ(c->Lookup("k" + std::to_string(i)), Value(i)) << i;
  EXPECT_EQ(c->Stats().misses, 0u);
}

TEST_F(DiskCacheTest, RestartWithASmallerBoundTrimsOldestFirst) {
  {
    auto c = OpenCache(1 << 20);
    for (int i = 0; i < 20; i++) {
      c->Insert("k" + std::to_string(i), Value(i));
      c->WaitForWrites();
      // Distinct modification times give a definite age order.
      struct timespec t[2] = {{1000 + i, 0}, {1000 + i, 0}};
      ASSERT_EQ(utimensat(AT_FDCWD, EntryPath("k" + std::to_string(i)).c_str(), t, 0), 0);
    }
  }
  auto c = OpenCache(5 * 4096);
  EXPECT_EQ(c->Stats().entries, 5u);
  EXPECT_EQ(OnDisk().first, 5u);
  EXPECT_EQ(c->Lookup("k0"), std::nullopt);
  EXPECT_EQ(c->Lookup("k19"), Value(19));
}

TEST_F(DiskCacheTest, CorruptEntryIsDroppedAndReportedAsAMiss) {
  auto c = OpenCache(1 << 20);
  c->Insert("k", Value(1));
  c->WaitForWrites();
  {
    std::fstream f(EntryPath("k"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(kEntryHeaderSize + 10);
    f.put('#');
  }
  EXPECT_EQ(c->Lookup("k"), std::nullopt);
  EXPECT_FALSE(fs::exists(EntryPath("k")));
  EXPECT_EQ(c->Stats().bad_entries, 1u);
  EXPECT_EQ(c->Stats().entries, 0u);
  c->Insert("k", Value(1));  // refetched by the caller
  c->WaitForWrites();
  EXPECT_EQ(c->Lookup("k"), Value(1));
}

TEST_F(DiskCacheTest, DamagedAndLeftoverFilesAreRemovedAtOpen) {
  {
    auto c = OpenCache(1 << 20);
    for (int i = 0; i < 4; i++) c->Insert("k" + std::to_string(i), Value(i));
  }
  fs::resize_file(EntryPath("k1"), 100);                            // torn
  std::ofstream(EntryPath("k2"), std::ios::trunc) << "garbage";     // overwritten
  std::ofstream(EntryPath("k3") + ".tmp7") << "interrupted write";  // temp file
  std::ofstream(dir_.path() + "/cache/v1/" + ShardOf("k0") + "/%41") << "odd name";
  auto c = OpenCache(1 << 20);
  EXPECT_EQ(c->Stats().entries, 2u);
  EXPECT_EQ(c->Stats().bad_entries, 4u);
  EXPECT_EQ(OnDisk().first, 2u);
  EXPECT_EQ(c->Lookup("k0"), Value(0));
  EXPECT_EQ(c->Lookup("k1"), std::nullopt);
  EXPECT_EQ(c->Lookup("k3"), Value(3));
}

TEST_F(DiskCacheTest, AnEntryInTheWrongShardIsNotTrusted) {
  {
    auto c = OpenCache(1 << 20);
    c->Insert("k0", Value(0));
  }
  const std::string other = ShardOf("k0") == "00" ? "01" : "00";
  fs::create_directories(dir_.path() + "/cache/v1/" + other);
  fs::rename(EntryPath("k0"), dir_.path() + "/cache/v1/" + other + "/k0");
  auto c = OpenCache(1 << 20);
  EXPECT_EQ(c->Stats().entries, 0u);
}

TEST_F(DiskCacheTest, EraseDropsAnEntry) {
  auto c = OpenCache(1 << 20);
  c->Insert("k", "v");
  c->WaitForWrites();
  c->Erase("k");
  EXPECT_EQ(c->Lookup("k"), std::nullopt);
  EXPECT_FALSE(fs::exists(EntryPath("k")));
}

TEST_F(DiskCacheTest, AFullWriteQueueDropsInsteadOfWaiting) {
  auto c = OpenCache(1 << 20, /*max_pending=*/10000);
  c->Insert("big", std::string(20000, 'x'));  // more than the queue may hold
  c->Insert("small", "v");
  c->WaitForWrites();
  DiskCacheStats s = c->Stats();
  EXPECT_EQ(s.dropped_writes, 1u);
  EXPECT_EQ(s.inserts, 1u);
  EXPECT_EQ(c->Lookup("big"), std::nullopt);
  EXPECT_EQ(c->Lookup("small"), "v");
}

TEST_F(DiskCacheTest, AValueLargerThanTheCacheIsNotKept) {
  auto c = OpenCache(4096);
  c->Insert("big", std::string(5000, 'x'));
  c->WaitForWrites();
  EXPECT_EQ(c->Lookup("big"), std::nullopt);
  EXPECT_EQ(OnDisk().first, 0u);
}

TEST_F(DiskCacheTest, ADirectoryThatCannotBeCreatedIsNamed) {
  std::ofstream(dir_.path() + "/file") << "x";
  auto c = DiskCache::Open(DiskCacheOptions{dir_.path() + "/file/cache", 1 << 20});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().ToString().find(dir_.path() + "/file/cache"), std::string::npos)
      << c.error().ToString();
}

TEST_F(DiskCacheTest, ADirectoryThatIsNotWritableIsNamed) {
  if (geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  fs::create_directories(dir_.path() + "/ro/v1");
  chmod((dir_.path() + "/ro/v1").c_str(), 0500);
  auto c = DiskCache::Open(DiskCacheOptions{dir_.path() + "/ro", 1 << 20});
  chmod((dir_.path() + "/ro/v1").c_str(), 0700);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().ToString().find("not writable"), std::string::npos) << c.error().ToString();
  EXPECT_NE(c.error().ToString().find(dir_.path() + "/ro"), std::string::npos);
}

TEST_F(DiskCacheTest, ASecondCacheOnTheSameDirectoryIsRefused) {
  auto c = OpenCache(1 << 20);
  auto second = DiskCache::Open(DiskCacheOptions{dir_.path() + "/cache", 1 << 20});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().ToString().find("in use"), std::string::npos);
  c.reset();
  EXPECT_TRUE(DiskCache::Open(DiskCacheOptions{dir_.path() + "/cache", 1 << 20}).ok());
}

TEST_F(DiskCacheTest, ConcurrentUseStaysBoundedAndCorrect) {
  constexpr uint64_t kCapacity = 40 * 4096;
  auto c = OpenCache(kCapacity);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; i++) {
        const int k = (i * 7 + t * 13) % 120;
        const std::string key = "k" + std::to_string(k);
        if (auto v = c->Lookup(key)) {
          if (*v != Value(k)) wrong++;
        } else {
          c->Insert(key, Value(k));
        }
        if (i % 50 == 0) c->Erase(key);
      }
    });
  }
  for (auto& th : threads) th.join();
  c->WaitForWrites();
  EXPECT_EQ(wrong, 0);
  DiskCacheStats s = c->Stats();
  EXPECT_LE(s.usage, kCapacity);
  auto [files, charged] = OnDisk();
  EXPECT_EQ(files, s.entries);
  EXPECT_EQ(charged, s.usage);
}

}  // namespace
}  // namespace zerofs::cache
