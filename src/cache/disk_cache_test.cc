#include "cache/disk_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

  std::string LogDir() const { return dir_.path() + "/cache/v2"; }

  // Log files actually on disk and the bytes they are charged.
  std::pair<uint64_t, uint64_t> OnDisk() const {
    uint64_t files = 0, charged = 0;
    for (const auto& e : fs::directory_iterator(LogDir())) {
      if (!e.is_regular_file() || e.path().extension() != ".log") continue;
      files++;
      charged += (e.file_size() + 4095) / 4096 * 4096;
    }
    return {files, charged};
  }

  // The log files, oldest first.
  std::vector<std::string> Logs() const {
    std::vector<std::string> logs;
    for (const auto& e : fs::directory_iterator(LogDir())) {
      if (e.path().extension() == ".log") logs.push_back(e.path());
    }
    std::sort(logs.begin(), logs.end());
    return logs;
  }

  // The index file of a log.
  static std::string IndexOf(const std::string& log) {
    return log.substr(0, log.size() - 4) + ".idx";
  }

  // Flips one byte of a log file.
  static void Flip(const std::string& path, uint64_t offset) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    const char c = static_cast<char>(f.get());
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(static_cast<char>(c ^ 0x40));
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
  EXPECT_EQ(files, s.files);
  EXPECT_EQ(charged, s.usage);
  EXPECT_LE(charged, kCapacity);
}

TEST_F(DiskCacheTest, EntriesShareAFewLogFiles) {
  auto c = OpenCache(4 << 20);  // 64 KiB files: about 21 entries each
  for (int i = 0; i < 100; i++) c->Insert("k" + std::to_string(i), Value(i));
  c->WaitForWrites();
  DiskCacheStats s = c->Stats();
  EXPECT_EQ(c->file_bytes(), 64u << 10);
  EXPECT_EQ(s.entries, 100u);
  EXPECT_EQ(s.files, 5u);
  EXPECT_EQ(OnDisk().first, 5u);
  for (int i = 0; i < 100; i++) EXPECT_EQ(c->Lookup("k" + std::to_string(i)), Value(i)) << i;
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
  // The scan stayed in the small queue's files: a tenth of the capacity,
  // plus the file being filled.
  const uint64_t small_share = (100 * 4096 / 10 + c->file_bytes()) / 3000;
  EXPECT_LE(c->Stats().entries, 5 + small_share);
  EXPECT_EQ(c->Stats().moved, 5u);  // the hot entries, into the main queue
}

TEST_F(DiskCacheTest, EntriesReadOftenOutliveManyFilesOfTheMainQueue) {
  constexpr uint64_t kCapacity = 100 * 4096;
  auto c = OpenCache(kCapacity);
  for (int i = 0; i < 5; i++) c->Insert("hot" + std::to_string(i), Value(i));
  c->WaitForWrites();
  for (int i = 0; i < 600; i++) {
    // Each of these is read once, so it moves to the main queue too and
    // the hot entries must survive that queue's evictions.
    const std::string key = "warm" + std::to_string(i);
    c->Insert(key, Value(i));
    c->WaitForWrites();
    (void)c->Lookup(key);
    if (i % 20 == 0) {
      for (int h = 0; h < 5; h++) ASSERT_EQ(c->Lookup("hot" + std::to_string(h)), Value(h)) << i;
    }
  }
  for (int h = 0; h < 5; h++) EXPECT_EQ(c->Lookup("hot" + std::to_string(h)), Value(h));
  DiskCacheStats s = c->Stats();
  EXPECT_LE(s.usage, kCapacity);
  EXPECT_GT(s.evictions, 400u);
  EXPECT_EQ(c->Lookup("warm0"), std::nullopt);
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
    auto c = OpenCache(1 << 20);  // 16 KiB files: 5 entries each
    for (int i = 0; i < 20; i++) c->Insert("k" + std::to_string(i), Value(i));
  }
  EXPECT_EQ(OnDisk().first, 4u);
  auto c = OpenCache(5 * 4096);
  EXPECT_EQ(c->Stats().entries, 5u);
  EXPECT_EQ(OnDisk().first, 1u);
  EXPECT_EQ(c->Lookup("k0"), std::nullopt);
  EXPECT_EQ(c->Lookup("k14"), std::nullopt);
  EXPECT_EQ(c->Lookup("k15"), Value(15));
  EXPECT_EQ(c->Lookup("k19"), Value(19));
}

