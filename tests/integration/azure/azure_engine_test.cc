// The storage engine on Azurite: commit, flush, close, reopen from a fresh
// local directory and read back; and a crash (no Close) recovered from the
// container alone.
#include <gtest/gtest.h>

#include <random>

#include "azure_test_env.h"
#include "engine/engine.h"
#include "objstore/azure_store.h"
#include "objstore/retry_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::engine {
namespace {

class AzureEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!objstore::azuretest::HaveServer()) GTEST_SKIP() << "AZURE_TEST_ENDPOINT not set";
    azure_ = objstore::AzureStore::Open(objstore::azuretest::TestConfig("engine"));
    Status st = azure_->CreateContainer();
    ASSERT_TRUE(st.ok()) << st.error().ToString();
    store_ = std::make_shared<objstore::RetryStore>(azure_);
  }

  void TearDown() override {
    if (!azure_) return;
    auto all = azure_->ListAll("");
    if (!all.ok()) return;
    std::vector<std::string> keys;
    for (const auto& o : *all) keys.push_back(o.key);
    azure_->DeleteMany(keys).Ignore();
  }

  EngineOptions Options(int n) {
    EngineOptions o;
    o.store = store_;
    o.password = "correct horse";
    o.local_dir = tmp_.path() + "/local" + std::to_string(n);
    o.segment_bytes = 1 << 20;
    o.flush_interval = std::chrono::milliseconds(0);
    o.snapshot_interval = std::chrono::milliseconds(0);
    o.memory_cache_bytes = 4 << 20;
    o.kdf = crypto::KdfParams::Interactive();
    return o;
  }

  static std::string Pattern(uint64_t seed, size_t n) {
    std::mt19937_64 rng(seed);
    std::string s(n, 'x');
    for (size_t i = 0; i < n / 2; i++) s[i] = static_cast<char>(rng());
    return s;
  }

  objstore::TestTempDir tmp_;
  std::shared_ptr<objstore::AzureStore> azure_;
  std::shared_ptr<objstore::ObjectStore> store_;
};

TEST_F(AzureEngineTest, CommitFlushReopenReadBack) {
  {
    auto e = Engine::Open(Options(0));
    ASSERT_TRUE(e.ok()) << e.error().ToString();
    for (uint64_t i = 0; i < 64; i++) {  // 2 MiB of extents: several segments
      Transaction t;
      t.Put("file/" + std::to_string(i), "meta " + std::to_string(i));
      t.WriteExtent(7, i, Pattern(i, kExtentSize));
      ASSERT_TRUE((*e)->Commit(std::move(t)).ok());
    }
    Status flushed = (*e)->Flush();
    ASSERT_TRUE(flushed.ok()) << flushed.error().ToString();
    ASSERT_TRUE((*e)->Close().ok());
  }
  auto e = Engine::Open(Options(1));  // a fresh local dir: everything from Azure
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  for (uint64_t i = 0; i < 64; i++) {
    auto meta = (*e)->Get("file/" + std::to_string(i));
    ASSERT_TRUE(meta.ok() && meta->has_value());
    EXPECT_EQ(**meta, "meta " + std::to_string(i));
    auto data = (*e)->ReadExtent(7, i);
    ASSERT_TRUE(data.ok()) << data.error().ToString();
    EXPECT_TRUE(*data == Pattern(i, kExtentSize)) << "extent " << i;
  }
  ASSERT_TRUE((*e)->Close().ok());
}

TEST_F(AzureEngineTest, FlushedWritesSurviveACrash) {
  {
    EngineOptions o = Options(0);
    o.test_skip_close_on_destroy = true;
    auto e = Engine::Open(o);
    ASSERT_TRUE(e.ok()) << e.error().ToString();
    Transaction t;
    t.Put("k", "durable");
    t.WriteExtent(1, 0, Pattern(9, 1000));
    ASSERT_TRUE((*e)->Commit(std::move(t)).ok());
    ASSERT_TRUE((*e)->Flush().ok());
  }  // destroyed without Close: a crash
  auto e = Engine::Open(Options(1));
  ASSERT_TRUE(e.ok()) << e.error().ToString();
  auto v = (*e)->Get("k");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(**v, "durable");
  EXPECT_EQ((*e)->ReadExtent(1, 0)->substr(0, 1000), Pattern(9, 1000));
  ASSERT_TRUE((*e)->Close().ok());
}

}  // namespace
}  // namespace zerofs::engine
