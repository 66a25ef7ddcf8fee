// The clean-close record (engine/clean_close.h): its bytes, and the engine
// reusing its local index after a clean close, and only then.
#include "engine/clean_close.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/engine.h"
#include "engine/test_engine.h"
#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::engine {
namespace {

namespace fs = std::filesystem;

CleanClose Sample() {
  CleanClose r;
  r.epoch = 7;
  r.snapshot_id = 3;
  r.horizon = 42;
  r.incarnation = 0x1234abcd;
  r.manifest_etag = "\"etag-1\"";
  r.sst_objects = {{"000012.sst", "sst/000000001234abcd-000012.sst"},
                   {"000015.sst", "sst/000000001234abcd-000015.sst"}};
  return r;
}

TEST(CleanCloseRecordTest, RoundTrips) {
  auto back = CleanClose::Decode(Sample().Encode());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, Sample());
}

TEST(CleanCloseRecordTest, EveryFlippedByteAndEveryTruncationIsRefused) {
  const std::string good = Sample().Encode();
  for (size_t i = 0; i < good.size(); i++) {
    std::string bad = good;
    bad[i] ^= 0x04;
    EXPECT_FALSE(CleanClose::Decode(bad).ok()) << "byte " << i;
  }
  for (size_t n = 0; n < good.size(); n++) {
    EXPECT_FALSE(CleanClose::Decode(good.substr(0, n)).ok()) << n;
  }
}

TEST(CleanCloseRecordTest, TakeRemovesTheRecordAndADamagedOne) {
  objstore::TestTempDir tmp;
  ASSERT_TRUE(WriteCleanClose(tmp.path(), Sample()).ok());
  EXPECT_EQ(TakeCleanClose(tmp.path()), Sample());
  EXPECT_FALSE(fs::exists(tmp.path() + "/CLEAN"));
  EXPECT_EQ(TakeCleanClose(tmp.path()), std::nullopt);
  std::ofstream(tmp.path() + "/CLEAN") << "garbage";
  EXPECT_EQ(TakeCleanClose(tmp.path()), std::nullopt);
  EXPECT_FALSE(fs::exists(tmp.path() + "/CLEAN"));
}

class CleanCloseEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenBucket(); }

  void OpenBucket() {
    auto local = objstore::LocalStore::Open(tmp_.path() + "/bucket");
    ASSERT_TRUE(local.ok()) << local.error().ToString();
    store_ = std::make_shared<PrefixGetCounter>(*local, "sst/");
  }

  std::unique_ptr<Engine> Open(const std::string& local = "local") {
    EngineOptions o = TestEngineOptions(store_, tmp_.path() + "/" + local);
    o.gc_enabled = false;
    auto e = Engine::Open(std::move(o));
    EXPECT_TRUE(e.ok()) << e.error().ToString();
    return e.ok() ? std::move(e).value() : nullptr;
  }

  static void Put(Engine* e, const std::string& key, const std::string& value) {
    Transaction t;
    t.Put(key, value);
    ASSERT_TRUE(e->Commit(std::move(t)).ok());
  }

  static std::optional<std::string> Get(Engine* e, const std::string& key) {
    auto v = e->Get(key);
    EXPECT_TRUE(v.ok()) << v.error().ToString();
    return v.ok() ? *v : std::nullopt;
  }

  // Writes `n` keys and closes cleanly.
  void WriteAndClose(int n, const std::string& local = "local") {
    auto e = Open(local);
    ASSERT_NE(e, nullptr);
    for (int i = 0; i < n; i++) Put(e.get(), "k" + std::to_string(i), "v" + std::to_string(i));
    ASSERT_TRUE(e->Close().ok());
  }

  // Opens the writer on "local" and checks whether it restored the
  // snapshot (downloaded SSTs) or reused the index of the clean close.
  std::unique_ptr<Engine> Reopen(bool restores) {
    store_->gets = 0;
    auto e = Open();
    EXPECT_NE(e, nullptr);
    if (restores) {
      EXPECT_GT(store_->gets, 0u);
    } else {
      EXPECT_EQ(store_->gets, 0u);
    }
    return e;
  }

  bool HasRecord(const std::string& local = "local") const {
    return fs::exists(tmp_.path() + "/" + local + "/CLEAN");
  }

  objstore::TestTempDir tmp_;
  std::shared_ptr<PrefixGetCounter> store_;  // counts snapshot SST downloads
};

TEST_F(CleanCloseEngineTest, AfterACleanCloseTheLocalIndexIsReusedWithoutDownloads) {
  WriteAndClose(100);
  ASSERT_TRUE(HasRecord());
  auto e = Reopen(/*restores=*/false);
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(HasRecord());  // vouches no more once the index is open
  for (int i = 0; i < 100; i++)
    EXPECT_EQ(Get(e.get(), "k" + std::to_string(i)), "v" + std::to_string(i));
  // It keeps working as a writer, across more clean closes.
  Put(e.get(), "after", "reuse");
  ASSERT_TRUE(e->Close().ok());
  e = Reopen(/*restores=*/false);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Get(e.get(), "after"), "reuse");
  EXPECT_EQ(Get(e.get(), "k99"), "v99");
}

TEST_F(CleanCloseEngineTest, AnOpenWithoutNewWritesKeepsTheIndexReusable) {
  WriteAndClose(10);
  for (int round = 0; round < 3; round++) {
    auto e = Reopen(/*restores=*/false);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(Get(e.get(), "k9"), "v9");
    ASSERT_TRUE(e->Close().ok());
  }
}

TEST_F(CleanCloseEngineTest, AfterACrashTheSnapshotIsRestored) {
  WriteAndClose(10);
  {
    EngineOptions o = TestEngineOptions(store_, tmp_.path() + "/local");
    o.gc_enabled = false;
    o.test_skip_close_on_destroy = true;  // like SIGKILL: no close
    auto e = Engine::Open(std::move(o));
    ASSERT_TRUE(e.ok());
    Put(e->get(), "unflushed", "x");
  }
  EXPECT_FALSE(HasRecord());
  auto e = Reopen(/*restores=*/true);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Get(e.get(), "k9"), "v9");
}

TEST_F(CleanCloseEngineTest, AnotherWritersChangesMakeItRestore) {
  WriteAndClose(10);
  {
    auto other = Open("elsewhere");
    ASSERT_NE(other, nullptr);
    Put(other.get(), "k3", "changed elsewhere");
    ASSERT_TRUE(other->Close().ok());
  }
  auto e = Reopen(/*restores=*/true);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Get(e.get(), "k3"), "changed elsewhere");
}

TEST_F(CleanCloseEngineTest, ABucketStartedAgainUnderTheSameDirectoryIsNotMistakenForTheOld) {
  WriteAndClose(10);
  fs::remove_all(tmp_.path() + "/bucket");
  OpenBucket();
  WriteAndClose(3, "elsewhere");       // the same history's numbers, new manifest
  auto e = Reopen(/*restores=*/true);  // the new bucket's snapshot
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Get(e.get(), "k9"), std::nullopt);  // the old index's data is not there
  EXPECT_EQ(Get(e.get(), "k2"), "v2");
}

TEST_F(CleanCloseEngineTest, AMissingIndexDirectoryMakesItRestore) {
  WriteAndClose(10);
  for (const auto& entry : fs::directory_iterator(tmp_.path() + "/local")) {
    if (entry.path().filename().string().rfind("db-", 0) == 0) fs::remove_all(entry.path());
  }
  auto e = Reopen(/*restores=*/true);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Get(e.get(), "k9"), "v9");
}

}  // namespace
}  // namespace zerofs::engine
