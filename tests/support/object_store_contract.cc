#include "object_store_contract.h"

#include <atomic>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "objstore/fault_store.h"
#include "objstore/probe.h"
#include "objstore/retry_store.h"

namespace zerofs::testing {

using objstore::ByteRange;
using objstore::PutMode;
using objstore::PutOptions;

std::string ContractBackendName(const ::testing::TestParamInfo<ContractBackend>& info) {
  return info.param.name;
}

void ObjectStoreContractTest::SetUp() {
  opened_ = GetParam().open(::testing::UnitTest::GetInstance()->current_test_info()->name());
  if (!opened_.skip.empty()) GTEST_SKIP() << opened_.skip;
  ASSERT_NE(opened_.store, nullptr);
}

void ObjectStoreContractTest::TearDown() {
  if (opened_.store) DeleteAll(*opened_.store);
  opened_.store.reset();
  opened_.keep_alive.reset();
}

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    std::memcpy(&s[i], &v, 8);
  }
  return s;
}

std::string MustPut(objstore::ObjectStore& store, std::string_view key, std::string_view data,
                    PutOptions options) {
  auto etag = store.Put(key, data, options);
  EXPECT_TRUE(etag.ok()) << etag.error().ToString();
  return etag.ok() ? *etag : "";
}

std::vector<std::string> Keys(objstore::ObjectStore& store, std::string_view prefix) {
  auto all = store.ListAll(prefix);
  EXPECT_TRUE(all.ok()) << all.error().ToString();
  std::vector<std::string> keys;
  if (all.ok()) {
    for (const auto& info : *all) keys.push_back(info.key);
  }
  return keys;
}

void DeleteAll(objstore::ObjectStore& store) {
  auto all = store.ListAll("");
  if (!all.ok()) return;
  std::vector<std::string> keys;
  for (const auto& o : *all) keys.push_back(o.key);
  store.DeleteMany(keys).Ignore();
}

void PutInParallel(objstore::ObjectStore& store, const std::vector<std::string>& keys,
                   std::string_view data) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; t++) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < keys.size(); i = next++) {
        ASSERT_TRUE(store.Put(keys[i], data).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
}

Error ExpectUnreachable(objstore::ObjectStore& store, const std::string& endpoint,
                        const std::string& object_url) {
  auto get = store.Get("k");
  if (get.ok()) {
    ADD_FAILURE() << "a Get from " << endpoint << " succeeded";
    return Error(Code::kIoError, "unexpected success");
  }
  EXPECT_EQ(get.error().code(), Code::kUnavailable);
  EXPECT_TRUE(get.error().retryable());
  EXPECT_NE(get.error().context().find("cannot reach the store at " + endpoint), std::string::npos)
      << get.error().context();
  EXPECT_NE(get.error().context().find(object_url), std::string::npos) << get.error().context();
  return get.error();
}

Error ExpectProbeDenied(objstore::ObjectStore& store) {
  Status st = objstore::ProbeConditionalWrites(store);
  if (st.ok()) {
    ADD_FAILURE() << "the probe passed with wrong credentials";
    return Error(Code::kIoError, "unexpected success");
  }
  EXPECT_EQ(st.error().code(), Code::kPermissionDenied);
  EXPECT_NE(st.error().context().find("conditional-write probe"), std::string::npos);
  return st.error();
}

std::string ObjectStoreContractTest::MustPut(std::string_view key, std::string_view data,
                                             PutOptions options) {
  return ::zerofs::testing::MustPut(store(), key, data, options);
}

std::vector<std::string> ObjectStoreContractTest::Keys(std::string_view prefix) {
  return ::zerofs::testing::Keys(store(), prefix);
}

std::string ObjectStoreContractTest::Random(size_t n, uint64_t seed) {
  return RandomBytes(n, seed);
}

namespace {

TEST_P(ObjectStoreContractTest, PutThenGetReturnsBytesAndUnquotedEtag) {
  std::string etag = MustPut("manifest", "hello");
  EXPECT_FALSE(etag.empty());
  EXPECT_EQ(etag.find('"'), std::string::npos);
  auto got = store().Get("manifest");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->data, "hello");
  EXPECT_EQ(got->object_size, 5u);
  EXPECT_EQ(got->etag, etag);
  auto head = store().Head("manifest");
  ASSERT_TRUE(head.ok()) << head.error().ToString();
  EXPECT_EQ(head->key, "manifest");
  EXPECT_EQ(head->size, 5u);
  EXPECT_EQ(head->etag, etag);
}

TEST_P(ObjectStoreContractTest, EmptyObjectRoundTrips) {
  MustPut("empty", "");
  auto got = store().Get("empty");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->data, "");
  EXPECT_EQ(got->object_size, 0u);
  auto ranged = store().Get("empty", ByteRange{0, 10});
  ASSERT_TRUE(ranged.ok()) << ranged.error().ToString();
  EXPECT_EQ(ranged->data, "");
  EXPECT_EQ(ranged->object_size, 0u);
  EXPECT_EQ(store().Head("empty")->size, 0u);
}

