#include "objstore/retry_store.h"

#include <gtest/gtest.h>

#include "objstore/fault_store.h"
#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::objstore {
namespace {

using std::chrono::milliseconds;

// Real local store <- FaultStore <- RetryStore, with short backoff so the
// tests run fast.
class RetryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = LocalStore::Open(dir_.path() + "/store");
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    local_ = *store;
    faults_ = std::make_shared<FaultStore>(local_, FaultOptions{.seed = 42});
    retry_ = std::make_shared<RetryStore>(faults_, RetryOptions{.max_attempts = 10,
                                                                .base_delay = milliseconds(1),
                                                                .max_delay = milliseconds(8)});
  }

  TestTempDir dir_;
  std::shared_ptr<LocalStore> local_;
  std::shared_ptr<FaultStore> faults_;
  std::shared_ptr<RetryStore> retry_;
};

TEST_F(RetryStoreTest, RetriesRetryableFailuresUntilSuccess) {
  ASSERT_TRUE(local_->Put("k", "v").ok());
  faults_->FailNext(3);
  auto got = retry_->Get("k");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->data, "v");
  EXPECT_EQ(faults_->counters().gets, 4u);
}

TEST_F(RetryStoreTest, RangedReadsAreRetriedToo) {
  ASSERT_TRUE(local_->Put("k", "value").ok());
  faults_->FailNext(3);
  RangeBuffer buf;
  auto got = retry_->ReadRange("k", ByteRange{1, 3}, &buf);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(*got, "alu");
  EXPECT_EQ(faults_->counters().gets, 4u);  // FaultStore's ReadRange goes through its Get
}

TEST_F(RetryStoreTest, GivesUpAfterMaxAttempts) {
  RetryStore retry(faults_, RetryOptions{.max_attempts = 4, .base_delay = milliseconds(1)});
  faults_->FailNext(100);
  auto head = retry.Head("k");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.error().code(), Code::kUnavailable);
  EXPECT_EQ(faults_->counters().heads, 4u);
}

TEST_F(RetryStoreTest, NonRetryableErrorsAreNotRetried) {
  EXPECT_EQ(retry_->Get("missing").error().code(), Code::kNotFound);
  EXPECT_EQ(faults_->counters().gets, 1u);

  EXPECT_EQ(retry_->Put("/bad", "x").error().code(), Code::kInvalidArgument);
  EXPECT_EQ(faults_->counters().puts, 1u);

  faults_->FailNext(1, FaultMode::kBefore, Code::kIoError);
  EXPECT_EQ(retry_->Delete("k").error().code(), Code::kIoError);
  EXPECT_EQ(faults_->counters().deletes, 1u);

  // A conflict on the first attempt is simply a conflict: no read-back.
  ASSERT_TRUE(local_->Put("seg", "theirs").ok());
  faults_->ResetCounters();
  EXPECT_EQ(retry_->Put("seg", "ours", {PutMode::kIfNoneMatch, ""}).error().code(),
            Code::kAlreadyExists);
  EXPECT_EQ(faults_->counters().puts, 1u);
  EXPECT_EQ(faults_->counters().gets, 0u);
}

TEST_F(RetryStoreTest, AmbiguousCreateThatLandedIsASuccess) {
  faults_->FailNext(1, FaultMode::kAfter);
  auto put = retry_->Put("seg", "ours", {PutMode::kIfNoneMatch, ""});
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  EXPECT_EQ(*put, local_->Head("seg")->etag);
  EXPECT_EQ(local_->Get("seg")->data, "ours");
  EXPECT_EQ(faults_->counters().puts, 2u);  // landed, then kAlreadyExists
  EXPECT_EQ(faults_->counters().gets, 1u);  // the read-back
}

TEST_F(RetryStoreTest, AmbiguousSwapThatLandedIsASuccess) {
  std::string v1 = *local_->Put("manifest", "v1");
  faults_->FailNext(1, FaultMode::kAfter);
  auto put = retry_->Put("manifest", "v2", {PutMode::kIfMatch, v1});
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  EXPECT_EQ(*put, local_->Head("manifest")->etag);
  EXPECT_EQ(local_->Get("manifest")->data, "v2");
}

TEST_F(RetryStoreTest, ConflictWithSomeoneElsesBytesIsStillAConflict) {
  ASSERT_TRUE(local_->Put("seg", "theirs").ok());
  faults_->FailNext(1, FaultMode::kBefore);
  auto put = retry_->Put("seg", "ours", {PutMode::kIfNoneMatch, ""});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kAlreadyExists);

  std::string etag = *local_->Put("manifest", "theirs-v2");
  faults_->FailNext(1, FaultMode::kBefore);
  auto cas = retry_->Put("manifest", "ours", {PutMode::kIfMatch, "stale-etag"});
  ASSERT_FALSE(cas.ok());
  EXPECT_EQ(cas.error().code(), Code::kPreconditionFailed);
  EXPECT_EQ(local_->Head("manifest")->etag, etag);
}

TEST_F(RetryStoreTest, TwoHundredCreatesUnderThirtyPercentFaults) {
  faults_->SetFailureRate(0.3, /*ambiguous_fraction=*/0.5);
  auto content = [](int i) { return "segment body " + std::to_string(i * 7919); };
  for (int i = 0; i < 200; i++) {
    std::string key = "segments/" + std::to_string(1000 + i);
    auto put = retry_->Put(key, content(i), {PutMode::kIfNoneMatch, ""});
    ASSERT_TRUE(put.ok()) << key << ": " << put.error().ToString();
    EXPECT_EQ(*put, local_->Head(key)->etag);
  }
  FaultCounters c = faults_->counters();
  EXPECT_GT(c.failures, 60u);
  EXPECT_GT(c.gets, 0u);  // some ambiguous creates were resolved by read-back

  faults_->SetFailureRate(0);
  auto all = local_->ListAll("segments/");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 200u);
  for (int i = 0; i < 200; i++) {
    std::string key = "segments/" + std::to_string(1000 + i);
    EXPECT_EQ(local_->Get(key)->data, content(i));
    // Each object exists exactly once: creating it again is a conflict.
    EXPECT_EQ(retry_->Put(key, content(i), {PutMode::kIfNoneMatch, ""}).error().code(),
              Code::kAlreadyExists);
  }
}

TEST_F(RetryStoreTest, DeleteManyIsRetriedAsABatch) {
  for (const char* key : {"a", "b", "c"}) ASSERT_TRUE(local_->Put(key, "x").ok());
  faults_->FailNext(1, FaultMode::kAfter);  // deletes "a", then reports failure
  ASSERT_TRUE(retry_->DeleteMany({"a", "b", "c"}).ok());
  EXPECT_TRUE(local_->ListAll("")->empty());
  EXPECT_EQ(faults_->counters().deletes, 4u);
}

TEST_F(RetryStoreTest, BackoffIsBoundedByTheCap) {
  RetryStore retry(faults_, RetryOptions{.max_attempts = 6,
                                         .base_delay = milliseconds(10),
                                         .max_delay = milliseconds(20)});
  faults_->FailNext(5);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(retry.Head("missing").error().code() == Code::kNotFound);
  // Sleeps are at most 10 + 20 + 20 + 20 + 20 ms.
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(90 + 500));
}

}  // namespace
}  // namespace zerofs::objstore
