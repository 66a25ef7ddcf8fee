// S3Store on a real Ceph radosgw (start-rgw.sh): the shared ObjectStore
// contract (ObjectStoreContractTest/S3, tests/support/object_store_contract.h)
// and the engine on it (EngineOnStoreTest/S3, engine_on_store_contract.h),
// plus what only S3 has (batch delete, multipart uploads, credentials,
// missing buckets, unreachable endpoints, virtual-hosted addressing).
#include "objstore/s3_store.h"

#include <gtest/gtest.h>

#include "engine_on_store_contract.h"
#include "object_store_contract.h"
#include "s3_test_env.h"

namespace zerofs::objstore {
namespace {

using s3test::Env;

testing::ContractBackend S3ContractBackend() {
  testing::ContractBackend b;
  b.name = "S3";
  b.open = [](const std::string& test) {
    testing::ContractStore out;
    if (!s3test::HaveServer()) {
      out.skip = "S3_TEST_ENDPOINT not set (run-s3-tests.sh)";
      return out;
    }
    out.store = S3Store::Open(s3test::TestConfig(test));
    return out;
  };
  return b;
}

using testing::EngineOnStoreTest;
using testing::ObjectStoreContractTest;
INSTANTIATE_TEST_SUITE_P(S3, ObjectStoreContractTest, ::testing::Values(S3ContractBackend()),
                         testing::ContractBackendName);
INSTANTIATE_TEST_SUITE_P(S3, EngineOnStoreTest, ::testing::Values(S3ContractBackend()),
                         testing::ContractBackendName);

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!s3test::HaveServer()) GTEST_SKIP() << "S3_TEST_ENDPOINT not set (run-s3-tests.sh)";
    config_ = s3test::TestConfig(::testing::UnitTest::GetInstance()->current_test_info()->name());
    store_ = S3Store::Open(config_);
  }

  void TearDown() override {
    if (store_) testing::DeleteAll(*store_);
  }

  std::string MustPut(std::string_view key, std::string_view data, PutOptions options = {}) {
    return testing::MustPut(*store_, key, data, options);
  }

  std::vector<std::string> Keys(std::string_view prefix) { return testing::Keys(*store_, prefix); }

  // No error text may contain a credential.
  void ExpectNoSecrets(const std::string& text) {
    EXPECT_EQ(text.find(Env("S3_TEST_SECRET_KEY")), std::string::npos) << text;
    EXPECT_EQ(text.find(Env("S3_TEST_ACCESS_KEY")), std::string::npos) << text;
    EXPECT_EQ(text.find("Authorization"), std::string::npos) << text;
    EXPECT_EQ(text.find("Signature="), std::string::npos) << text;
  }

  static std::string Random(size_t n, uint64_t seed) { return testing::RandomBytes(n, seed); }

  S3Config config_;
  std::shared_ptr<S3Store> store_;
};

TEST_F(S3StoreTest, MissingObjectNamesTheEndpoint) {
  auto got = store_->Get("nope/missing");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), Code::kNotFound);
  EXPECT_NE(
      got.error().context().find("GET " + config_.Url() + "/nope/missing at " + config_.endpoint),
      std::string::npos)
      << got.error().context();
}

TEST_F(S3StoreTest, IfMatchAcceptsAQuotedEtag) {
  std::string v2 = MustPut("manifest", "v2");
  // A quoted ETag (as some callers keep them) works too.
  MustPut("manifest", "v4", {PutMode::kIfMatch, "\"" + v2 + "\""});
  EXPECT_EQ(store_->Get("manifest")->data, "v4");
}

TEST_F(S3StoreTest, DeleteManyDeletesEveryKeyAcrossBatches) {
  // 1010 keys: two batch requests (1000 is S3's per-request limit).
  constexpr int kKeys = 1010;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; i++) keys.push_back("many/" + std::to_string(10000 + i));
  testing::PutInParallel(*store_, keys, "x");
  MustPut("keep", "k");
  keys.push_back("many/missing");
  Status st = store_->DeleteMany(keys);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Keys(""), std::vector<std::string>{"keep"});
}

TEST_F(S3StoreTest, IfMatchWithALongerEtagIsRefused) {
  // RGW compares If-Match as a prefix; our ETags are always exact, but make
  // sure a wrong ETag of the right length is refused (what the probe sends).
  std::string v1 = MustPut("m", "v1");
  std::string wrong = v1;
  for (char& c : wrong) c = c == '0' ? '1' : '0';
  EXPECT_EQ(store_->Put("m", "v2", {PutMode::kIfMatch, wrong}).error().code(),
            Code::kPreconditionFailed);
  EXPECT_EQ(store_->Get("m")->data, "v1");
}

TEST_F(S3StoreTest, LargeObjectGoesUpAsParallelMultipart) {
  std::string big = Random(100u << 20, 42);  // 100 MiB: 7 parts of 16 MiB
  auto etag = store_->Put("big", big);
  ASSERT_TRUE(etag.ok()) << etag.error().ToString();
  EXPECT_NE(etag->find("-7"), std::string::npos) << "not a 7-part multipart ETag: " << *etag;
  auto got = store_->Get("big");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->object_size, big.size());
  EXPECT_TRUE(got->data == big);
  EXPECT_EQ(got->etag, *etag);
  // A range across the boundary of parts 1 and 2.
  uint64_t boundary = 16u << 20;
  auto range = store_->Get("big", ByteRange{boundary - 100, 200});
  ASSERT_TRUE(range.ok());
  EXPECT_TRUE(range->data == big.substr(boundary - 100, 200));
  EXPECT_EQ(range->object_size, big.size());
  auto pending = store_->ListPendingUploads();
  ASSERT_TRUE(pending.ok()) << pending.error().ToString();
  EXPECT_TRUE(pending->empty());
}

