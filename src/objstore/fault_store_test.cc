#include "objstore/fault_store.h"

#include <algorithm>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::objstore {
namespace {

class FaultStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = LocalStore::Open(dir_.path() + "/store");
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    local_ = *store;
  }

  TestTempDir dir_;
  std::shared_ptr<LocalStore> local_;
};

TEST_F(FaultStoreTest, HealthyByDefault) {
  FaultStore store(local_);
  ASSERT_TRUE(store.Put("k", "v").ok());
  EXPECT_EQ(store.Get("k")->data, "v");
  EXPECT_EQ(store.Describe(), local_->Describe());
  EXPECT_EQ(store.counters().failures, 0u);
}

TEST_F(FaultStoreTest, FailureBeforeDoesNotPerformTheCall) {
  FaultStore store(local_);
  store.FailNext(1, FaultMode::kBefore);
  auto put = store.Put("k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kUnavailable);
  EXPECT_TRUE(put.error().retryable());
  EXPECT_NE(put.error().context().find("injected fault before PUT " + local_->Describe() + "/k"),
            std::string::npos);
  EXPECT_EQ(local_->Head("k").error().code(), Code::kNotFound);
}

TEST_F(FaultStoreTest, AmbiguousFailurePerformsTheCall) {
  FaultStore store(local_);
  store.FailNext(1, FaultMode::kAfter);
  auto put = store.Put("k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(put.error().retryable());
  EXPECT_EQ(local_->Get("k")->data, "v");
}

TEST_F(FaultStoreTest, FailNextCanInjectOtherCodes) {
  FaultStore store(local_);
  store.FailNext(2, FaultMode::kBefore, Code::kIoError);
  EXPECT_FALSE(store.Head("a").error().retryable());
  EXPECT_EQ(store.List("", "", 10).error().code(), Code::kIoError);
  EXPECT_TRUE(store.List("", "", 10).ok());
}

TEST_F(FaultStoreTest, CountsCallsByKind) {
  FaultStore store(local_);
  store.Put("a", "1").Ignore();
  store.Put("b", "2").Ignore();
  store.Get("a").Ignore();
  store.Head("a").Ignore();
  store.List("", "", 5).Ignore();
  store.DeleteMany({"a", "b", "c"}).Ignore();
  store.FailNext(1);
  store.Get("a").Ignore();
  FaultCounters c = store.counters();
  EXPECT_EQ(c.puts, 2u);
  EXPECT_EQ(c.gets, 2u);
  EXPECT_EQ(c.heads, 1u);
  EXPECT_EQ(c.lists, 1u);
  EXPECT_EQ(c.deletes, 3u);
  EXPECT_EQ(c.failures, 1u);
  store.ResetCounters();
  EXPECT_EQ(store.counters().puts, 0u);
}

TEST_F(FaultStoreTest, SeededFailuresAreReproducibleAndNearTheRate) {
  auto pattern = [&](uint64_t seed) {
    FaultStore store(local_, FaultOptions{.failure_rate = 0.3, .seed = seed});
    std::string out;
    for (int i = 0; i < 400; i++) out += store.Head("missing").error().retryable() ? 'F' : '.';
    return out;
  };
  std::string a = pattern(7);
  EXPECT_EQ(a, pattern(7));
  EXPECT_NE(a, pattern(8));
  auto failures = std::count(a.begin(), a.end(), 'F');
  EXPECT_GT(failures, 80);
  EXPECT_LT(failures, 160);
}

TEST_F(FaultStoreTest, AddsLatency) {
  FaultStore store(local_);
  store.SetLatency(std::chrono::milliseconds(20), std::chrono::milliseconds(10));
  auto start = std::chrono::steady_clock::now();
  store.Head("k").Ignore();
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(20));
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST_F(FaultStoreTest, ThreadSafeCounting) {
  FaultStore store(local_, FaultOptions{.failure_rate = 0.5, .seed = 3});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; i++) store.Put("t" + std::to_string(t), "x").Ignore();
    });
  }
  for (auto& th : threads) th.join();
  FaultCounters c = store.counters();
  EXPECT_EQ(c.puts, 400u);
  EXPECT_GT(c.failures, 100u);
  EXPECT_LT(c.failures, 300u);
}

}  // namespace
}  // namespace zerofs::objstore