TEST_P(ObjectStoreContractTest, BinaryAndOddKeysRoundTrip) {
  std::string bytes = Random(100000, 7);
  bytes[5] = '\0';
  for (const char* key : {"a b/c+d", "x%41y", "amp&lt<gt>", "ünï/çødé", "q?r#s=t"}) {
    MustPut(key, bytes);
    auto got = store().Get(key);
    ASSERT_TRUE(got.ok()) << key << ": " << got.error().ToString();
    EXPECT_EQ(got->data, bytes) << key;
    EXPECT_EQ(store().Head(key)->size, bytes.size()) << key;
  }
  std::vector<std::string> want = {"a b/c+d", "amp&lt<gt>", "q?r#s=t", "x%41y", "ünï/çødé"};
  EXPECT_EQ(Keys(""), want);
  for (const std::string& key : want) EXPECT_TRUE(store().Delete(key).ok()) << key;
  EXPECT_TRUE(Keys("").empty());
}

TEST_P(ObjectStoreContractTest, OverwriteReplacesBytesAndChangesEtag) {
  std::string first = MustPut("k", "one");
  std::string second = MustPut("k", "two");
  EXPECT_NE(first, second);
  auto got = store().Get("k");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->data, "two");
  EXPECT_EQ(got->etag, second);
}

TEST_P(ObjectStoreContractTest, RangesAreClippedAndReportWholeSize) {
  std::string etag = MustPut("r", "0123456789");
  struct Case {
    ByteRange range;
    std::string want;
  } cases[] = {
      {{0, 0}, "0123456789"}, {{3, 4}, "3456"}, {{7, 0}, "789"}, {{8, 100}, "89"},
      {{10, 1}, ""},          {{10, 0}, ""},    {{50, 5}, ""},   {{0, 1}, "0"},
  };
  for (const Case& c : cases) {
    auto got = store().Get("r", c.range);
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    EXPECT_EQ(got->data, c.want) << c.range.offset << "+" << c.range.length;
    EXPECT_EQ(got->object_size, 10u) << c.range.offset << "+" << c.range.length;
    EXPECT_EQ(got->etag, etag) << c.range.offset << "+" << c.range.length;
  }
}

TEST_P(ObjectStoreContractTest, ReadRangeReadsLikeGetIntoOneReusedBuffer) {
  const std::string bytes = Random(300000, 11);
  MustPut("rr", bytes);
  objstore::RangeBuffer buf;
  struct Case {
    ByteRange range;
    std::string want;
  } cases[] = {
      {{0, 300000}, bytes},
      {{5, 7}, bytes.substr(5, 7)},
      {{299990, 100}, bytes.substr(299990)},  // clipped at the end
      {{300000, 1}, ""},
      {{1000, 200000}, bytes.substr(1000, 200000)},  // smaller than the buffer now
  };
  for (const Case& c : cases) {
    auto got = store().ReadRange("rr", c.range, &buf);
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    EXPECT_EQ(*got, c.want) << c.range.offset << "+" << c.range.length;
  }
  EXPECT_EQ(buf.capacity(), 300000u);  // grown once, then reused
  auto missing = store().ReadRange("nope", ByteRange{0, 10}, &buf);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), Code::kNotFound);
}

TEST_P(ObjectStoreContractTest, MissingObjectIsNotFoundAndNamesTheUrl) {
  const std::string url = store().Describe();
  auto got = store().Get("nope/missing");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), Code::kNotFound);
  EXPECT_NE(got.error().context().find("GET " + url + "/nope/missing"), std::string::npos)
      << got.error().context();
  auto head = store().Head("missing");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.error().code(), Code::kNotFound);
  EXPECT_NE(head.error().context().find("HEAD " + url + "/missing"), std::string::npos)
      << head.error().context();
  EXPECT_EQ(store().Get("missing", ByteRange{5, 5}).error().code(), Code::kNotFound);
}

