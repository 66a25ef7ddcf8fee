// AzureStore on a real Azurite (start-azurite.sh): the shared ObjectStore
// contract (ObjectStoreContractTest/Azure) and the engine on it
// (EngineOnStoreTest/Azure, tests/support/engine_on_store_contract.h), plus
// what only Azure has: Shared Key and SAS authentication, block uploads,
// missing containers, unreachable endpoints, and the store as `zerofs run`
// opens it.
#include "objstore/azure_store.h"

#include <gtest/gtest.h>

#include <mutex>

#include "azure_test_env.h"
#include "engine_on_store_contract.h"
#include "object_store_contract.h"
#include "objstore/probe.h"
#include "objstore/retry_store.h"
#include "objstore/url.h"

namespace zerofs::objstore {
namespace {

using azuretest::Env;

// Creates the shared test container once per process.
Status EnsureContainer() {
  static std::once_flag once;
  static Status status = OkStatus();
  std::call_once(once,
                 [] { status = AzureStore::Open(azuretest::TestConfig(""))->CreateContainer(); });
  return status;
}

testing::ContractBackend AzureContractBackend() {
  testing::ContractBackend b;
  b.name = "Azure";
  b.open = [](const std::string& test) {
    testing::ContractStore out;
    if (!azuretest::HaveServer()) {
      out.skip = "AZURE_TEST_ENDPOINT not set (run-azure-tests.sh)";
      return out;
    }
    Status st = EnsureContainer();
    if (!st.ok()) {
      ADD_FAILURE() << st.error().ToString();
      out.skip = "cannot create the test container";
      return out;
    }
    out.store = AzureStore::Open(azuretest::TestConfig(test));
    return out;
  };
  return b;
}

using testing::EngineOnStoreTest;
using testing::ObjectStoreContractTest;
INSTANTIATE_TEST_SUITE_P(Azure, ObjectStoreContractTest, ::testing::Values(AzureContractBackend()),
                         testing::ContractBackendName);
INSTANTIATE_TEST_SUITE_P(Azure, EngineOnStoreTest, ::testing::Values(AzureContractBackend()),
                         testing::ContractBackendName);

class AzureStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!azuretest::HaveServer()) GTEST_SKIP() << "AZURE_TEST_ENDPOINT not set";
    Status st = EnsureContainer();
    ASSERT_TRUE(st.ok()) << st.error().ToString();
    config_ =
        azuretest::TestConfig(::testing::UnitTest::GetInstance()->current_test_info()->name());
    store_ = AzureStore::Open(config_);
  }

  void TearDown() override {
    if (store_) testing::DeleteAll(*store_);
  }

  // No error text may contain a credential.
  static void ExpectNoSecrets(const std::string& text) {
    EXPECT_EQ(text.find(Env("AZURE_TEST_KEY")), std::string::npos) << text;
    EXPECT_EQ(text.find(Env("AZURE_TEST_KEY").substr(0, 12)), std::string::npos) << text;
    EXPECT_EQ(text.find("SharedKey"), std::string::npos) << text;
    EXPECT_EQ(text.find("sig="), std::string::npos) << text;
  }

  static std::string Random(size_t n, uint64_t seed) { return testing::RandomBytes(n, seed); }

  // A config with small blocks, so a few MiB take the block path.
  AzureConfig SmallBlocks() const {
    AzureConfig c = config_;
    c.block_threshold = 2u << 20;
    c.block_size = 1u << 20;
    return c;
  }

  AzureConfig config_;
  std::shared_ptr<AzureStore> store_;
};