TEST_F(DiskCacheTest, CorruptEntryIsDroppedAndReportedAsAMiss) {
  auto c = OpenCache(1 << 20);
  c->Insert("k", Value(1));
  c->Insert("other", Value(2));
  c->WaitForWrites();
  ASSERT_EQ(Logs().size(), 1u);
  Flip(Logs()[0], kEntryHeaderSize + 10);  // in the value of "k"
  EXPECT_EQ(c->Lookup("k"), std::nullopt);
  EXPECT_EQ(c->Stats().bad_entries, 1u);
  EXPECT_EQ(c->Stats().entries, 1u);
  EXPECT_EQ(c->Lookup("other"), Value(2));
  c->Insert("k", Value(1));  // refetched by the caller
  c->WaitForWrites();
  EXPECT_EQ(c->Lookup("k"), Value(1));
}

TEST_F(DiskCacheTest, ATornTailAndForeignFilesAreRemovedAtOpen) {
  {
    auto c = OpenCache(1 << 20);
    for (int i = 0; i < 4; i++) c->Insert("k" + std::to_string(i), Value(i));
  }
  ASSERT_EQ(Logs().size(), 1u);
  const std::string log = Logs()[0];
  const uint64_t full = fs::file_size(log);
  fs::remove(IndexOf(log));          // a crash while k3 was appended:
  fs::resize_file(log, full - 100);  // no index, and a torn tail
  std::ofstream(LogDir() + "/00000000000000ff.log") << "garbage";
  std::ofstream(LogDir() + "/notes.txt") << "not ours";
  fs::create_directories(dir_.path() + "/cache/v1/ab");  // the old layout
  std::ofstream(dir_.path() + "/cache/v1/ab/segments%2F01%401") << "old entry";
  auto c = OpenCache(1 << 20);
  EXPECT_EQ(c->Stats().entries, 3u);
  EXPECT_EQ(c->Stats().bad_entries, 2u);  // the torn record, the garbage log
  EXPECT_EQ(Logs(), std::vector<std::string>{log});
  EXPECT_EQ(fs::file_size(log), full / 4 * 3);  // cut after the last good record
  EXPECT_FALSE(fs::exists(dir_.path() + "/cache/v1"));
  for (int i = 0; i < 3; i++) EXPECT_EQ(c->Lookup("k" + std::to_string(i)), Value(i)) << i;
  EXPECT_EQ(c->Lookup("k3"), std::nullopt);
  c->Insert("k3", Value(3));  // written to a new log, after the good ones
  c->WaitForWrites();
  EXPECT_EQ(c->Lookup("k3"), Value(3));
}

TEST_F(DiskCacheTest, ADamagedHeaderCutsTheLogThere) {
  {
    auto c = OpenCache(1 << 20);
    for (int i = 0; i < 4; i++) c->Insert("k" + std::to_string(i), Value(i));
  }
  const std::string log = Logs()[0];
  ASSERT_TRUE(fs::remove(IndexOf(log)));  // as after a crash: the log is walked
  const uint64_t record = fs::file_size(log) / 4;
  Flip(log, record + 16);  // k1's value length: where k2 starts is unknown
  auto c = OpenCache(1 << 20);
  EXPECT_EQ(c->Stats().entries, 1u);
  EXPECT_EQ(fs::file_size(log), record);
  EXPECT_EQ(c->Lookup("k0"), Value(0));
  EXPECT_EQ(c->Lookup("k1"), std::nullopt);
}

