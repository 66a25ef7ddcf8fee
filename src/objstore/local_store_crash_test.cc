// A writer SIGKILLed at random moments never leaves a torn object behind.
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <random>

#include <gtest/gtest.h>

#include "objstore/local_layout.h"
#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::objstore {
namespace {

constexpr size_t kObjectSize = 64 << 20;
constexpr char kKey[] = "big/object";

// Version `v` of the object: 8-byte words that all depend on v (word 0 is v
// itself), so any mix of two versions or a truncation is detectable.
uint64_t Word(uint64_t v, uint64_t i) {
  return i == 0 ? v : (v * 0x9E3779B97F4A7C15u) ^ (i * 0xBF58476D1CE4E5B9u);
}

std::string MakeVersion(uint64_t v) {
  std::string data(kObjectSize, '\0');
  for (uint64_t i = 0; i < kObjectSize / 8; i++) {
    uint64_t w = Word(v, i);
    std::memcpy(data.data() + 8 * i, &w, 8);
  }
  return data;
}

// Returns "" if `data` is one complete version, else what is wrong.
std::string CheckVersion(const std::string& data) {
  if (data.size() != kObjectSize) return "size " + std::to_string(data.size());
  uint64_t v;
  std::memcpy(&v, data.data(), 8);
  for (uint64_t i = 1; i < kObjectSize / 8; i++) {
    uint64_t w;
    std::memcpy(&w, data.data() + 8 * i, 8);
    if (w != Word(v, i))
      return "word " + std::to_string(i) + " is not from version " + std::to_string(v);
  }
  return "";
}

// Writes versions first, first+1, ... forever, alternating plain overwrites
// and compare-and-swaps, writing a byte to `progress_fd` as each Put starts.
// Runs in a child process until killed.
[[noreturn]] void WriteForever(const std::string& root, uint64_t first, int progress_fd) {
  auto store = LocalStore::Open(root);
  if (!store.ok()) _exit(2);
  for (uint64_t v = first;; v++) {
    PutOptions options;
    if (v % 2 == 1) {
      auto head = (*store)->Head(kKey);
      if (head.ok()) options = {PutMode::kIfMatch, head->etag};
    }
    std::string data = MakeVersion(v);
    if (write(progress_fd, "p", 1) != 1) _exit(4);
    if (!(*store)->Put(kKey, data, options).ok()) _exit(3);
  }
}

size_t CountTempFiles(const std::string& dir) {
  size_t n = 0;
  if (DIR* d = opendir(dir.c_str())) {
    while (struct dirent* ent = readdir(d)) n += IsTempName(ent->d_name) ? 1 : 0;
    closedir(d);
  }
  return n;
}

TEST(LocalStoreCrashTest, KilledWriterLeavesNoTornObject) {
  TestTempDir dir;
  std::string root = dir.path() + "/store";
  auto store = LocalStore::Open(root);
  ASSERT_TRUE(store.ok());
  std::mt19937 rng(12345);
  // A 64 MiB Put takes some 100-300 ms here; killing 0-120 ms after one
  // starts lands in every phase: writing, fsync, rename, or between Puts.
  std::uniform_int_distribution<int> delay_us(0, 120000);
  std::uniform_int_distribution<int> puts_started(1, 2);
  int torn_writes_left = 0, complete_versions = 0;
  for (int round = 0; round < 10; round++) {
    int progress[2];
    ASSERT_EQ(pipe(progress), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(progress[0]);
      WriteForever(root, 1000u * round + 1, progress[1]);
    }
    close(progress[1]);
    char c;
    for (int n = puts_started(rng); n > 0 && read(progress[0], &c, 1) == 1; n--) {
    }
    usleep(delay_us(rng));
    kill(pid, SIGKILL);
    close(progress[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer failed with exit " << WEXITSTATUS(status);

    auto got = (*store)->Get(kKey);
    if (got.ok()) {
      EXPECT_EQ(CheckVersion(got->data), "") << "round " << round;
      complete_versions++;
    } else {
      EXPECT_EQ(got.error().code(), Code::kNotFound);
    }
    auto listed = (*store)->ListAll("");
    ASSERT_TRUE(listed.ok());
    ASSERT_LE(listed->size(), 1u);
    if (!listed->empty()) {
      EXPECT_EQ((*listed)[0].key, kKey);
    }

    // Leftover temporary files are invisible, then swept.
    torn_writes_left += static_cast<int>(CountTempFiles(root + "/big"));
    ASSERT_TRUE((*store)->SweepTempFiles(std::chrono::seconds(0)).ok());
    EXPECT_EQ(CountTempFiles(root + "/big"), 0u);
  }
  EXPECT_GT(complete_versions, 0);
  RecordProperty("killed_mid_write", torn_writes_left);
  RecordProperty("complete_versions", complete_versions);
  std::cout << "killed mid-write " << torn_writes_left << " times; complete version seen "
            << complete_versions << " times\n";
}

}  // namespace
}  // namespace zerofs::objstore