TEST_P(ObjectStoreContractTest, IfNoneMatchCreatesOnlyOnce) {
  PutOptions create{PutMode::kIfNoneMatch, ""};
  std::string etag = MustPut("seg", "first", create);
  auto again = store().Put("seg", "second", create);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kAlreadyExists) << again.error().ToString();
  EXPECT_NE(again.error().context().find("PUT " + store().Describe() + "/seg"), std::string::npos)
      << again.error().context();
  auto got = store().Get("seg");
  EXPECT_EQ(got->data, "first");
  EXPECT_EQ(got->etag, etag);
}

TEST_P(ObjectStoreContractTest, IfMatchSwapsOnlyFromTheCurrentEtag) {
  std::string v1 = MustPut("manifest", "v1");
  std::string v2 = MustPut("manifest", "v2", {PutMode::kIfMatch, v1});
  EXPECT_NE(v1, v2);
  auto stale = store().Put("manifest", "v3", {PutMode::kIfMatch, v1});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code(), Code::kPreconditionFailed) << stale.error().ToString();
  EXPECT_EQ(store().Get("manifest")->data, "v2");
  EXPECT_EQ(store().Head("manifest")->etag, v2);
}

TEST_P(ObjectStoreContractTest, IfMatchOnMissingObjectFails) {
  auto put = store().Put("manifest", "v1", {PutMode::kIfMatch, "0123"});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kPreconditionFailed) << put.error().ToString();
  EXPECT_EQ(store().Head("manifest").error().code(), Code::kNotFound);
}

TEST_P(ObjectStoreContractTest, DeleteRemovesAndMissingIsOk) {
  MustPut("d/x", "1");
  EXPECT_TRUE(store().Delete("d/x").ok());
  EXPECT_EQ(store().Get("d/x").error().code(), Code::kNotFound);
  EXPECT_TRUE(store().Delete("d/x").ok());
  EXPECT_TRUE(store().Delete("never/existed/at/all").ok());
}

TEST_P(ObjectStoreContractTest, DeleteManyDeletesEveryKey) {
  std::vector<std::string> keys;
  for (int i = 0; i < 40; i++) keys.push_back("many/" + std::to_string(100 + i));
  for (const auto& k : keys) MustPut(k, k);
  MustPut("keep", "k");
  keys.push_back("many/missing");
  Status st = store().DeleteMany(keys);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Keys(""), std::vector<std::string>{"keep"});
  EXPECT_TRUE(store().DeleteMany({}).ok());
}

TEST_P(ObjectStoreContractTest, ListPaginatesInKeyOrderUnderThePrefix) {
  std::vector<std::string> keys;
  for (int i = 0; i < 23; i++) keys.push_back("p/" + std::to_string(100 + i));
  keys.push_back("p0");
  keys.push_back("q/1");
  for (const auto& k : keys) MustPut(k, k);
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = store().List("p/", token, 5);
    ASSERT_TRUE(page.ok()) << page.error().ToString();
    EXPECT_LE(page->objects.size(), 5u);
    for (const auto& o : page->objects) {
      seen.push_back(o.key);
      EXPECT_EQ(o.size, o.key.size());
      EXPECT_FALSE(o.etag.empty());
      EXPECT_EQ(o.etag.find('"'), std::string::npos);
    }
    token = page->next_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_GE(pages, 5);
  std::vector<std::string> want(keys.begin(), keys.begin() + 23);
  EXPECT_EQ(seen, want);
  EXPECT_EQ(Keys("p").size(), 24u);
  EXPECT_EQ(Keys("").size(), 25u);
  EXPECT_TRUE(Keys("zzz").empty());
}

TEST_P(ObjectStoreContractTest, ListPrefixIsAPlainStringPrefix) {
  for (const char* key : {"seg/001", "seg/002", "segment", "se", "other/seg", "seg.x/1"}) {
    MustPut(key, "x");
  }
  EXPECT_EQ(Keys("seg"), (std::vector<std::string>{"seg.x/1", "seg/001", "seg/002", "segment"}));
  EXPECT_EQ(Keys("seg/"), (std::vector<std::string>{"seg/001", "seg/002"}));
  EXPECT_EQ(Keys("seg/00"), (std::vector<std::string>{"seg/001", "seg/002"}));
  EXPECT_EQ(Keys("seg/002"), (std::vector<std::string>{"seg/002"}));
  EXPECT_EQ(Keys("s"),
            (std::vector<std::string>{"se", "seg.x/1", "seg/001", "seg/002", "segment"}));
  EXPECT_TRUE(Keys("x").empty());
  EXPECT_TRUE(Keys("nothing/here/").empty());
}