TEST_F(DiskCacheTest, ClosedLogsAreOpenedFromTheirIndex) {
  {
    auto c = OpenCache(1 << 20);  // 16 KiB files: 5 entries each
    for (int i = 0; i < 12; i++) c->Insert("k" + std::to_string(i), Value(i));
  }
  ASSERT_EQ(Logs().size(), 3u);
  for (const std::string& log : Logs()) EXPECT_TRUE(fs::exists(IndexOf(log))) << log;
  const std::string middle = Logs()[1];
  // With its index, a damaged header costs only its own record: the ones
  // after it are still found (a walk would have cut the log there).
  const uint64_t record = fs::file_size(middle) / 5;
  Flip(middle, record + 16);
  {
    auto c = OpenCache(1 << 20);
    EXPECT_EQ(c->Stats().indexed_logs, 3u);
    EXPECT_EQ(c->Stats().entries, 12u);
    EXPECT_EQ(c->Lookup("k6"), std::nullopt);  // the damaged one
    EXPECT_EQ(c->Stats().bad_entries, 1u);
    for (int i : {0, 5, 7, 9, 11}) EXPECT_EQ(c->Lookup("k" + std::to_string(i)), Value(i)) << i;
  }
  // A damaged index is not used: the log is walked, and indexed again.
  Flip(IndexOf(Logs()[0]), 20);
  std::ofstream(LogDir() + "/00000000000000aa.idx") << "an index without its log";
  {
    auto c = OpenCache(1 << 20);
    EXPECT_EQ(c->Stats().indexed_logs, 2u);
    EXPECT_FALSE(fs::exists(LogDir() + "/00000000000000aa.idx"));
    for (int i = 0; i < 5; i++) EXPECT_EQ(c->Lookup("k" + std::to_string(i)), Value(i)) << i;
  }
  auto c = OpenCache(1 << 20);
  EXPECT_EQ(c->Stats().indexed_logs, 3u);
}

TEST_F(DiskCacheTest, AnEvictedLogTakesItsIndexAlong) {
  auto c = OpenCache(100 * 4096);
  for (int i = 0; i < 300; i++) {
    c->Insert("k" + std::to_string(i), Value(i));
    c->WaitForWrites();
  }
  size_t indexes = 0;
  for (const auto& e : fs::directory_iterator(LogDir())) {
    if (e.path().extension() == ".idx") {
      indexes++;
      EXPECT_TRUE(fs::exists(e.path().string().substr(0, e.path().string().size() - 4) + ".log"))
          << e.path();
    }
  }
  EXPECT_GT(indexes, 0u);
  EXPECT_LT(indexes, OnDisk().first);  // the logs being appended have none yet
}

TEST_F(DiskCacheTest, AKeyWrittenAgainIsFoundInItsNewestRecordAfterARestart) {
  {
    auto c = OpenCache(1 << 20);
    c->Insert("k", "first");
    c->WaitForWrites();
    c->Erase("k");
    c->Insert("k", "second");
  }
  auto c = OpenCache(1 << 20);
  EXPECT_EQ(c->Stats().entries, 1u);
  EXPECT_EQ(c->Lookup("k"), "second");
}

TEST_F(DiskCacheTest, EraseDropsAnEntry) {
  auto c = OpenCache(1 << 20);
  c->Insert("k", "v");
  c->WaitForWrites();
  c->Erase("k");
  EXPECT_EQ(c->Lookup("k"), std::nullopt);
  EXPECT_EQ(c->Stats().entries, 0u);
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
  EXPECT_EQ(c->Stats().dropped_writes, 1u);
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
  fs::create_directories(dir_.path() + "/ro/v2");
  chmod((dir_.path() + "/ro/v2").c_str(), 0500);
  auto c = DiskCache::Open(DiskCacheOptions{dir_.path() + "/ro", 1 << 20});
  chmod((dir_.path() + "/ro/v2").c_str(), 0700);
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
  EXPECT_EQ(files, s.files);
  EXPECT_EQ(charged, s.usage);
  EXPECT_GT(s.moved, 0u);  // entries read meanwhile were moved as their files went
}

}  // namespace
}  // namespace zerofs::cache