TEST_F(AzureStoreTest, WrongKeyIsAuthenticationFailedNamingTheUrl) {
  AzureConfig config = config_;
  config.key = "definitely-not-the-account-key-0123456789";
  auto store = AzureStore::Open(config);
  auto put = store->Put("k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kPermissionDenied);
  EXPECT_FALSE(put.error().retryable());
  EXPECT_NE(put.error().context().find("authentication failed for azure://" +
                                       std::string(azuretest::kContainer) + " at " +
                                       config_.endpoint + ": "),
            std::string::npos)
      << put.error().context();
  ExpectNoSecrets(put.error().ToString());
  EXPECT_EQ(put.error().context().find("definitely-not"), std::string::npos);
  // HEAD has no body: the x-ms-error-code header still says why.
  auto head = store->Head("k");
  EXPECT_EQ(head.error().code(), Code::kPermissionDenied);
  ExpectNoSecrets(head.error().ToString());
  auto list = store->List("");
  EXPECT_EQ(list.error().code(), Code::kPermissionDenied);
  ExpectNoSecrets(list.error().ToString());
}

TEST_F(AzureStoreTest, SasTokenAuthWorks) {
  AzureConfig config = config_;
  config.key.clear();
  config.sas_token = azuretest::AccountSas();
  auto sas = AzureStore::Open(config);
  auto etag = sas->Put("via-sas", "payload", {PutMode::kIfNoneMatch, ""});
  ASSERT_TRUE(etag.ok()) << etag.error().ToString();
  EXPECT_EQ(store_->Get("via-sas")->data, "payload");  // visible with the key too
  EXPECT_EQ(sas->Get("via-sas")->data, "payload");
  EXPECT_EQ(sas->ListAll("")->size(), 1u);
  EXPECT_EQ(sas->Put("via-sas", "x", {PutMode::kIfNoneMatch, ""}).error().code(),
            Code::kAlreadyExists);
  EXPECT_TRUE(sas->Delete("via-sas").ok());
  EXPECT_EQ(store_->Head("via-sas").error().code(), Code::kNotFound);

  // A read-only SAS cannot write: access denied, no signature in the message.
  config.sas_token = azuretest::AccountSas("rl");
  auto read_only = AzureStore::Open(config);
  auto put = read_only->Put("ro", "x");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kPermissionDenied) << put.error().ToString();
  ExpectNoSecrets(put.error().ToString());
  // A SAS with a wrong signature is refused.
  config.sas_token = azuretest::AccountSas() + "x";
  config.sas_token.replace(config.sas_token.find("sig=") + 4, 4, "AAAA");
  auto forged = AzureStore::Open(config);
  auto get = forged->List("");
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code(), Code::kPermissionDenied) << get.error().ToString();
  ExpectNoSecrets(get.error().ToString());
}

TEST_F(AzureStoreTest, LargeObjectGoesUpAsParallelBlocks) {
  auto store = AzureStore::Open(SmallBlocks());
  std::string big = Random((7u << 20) + 123, 42);  // 8 blocks of 1 MiB, the last short
  auto etag = store->Put("big", big);
  ASSERT_TRUE(etag.ok()) << etag.error().ToString();
  auto got = store->Get("big");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->object_size, big.size());
  EXPECT_TRUE(got->data == big);
  EXPECT_EQ(got->etag, *etag);
  uint64_t boundary = 1u << 20;  // a range across blocks 1 and 2
  auto range = store->Get("big", ByteRange{boundary - 100, 200});
  ASSERT_TRUE(range.ok()) << range.error().ToString();
  EXPECT_TRUE(range->data == big.substr(boundary - 100, 200));
  EXPECT_EQ(range->object_size, big.size());
  auto tail = store->Get("big", ByteRange{big.size() - 10, 0});
  EXPECT_TRUE(tail->data == big.substr(big.size() - 10));
}

TEST_F(AzureStoreTest, FailedBlockLeavesNoObject) {
  AzureConfig config = SmallBlocks();
  config.test_fail_block = 3;
  auto store = AzureStore::Open(config);
  auto etag = store->Put("big", Random(5u << 20, 43));
  ASSERT_FALSE(etag.ok());
  EXPECT_NE(etag.error().context().find("injected failure"), std::string::npos);
  EXPECT_NE(etag.error().context().find("block upload of 5 blocks abandoned"), std::string::npos)
      << etag.error().context();
  EXPECT_EQ(store->Head("big").error().code(), Code::kNotFound);
}

