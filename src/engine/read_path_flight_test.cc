// Single-flight, bounded GET concurrency and read-ahead in the engine's
// read path, against a real LocalStore behind a wrapper that adds latency
// and counts segment GETs (and how many run at once).
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <random>
#include <thread>

#include "engine/engine.h"
#include "engine/test_engine.h"
#include "objstore/forwarding_store.h"
#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::engine {
namespace {

// Adds 40 ms to every segment GET once `slow` is set, and counts them.
class SlowCountingStore : public objstore::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  Result<objstore::GetResult> Get(std::string_view key,
                                  std::optional<objstore::ByteRange> range) override {
    if (key.rfind("segments/", 0) != 0 || !slow) return ForwardingStore::Get(key, range);
    gets++;
    if (std::this_thread::get_id() == foreground) foreground_gets++;
    const int now = ++running;
    int seen = max_running.load();
    while (now > seen && !max_running.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    running--;
    return ForwardingStore::Get(key, range);
  }

  std::atomic<bool> slow{false};  // off while writing and opening
  std::atomic<int> gets{0};
  // GETs sent by the thread named `foreground` (the test's own reads, as
  // opposed to the read-ahead threads').
  std::atomic<std::thread::id> foreground{};
  std::atomic<int> foreground_gets{0};
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
};

std::string FlightPattern(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(kExtentSize, '\0');
  for (size_t i = 0; i < s.size(); i += 8) s[i] = static_cast<char>(rng());
  return s;
}

constexpr uint64_t kIno = 9;

class ReadFlightTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto local = objstore::LocalStore::Open(tmp_.path() + "/bucket");
    ASSERT_TRUE(local.ok()) << local.error().ToString();
    store_ = std::make_shared<SlowCountingStore>(*local);
  }

  // Writes `extents` extents of kIno (frames in several segments), closes,
  // and reopens with cold caches and the given read options.
  std::unique_ptr<Engine> WriteAndReopen(uint64_t extents, uint64_t read_ahead, int max_gets) {
    {
      auto e = Open(0, 0, 32);
      for (uint64_t i = 0; i < extents; i += 8) {
        Transaction t;
        for (uint64_t j = i; j < std::min(extents, i + 8); j++)
          t.WriteExtent(kIno, j, FlightPattern(j));
        EXPECT_TRUE(e->Commit(std::move(t)).ok());
      }
      EXPECT_TRUE(e->Close().ok());
    }
    auto e = Open(1, read_ahead, max_gets);
    store_->slow = true;
    return e;
  }

  std::unique_ptr<Engine> Open(int n, uint64_t read_ahead, int max_gets) {
    EngineOptions o = TestEngineOptions(store_, tmp_.path() + "/local" + std::to_string(n));
    o.segment_bytes = 512 << 10;
    o.memory_cache_bytes = EngineOptions().memory_cache_bytes;
    o.gc_enabled = false;
    o.read_ahead_extents = read_ahead;
    o.max_concurrent_gets = max_gets;
    auto e = Engine::Open(std::move(o));
    EXPECT_TRUE(e.ok()) << e.error().ToString();
    return e.ok() ? std::move(e).value() : nullptr;
  }

  static void ExpectExtents(Engine* e, uint64_t first, uint64_t count) {
    auto got = e->ReadExtents(kIno, first, count);
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    for (uint64_t i = 0; i < count; i++) {
      ASSERT_TRUE((*got)[i] != nullptr) << first + i;
      ASSERT_EQ(*(*got)[i], FlightPattern(first + i)) << first + i;
    }
  }

  objstore::TestTempDir tmp_;
  std::shared_ptr<SlowCountingStore> store_;
};

TEST_F(ReadFlightTest, ConcurrentMissesOfOneRangeShareTheirGets) {
  auto e = WriteAndReopen(8, /*read_ahead=*/0, 32);
  // Alone, reading the 8 extents costs this many GETs (one per run).
  ExpectExtents(e.get(), 0, 8);
  const int alone = store_->gets.exchange(0);
  ASSERT_GT(alone, 0);
  e.reset();
  store_->slow = false;
  auto again = Open(2, 0, 32);
  store_->slow = true;
  // Eight readers of the same cold range at once: each frame is fetched
  // once; the readers that lose the claim wait for the memory cache.
  std::barrier start(8);
  std::vector<std::thread> readers;
  for (int t = 0; t < 8; t++) {
    readers.emplace_back([&] {
      start.arrive_and_wait();
      ExpectExtents(again.get(), 0, 8);
    });
  }
  for (auto& r : readers) r.join();
  EXPECT_LE(store_->gets.load(), 2 * alone) << "eight readers of one range, alone " << alone;
}

TEST_F(ReadFlightTest, GetsInFlightAreBounded) {
  auto e = WriteAndReopen(64, /*read_ahead=*/0, /*max_gets=*/2);
  std::vector<std::thread> readers;
  for (uint64_t t = 0; t < 8; t++) {
    // Each reader takes extents far apart (different segments), so no two
    // readers want the same frame.
    readers.emplace_back([&, t] {
      for (uint64_t i = t; i < 64; i += 8) ExpectExtents(e.get(), i, 1);
    });
  }
  for (auto& r : readers) r.join();
  EXPECT_EQ(store_->gets.load(), 64);
  EXPECT_LE(store_->max_running.load(), 2);
  EXPECT_EQ(store_->max_running.load(), 2);  // and the bound is reached
}

TEST_F(ReadFlightTest, SequentialReadsAreReadAhead) {
  auto e = WriteAndReopen(96, /*read_ahead=*/64, 32);
  ExpectExtents(e.get(), 0, 8);  // sequential from the start: a window of 16 follows
  for (int i = 0; i < 200 && e->Stats().read_ahead_extents < 16; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Wait for that window's fetch to have finished: its GETs stop moving.
  for (int last = -1; last != store_->gets.load();) {
    last = store_->gets.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_GE(e->Stats().read_ahead_extents, 16u);
  store_->foreground = std::this_thread::get_id();
  // Extents 8..23 were read ahead: reading them sends no GET of our own,
  // and the never-blocking read (what protocol I/O threads use) finds them.
  auto cached = e->ReadExtentsIfCached(kIno, 8, 8);
  ASSERT_TRUE(cached.ok() && cached->has_value()) << "extents 8..15 not in memory";
  for (uint64_t i = 0; i < 8; i++) EXPECT_EQ(*(**cached)[i], FlightPattern(8 + i));
  ExpectExtents(e.get(), 16, 8);
  EXPECT_EQ(store_->foreground_gets.load(), 0) << "extents 8..23 should have been read ahead";
  // Reads served from memory keep the stream going: the window moved on.
  for (int i = 0; i < 200 && e->Stats().read_ahead_extents < 48; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(e->Stats().read_ahead_extents, 48u) << "the read-ahead stopped after a cached read";
  // A jump resets the stream: the read after it is not read ahead (the
  // windows so far reached at most 24 + 64 = 88).
  ExpectExtents(e.get(), 90, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int at_jump = store_->foreground_gets.load();
  ExpectExtents(e.get(), 91, 1);
  EXPECT_EQ(store_->foreground_gets.load(), at_jump + 1) << "extent 91 was read ahead after a jump";
}

}  // namespace
}  // namespace zerofs::engine