TEST_P(ObjectStoreContractTest, ListReportsSizeAndEtag) {
  std::string etag = MustPut("dir/obj", "12345");
  auto page = store().List("", "", 10);
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "dir/obj");
  EXPECT_EQ(page->objects[0].size, 5u);
  EXPECT_EQ(page->objects[0].etag, etag);
  EXPECT_TRUE(page->next_token.empty());
}

TEST_P(ObjectStoreContractTest, IfNoneMatchRaceHasExactlyOneWinner) {
  for (int round = 0; round < 5; round++) {
    std::string key = "race/" + std::to_string(round);
    std::atomic<int> winners{0}, losers{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; t++) {
      threads.emplace_back([&, t] {
        auto r = store().Put(key, "writer " + std::to_string(t), {PutMode::kIfNoneMatch, ""});
        if (r.ok()) {
          winners++;
        } else {
          EXPECT_EQ(r.error().code(), Code::kAlreadyExists) << r.error().ToString();
          losers++;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_EQ(losers.load(), 7) << "round " << round;
  }
}

TEST_P(ObjectStoreContractTest, IfMatchCounterIsExactUnderContention) {
  // Through a RetryStore, as ZeroFS runs (RGW sometimes answers a losing
  // If-Match PUT with a 500). Values carry the writer's id so a retry can
  // tell its own write from a competitor's (RetryStore's contract).
  auto base = std::shared_ptr<objstore::ObjectStore>(opened_.store);
  objstore::RetryStore retry(base, objstore::RetryOptions{10, std::chrono::milliseconds(5),
                                                          std::chrono::milliseconds(100)});
  ASSERT_TRUE(retry.Put("counter", "0 init").ok());
  constexpr int kThreads = 4, kIncrements = 15;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      for (int done = 0; done < kIncrements;) {
        auto cur = retry.Get("counter");
        ASSERT_TRUE(cur.ok()) << cur.error().ToString();
        int value = std::stoi(cur->data.substr(0, cur->data.find(' ')));
        std::string next = std::to_string(value + 1) + " writer " + std::to_string(t);
        auto r = retry.Put("counter", next, {PutMode::kIfMatch, cur->etag});
        if (r.ok()) {
          done++;
        } else {
          ASSERT_EQ(r.error().code(), Code::kPreconditionFailed) << r.error().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string final = retry.Get("counter")->data;
  EXPECT_EQ(final.substr(0, final.find(' ')), std::to_string(kThreads * kIncrements));
}

TEST_P(ObjectStoreContractTest, ConditionalWriteProbePasses) {
  Status st = objstore::ProbeConditionalWrites(store());
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_TRUE(Keys("").empty());  // the probe object is gone
}

TEST_P(ObjectStoreContractTest, RetriesHideTenPercentFailuresAndLatency) {
  objstore::FaultOptions faults;
  faults.failure_rate = 0.10;
  faults.latency = std::chrono::milliseconds(50);
  faults.seed = 5;
  auto faulty = std::make_shared<objstore::FaultStore>(opened_.store, faults);
  objstore::RetryOptions retry;
  retry.base_delay = std::chrono::milliseconds(10);
  retry.max_delay = std::chrono::milliseconds(200);
  retry.max_attempts = 12;
  objstore::RetryStore store(faulty, retry);
  constexpr int kObjects = 100, kThreads = 16;
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&] {
      for (int i = next++; i < kObjects; i = next++) {
        std::string key = "f/" + std::to_string(i);
        std::string data = Random(1000 + i * 37, 1000 + i);
        // Half create-only (exercises the ambiguous-conditional path).
        PutOptions mode = i % 2 ? PutOptions{PutMode::kIfNoneMatch, ""} : PutOptions{};
        auto put = store.Put(key, data, mode);
        ASSERT_TRUE(put.ok()) << key << ": " << put.error().ToString();
        auto got = store.Get(key);
        ASSERT_TRUE(got.ok()) << key << ": " << got.error().ToString();
        EXPECT_TRUE(got->data == data) << key;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(faulty->counters().failures, 5u);
  EXPECT_EQ(Keys("f/").size(), static_cast<size_t>(kObjects));
}

}  // namespace
}  // namespace zerofs::testing
