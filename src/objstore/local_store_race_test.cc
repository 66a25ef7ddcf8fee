// Conditional puts under contention from threads and from processes: the
// guarantees the engine's fencing and manifest rely on.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::objstore {
namespace {

constexpr int kExitWon = 0;
constexpr int kExitLost = 1;
constexpr int kExitError = 2;

// Forks `n` children running `body(i)` (its return value is the exit code);
// they start together once all exist. Returns their exit codes.
template <typename F>
std::vector<int> RunChildren(int n, F body) {
  int gate[2];
  if (pipe(gate) != 0) return {};
  std::vector<pid_t> pids;
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      close(gate[1]);
      char c;
      while (read(gate[0], &c, 1) < 0) {
      }  // EOF once the parent closes the write end: everyone is forked
      _exit(body(i));
    }
    pids.push_back(pid);
  }
  close(gate[0]);
  close(gate[1]);
  std::vector<int> codes;
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status));
  }
  return codes;
}

class LocalStoreRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() + "/store";
    auto store = LocalStore::Open(root_);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = *store;
  }

  TestTempDir dir_;
  std::string root_;
  std::shared_ptr<LocalStore> store_;
};

TEST_F(LocalStoreRaceTest, IfNoneMatchHasExactlyOneWinnerAmongThreads) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; round++) {
    std::string key = "race/" + std::to_string(round);
    std::latch start(kThreads);
    std::atomic<int> winners{0}, losers{0}, errors{0}, winner{-1};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        auto put = store_->Put(key, "thread-" + std::to_string(t), {PutMode::kIfNoneMatch, ""});
        if (put.ok()) {
          winners++;
          winner = t;
        } else if (put.error().code() == Code::kAlreadyExists) {
          losers++;
        } else {
          errors++;
        }
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_EQ(winners.load(), 1) << "round " << round;
    ASSERT_EQ(losers.load(), kThreads - 1);
    ASSERT_EQ(errors.load(), 0);
    EXPECT_EQ(store_->Get(key)->data, "thread-" + std::to_string(winner.load()));
  }
  EXPECT_EQ(store_->ListAll("")->size(), static_cast<size_t>(kRounds));
}

TEST_F(LocalStoreRaceTest, IfNoneMatchHasExactlyOneWinnerAmongProcesses) {
  constexpr int kChildren = 4;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; round++) {
    std::string key = "race/" + std::to_string(round);
    std::vector<int> codes = RunChildren(kChildren, [&](int i) {
      auto store = LocalStore::Open(root_);  // each process opens its own
      if (!store.ok()) return kExitError;
      auto put = (*store)->Put(key, "child-" + std::to_string(i), {PutMode::kIfNoneMatch, ""});
      if (put.ok()) return kExitWon;
      return put.error().code() == Code::kAlreadyExists ? kExitLost : kExitError;
    });
    ASSERT_EQ(codes.size(), static_cast<size_t>(kChildren));
    int winner = -1;
    for (int i = 0; i < kChildren; i++) {
      ASSERT_TRUE(codes[i] == kExitWon || codes[i] == kExitLost) << "child exit " << codes[i];
      if (codes[i] == kExitWon) {
        ASSERT_EQ(winner, -1) << "two winners in round " << round;
        winner = i;
      }
    }
    ASSERT_NE(winner, -1);
    EXPECT_EQ(store_->Get(key)->data, "child-" + std::to_string(winner));
  }
}

// One compare-and-swap increment of the decimal counter at "counter".
// Returns kExitWon, kExitLost (lost the race) or kExitError.
int TryIncrement(ObjectStore& store) {
  auto got = store.Get("counter");
  if (!got.ok()) return kExitError;
  long value = std::stol(got->data);
  auto put = store.Put("counter", std::to_string(value + 1), {PutMode::kIfMatch, got->etag});
  if (put.ok()) return kExitWon;
  return put.error().code() == Code::kPreconditionFailed ? kExitLost : kExitError;
}

int IncrementTimes(ObjectStore& store, int times) {
  for (int done = 0; done < times;) {
    int rc = TryIncrement(store);
    if (rc == kExitError) return kExitError;
    if (rc == kExitWon) done++;
  }
  return 0;
}

TEST_F(LocalStoreRaceTest, CasCounterAcrossProcessesLosesNoIncrement) {
  ASSERT_TRUE(store_->Put("counter", "0").ok());
  std::vector<int> codes = RunChildren(4, [&](int) {
    auto store = LocalStore::Open(root_);
    return store.ok() ? IncrementTimes(**store, 50) : kExitError;
  });
  for (int code : codes) EXPECT_EQ(code, 0);
  EXPECT_EQ(store_->Get("counter")->data, "200");
}

TEST_F(LocalStoreRaceTest, CasCounterAcrossThreadsLosesNoIncrement) {
  ASSERT_TRUE(store_->Put("counter", "0").ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&] {
      if (IncrementTimes(*store_, 50) != 0) failures++;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store_->Get("counter")->data, "200");
}

}  // namespace
}  // namespace zerofs::objstore