TEST_F(AzureStoreTest, LargeConditionalPutsAreDecidedAtCommit) {
  auto store = AzureStore::Open(SmallBlocks());
  std::string big = Random(3u << 20, 44);
  auto first = store->Put("seg", big, {PutMode::kIfNoneMatch, ""});
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto again = store->Put("seg", Random(3u << 20, 45), {PutMode::kIfNoneMatch, ""});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kAlreadyExists) << again.error().ToString();
  auto stale = store->Put("seg", big, {PutMode::kIfMatch, "0x8D0000000000000"});
  EXPECT_EQ(stale.error().code(), Code::kPreconditionFailed) << stale.error().ToString();
  EXPECT_TRUE(store->Get("seg")->data == big);
  std::string next = Random(3u << 20, 46);
  auto swapped = store->Put("seg", next, {PutMode::kIfMatch, *first});
  ASSERT_TRUE(swapped.ok()) << swapped.error().ToString();
  EXPECT_TRUE(store->Get("seg")->data == next);
}

TEST_F(AzureStoreTest, ListAndDeleteManyAcrossPages) {
  // 250 blobs listed 100 per page (markers across three pages), then deleted
  // by DeleteMany's parallel single deletes.
  constexpr int kKeys = 250;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; i++) keys.push_back("many/" + std::to_string(10000 + i));
  testing::PutInParallel(*store_, keys, "x");
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = store_->List("many/", token, 100);
    ASSERT_TRUE(page.ok()) << page.error().ToString();
    EXPECT_LE(page->objects.size(), 100u);
    for (const auto& o : page->objects) seen.push_back(o.key);
    token = page->next_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, keys);
  Status st = store_->DeleteMany(keys);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_TRUE(store_->ListAll("")->empty());
}

TEST_F(AzureStoreTest, MissingContainerSaysSo) {
  AzureConfig config = config_;
  config.container = "no-such-container-" + azuretest::RandomName().substr(0, 8);
  auto store = AzureStore::Open(config);
  auto put = store->Put("k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kNotFound);
  EXPECT_NE(put.error().context().find("container '" + config.container + "' does not exist at " +
                                       config_.endpoint),
            std::string::npos)
      << put.error().context();
  EXPECT_EQ(store->List("").error().code(), Code::kNotFound);
  EXPECT_FALSE(store->Delete("k").ok());
  EXPECT_EQ(store->Head("k").error().code(), Code::kNotFound);
  ExpectNoSecrets(put.error().ToString());
}

TEST_F(AzureStoreTest, UnreachableEndpointIsRetryableAndNamesTheUrl) {
  AzureConfig config = config_;
  config.endpoint = "http://127.0.0.1:1/devstoreaccount1";
  auto store = AzureStore::Open(config);
  ExpectNoSecrets(
      testing::ExpectUnreachable(*store, config.endpoint, config.Url() + "/k").ToString());
}

TEST_F(AzureStoreTest, ProbeReportsWrongCredentials) {
  AzureConfig config = config_;
  config.key = "wrong-key-for-the-probe-0000000000";
  auto store = AzureStore::Open(config);
  ExpectNoSecrets(testing::ExpectProbeDenied(*store).ToString());
}

TEST_F(AzureStoreTest, OpensFromAzUrlLikeZerofsRun) {
  CloudOptions cloud;
  cloud.azure.account_name = Env("AZURE_TEST_ACCOUNT");
  cloud.azure.account_key = Env("AZURE_TEST_KEY");
  cloud.azure.endpoint = Env("AZURE_TEST_ENDPOINT");
  cloud.azure.allow_http = true;
  auto url = ParseStorageUrl("az://" + config_.container + "/" + config_.prefix);
  ASSERT_TRUE(url.ok());
  auto opened = OpenObjectStore(*url, cloud);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  RetryStore store(*opened);
  Status probe = ProbeConditionalWrites(store);
  ASSERT_TRUE(probe.ok()) << probe.error().ToString();
  ASSERT_TRUE(store.Put("manifest", "m").ok());
  EXPECT_EQ(store_->Get("manifest")->data, "m");
  EXPECT_EQ(store.Describe(), "azure://" + config_.container + "/" + config_.prefix);
}

}  // namespace
}  // namespace zerofs::objstore
