#include "objstore/probe.h"

#include <gtest/gtest.h>

#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::objstore {
namespace {

// A store that ignores If-None-Match (or If-Match), like s3rver or Swift.
class LaxStore : public ObjectStore {
 public:
  LaxStore(std::shared_ptr<ObjectStore> base, bool ignore_if_none_match)
      : base_(std::move(base)), ignore_if_none_match_(ignore_if_none_match) {}
  Result<GetResult> Get(std::string_view key, std::optional<ByteRange> range) override {
    return base_->Get(key, range);
  }
  Result<ObjectInfo> Head(std::string_view key) override { return base_->Head(key); }
  Result<std::string> Put(std::string_view key, std::string_view data,
                          const PutOptions& options) override {
    bool ignore = ignore_if_none_match_ ? options.mode == PutMode::kIfNoneMatch
                                        : options.mode == PutMode::kIfMatch;
    if (ignore && base_->Head(key).ok()) return base_->Put(key, data, {});
    return base_->Put(key, data, options);
  }
  Result<ListPage> List(std::string_view prefix, std::string_view token, size_t max_keys) override {
    return base_->List(prefix, token, max_keys);
  }
  Status Delete(std::string_view key) override { return base_->Delete(key); }
  std::string Describe() const override { return "s3://lax/bucket"; }

 private:
  std::shared_ptr<ObjectStore> base_;
  bool ignore_if_none_match_;
};

class ProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = LocalStore::Open(dir_.path() + "/store");
    ASSERT_TRUE(store.ok());
    local_ = *store;
  }
  TestTempDir dir_;
  std::shared_ptr<LocalStore> local_;
};

TEST_F(ProbeTest, LocalStorePassesAndLeavesNothingBehind) {
  Status st = ProbeConditionalWrites(*local_);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_TRUE(local_->ListAll("")->empty());
}

TEST_F(ProbeTest, IgnoredIfNoneMatchIsRefusedWithTheOverride) {
  LaxStore lax(local_, true);
  Status st = ProbeConditionalWrites(lax);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(st.error().context().rfind(
                "the store at s3://lax/bucket does not enforce conditional writes "
                "(If-None-Match/If-Match); two writers could corrupt it. Set [storage] "
                "allow_unsafe_conditional_writes = true to run anyway",
                0),
            0u)
      << st.error().context();
  EXPECT_TRUE(local_->ListAll("")->empty());
}

TEST_F(ProbeTest, IgnoredIfMatchIsRefused) {
  LaxStore lax(local_, false);
  Status st = ProbeConditionalWrites(lax);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Code::kInvalidArgument);
  EXPECT_NE(st.error().context().find("If-Match PUT with a wrong ETag"), std::string::npos);
  EXPECT_TRUE(local_->ListAll("")->empty());
}

}  // namespace
}  // namespace zerofs::objstore