TEST_F(S3StoreTest, FailedPartAbortsTheMultipartUpload) {
  S3Config config = config_;
  config.test_fail_part = 3;
  auto store = S3Store::Open(config);
  std::string big = Random(70u << 20, 43);
  auto etag = store->Put("big", big);
  ASSERT_FALSE(etag.ok());
  EXPECT_NE(etag.error().context().find("injected failure"), std::string::npos);
  EXPECT_NE(etag.error().context().find("multipart upload of 5 parts aborted"), std::string::npos)
      << etag.error().context();
  EXPECT_EQ(store->Head("big").error().code(), Code::kNotFound);
  auto pending = store->ListPendingUploads();
  ASSERT_TRUE(pending.ok()) << pending.error().ToString();
  EXPECT_TRUE(pending->empty()) << pending->size() << " uploads left, first " << (*pending)[0].key;
}

TEST_F(S3StoreTest, LargeConditionalPutIsOneAtomicPut) {
  std::string big = Random(70u << 20, 44);  // above the multipart threshold
  std::string etag = MustPut("seg", big, {PutMode::kIfNoneMatch, ""});
  EXPECT_EQ(etag.find('-'), std::string::npos) << "went multipart: " << etag;
  auto again = store_->Put("seg", "x", {PutMode::kIfNoneMatch, ""});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kAlreadyExists);
  auto stale = store_->Put("seg", big, {PutMode::kIfMatch, "not-the-etag"});
  EXPECT_EQ(stale.error().code(), Code::kPreconditionFailed);
  EXPECT_EQ(store_->Head("seg")->etag, etag);
}

TEST_F(S3StoreTest, WrongSecretIsPermissionDeniedWithoutSecrets) {
  S3Config config = config_;
  config.credentials.secret_access_key = "definitely-not-the-secret-key-0123456789";
  auto store = S3Store::Open(config);
  auto put = store->Put("k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kPermissionDenied);
  EXPECT_FALSE(put.error().retryable());
  EXPECT_NE(put.error().context().find("wrong credentials for s3://" + config_.bucket + " at " +
                                       config_.endpoint + ": SignatureDoesNotMatch"),
            std::string::npos)
      << put.error().context();
  EXPECT_EQ(put.error().context().find("definitely-not-the-secret"), std::string::npos);
  ExpectNoSecrets(put.error().ToString());
  auto list = store->List("");
  EXPECT_EQ(list.error().code(), Code::kPermissionDenied);
  ExpectNoSecrets(list.error().ToString());
  // HEAD has no error body: still permission denied, still clear.
  auto head = store->Head("k");
  EXPECT_EQ(head.error().code(), Code::kPermissionDenied);
  ExpectNoSecrets(head.error().ToString());
}

TEST_F(S3StoreTest, UnknownAccessKeyIsPermissionDenied) {
  S3Config config = config_;
  config.credentials.access_key_id = "NOSUCHACCESSKEYID000";
  auto store = S3Store::Open(config);
  auto get = store->Get("k");
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code(), Code::kPermissionDenied);
  EXPECT_NE(get.error().context().find("wrong credentials for s3://" + config_.bucket),
            std::string::npos)
      << get.error().context();
  EXPECT_NE(get.error().context().find("InvalidAccessKeyId"), std::string::npos);
  EXPECT_EQ(get.error().context().find("NOSUCHACCESSKEYID000"), std::string::npos);
  ExpectNoSecrets(get.error().ToString());
}

TEST_F(S3StoreTest, MissingBucketSaysSo) {
  S3Config config = config_;
  config.bucket = "no-such-bucket-" + s3test::RandomName();
  auto store = S3Store::Open(config);
  auto put = store->Put("k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kNotFound);
  EXPECT_NE(put.error().context().find("bucket '" + config.bucket + "' does not exist at " +
                                       config_.endpoint),
            std::string::npos)
      << put.error().context();
  EXPECT_EQ(store->List("").error().code(), Code::kNotFound);
  EXPECT_FALSE(store->Delete("k").ok());
  ExpectNoSecrets(put.error().ToString());
}

TEST_F(S3StoreTest, UnreachableEndpointIsRetryableAndNamesTheUrl) {
  S3Config config = config_;
  config.endpoint = "http://127.0.0.1:1";
  auto store = S3Store::Open(config);
  ExpectNoSecrets(
      testing::ExpectUnreachable(*store, config.endpoint, config.Url() + "/k").ToString());
}

TEST_F(S3StoreTest, VirtualHostedAddressingWorks) {
  // rgw dns name = localhost: "<bucket>.localhost" names the bucket; curl's
  // CONNECT_TO sends every host to 127.0.0.1.
  S3Config config = config_;
  std::string port = config.endpoint.substr(config.endpoint.rfind(':') + 1);
  config.endpoint = "http://localhost:" + port;
  config.virtual_hosted = true;
  config.http.connect_to = {"::127.0.0.1:"};
  auto store = S3Store::Open(config);
  auto put = store->Put("vhost", "v");
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  EXPECT_EQ(store_->Get("vhost")->data, "v");  // visible path-style too
  EXPECT_EQ(store->Get("vhost")->data, "v");
  EXPECT_EQ(store->ListAll("")->size(), 1u);
}

TEST_F(S3StoreTest, ProbeReportsWrongCredentials) {
  S3Config config = config_;
  config.credentials.secret_access_key = "wrong-secret-for-the-probe-000000";
  auto store = S3Store::Open(config);
  ExpectNoSecrets(testing::ExpectProbeDenied(*store).ToString());
}

}  // namespace
}  // namespace zerofs::objstore
