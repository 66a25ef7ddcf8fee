#include "engine_on_store_contract.h"

#include <random>

#include "engine/test_engine.h"
#include "objstore/retry_store.h"

namespace zerofs::testing {

using engine::Engine;
using engine::EngineOptions;
using engine::kExtentSize;
using engine::Transaction;

void EngineOnStoreTest::SetUp() {
  opened_ = GetParam().open(::testing::UnitTest::GetInstance()->current_test_info()->name());
  if (!opened_.skip.empty()) GTEST_SKIP() << opened_.skip;
  ASSERT_NE(opened_.store, nullptr);
  store_ = std::make_shared<objstore::RetryStore>(opened_.store);
}

void EngineOnStoreTest::TearDown() {
  store_.reset();
  if (opened_.store) DeleteAll(*opened_.store);
  opened_.store.reset();
  opened_.keep_alive.reset();
}

EngineOptions EngineOnStoreTest::Options(int n) {
  return engine::TestEngineOptions(store_, tmp_.path() + "/local" + std::to_string(n));
}

namespace {

std::string Pattern(uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  std::string s(n, 'x');
  for (size_t i = 0; i < n / 2; i++) s[i] = static_cast<char>(rng());
  return s;
}

TEST_P(EngineOnStoreTest, CommitFlushReopenReadBack) {
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
  auto e = Engine::Open(Options(1));  // a fresh local dir: everything from the store
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

TEST_P(EngineOnStoreTest, FlushedWritesSurviveACrash) {
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
}  // namespace zerofs::testing
