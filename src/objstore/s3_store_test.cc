// S3Store without a server (the rgw tests are in tests/integration/s3/).
#include "objstore/s3_store.h"

#include <gtest/gtest.h>

namespace zerofs::objstore {
namespace {

S3Config Unreachable() {
  S3Config c;
  c.bucket = "bkt";
  c.prefix = "pre";
  c.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  c.credentials = {"AKIDUNITTEST", "unit-test-secret-key", "unit-test-token"};
  return c;
}

TEST(S3StoreUnitTest, UnreachableEndpointIsRetryableUnavailable) {
  auto store = S3Store::Open(Unreachable());
  EXPECT_EQ(store->Describe(), "s3://bkt/pre");
  auto get = store->Get("k");
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code(), Code::kUnavailable);
  EXPECT_TRUE(get.error().retryable());
  EXPECT_EQ(get.error().context().rfind("GET s3://bkt/pre/k at http://127.0.0.1:1: cannot reach "
                                        "the store at http://127.0.0.1:1: ",
                                        0),
            0u)
      << get.error().context();
  for (const std::string& text :
       {get.error().context(), store->Put("k", "v").error().context(),
        store->List("").error().context(), store->Delete("k").error().context()}) {
    EXPECT_EQ(text.find("unit-test-secret-key"), std::string::npos) << text;
    EXPECT_EQ(text.find("unit-test-token"), std::string::npos) << text;
    EXPECT_EQ(text.find("AKIDUNITTEST"), std::string::npos) << text;
  }
}

TEST(S3StoreUnitTest, OversizedConditionalPutIsRefused) {
  S3Config c = Unreachable();
  c.max_single_put = 10;
  auto store = S3Store::Open(c);
  auto put = store->Put("k", std::string(11, 'x'), {PutMode::kIfNoneMatch, ""});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kInvalidArgument);
  EXPECT_NE(put.error().context().find("exceeds the single-PUT limit"), std::string::npos);
}

}  // namespace
}  // namespace zerofs::objstore
