#include "objstore/azure_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "objstore/azure_errors.h"

namespace zerofs::objstore {
namespace {

class AzureConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT_KEY",
                          "AZURE_STORAGE_SAS_TOKEN", "AZURE_STORAGE_ENDPOINT"}) {
      unsetenv(v);
    }
  }
  static StorageUrl Url(const std::string& text) { return *ParseStorageUrl(text); }
};

TEST_F(AzureConfigTest, DefaultsToAzureWithTheAccountHost) {
  AzureOptions o;
  o.account_name = "acct";
  o.account_key = "c2VjcmV0";  // "secret"
  auto c = AzureConfigFor(Url("azure://data/zerofs/"), o);
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->endpoint, "https://acct.blob.core.windows.net");
  EXPECT_EQ(c->key, "secret");
  EXPECT_EQ(c->container, "data");
  EXPECT_EQ(c->prefix, "zerofs");
  EXPECT_EQ(c->Url(), "azure://data/zerofs");
}

TEST_F(AzureConfigTest, EnvironmentFillsTheGaps) {
  setenv("AZURE_STORAGE_ACCOUNT_NAME", "envacct", 1);
  setenv("AZURE_STORAGE_SAS_TOKEN", "?sv=2021-12-02&ss=b&sig=xyz", 1);
  setenv("AZURE_STORAGE_ENDPOINT", "https://example.test/envacct/", 1);
  auto c = AzureConfigFor(Url("az://data"), {});
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->account, "envacct");
  EXPECT_TRUE(c->key.empty());
  EXPECT_EQ(c->sas_token, "sv=2021-12-02&ss=b&sig=xyz");
  EXPECT_EQ(c->endpoint, "https://example.test/envacct");
  SetUp();
}

TEST_F(AzureConfigTest, ErrorsNameTheFixButNeverTheKey) {
  AzureOptions o;
  EXPECT_NE(AzureConfigFor(Url("azure://data"), o)
                .error()
                .context()
                .find("azure://data: no Azure storage account"),
            std::string::npos);
  o.account_name = "acct";
  EXPECT_NE(AzureConfigFor(Url("azure://data"), o)
                .error()
                .context()
                .find("no Azure credentials: set storage_account_key or sas_token in [azure]"),
            std::string::npos);
  o.account_key = "not base64 secret!";
  auto bad = AzureConfigFor(Url("azure://data"), o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().context().find("not valid base64"), std::string::npos);
  EXPECT_EQ(bad.error().context().find("secret"), std::string::npos);
  o.account_key = "c2VjcmV0";
  o.endpoint = "http://127.0.0.1:10000/acct";
  EXPECT_NE(AzureConfigFor(Url("azure://data"), o)
                .error()
                .context()
                .find("set [azure] allow_http = true"),
            std::string::npos);
  o.allow_http = true;
  EXPECT_TRUE(AzureConfigFor(Url("azure://data"), o).ok());
  EXPECT_NE(AzureConfigFor(Url("azure://Bad_Name"), o)
                .error()
                .context()
                .find("invalid Azure container name 'Bad_Name'"),
            std::string::npos);
  o.account_key.clear();
  o.sas_token = "sv=1&sp=r";
  EXPECT_NE(AzureConfigFor(Url("azure://data"), o).error().context().find("no sig="),
            std::string::npos);
}

TEST(AzureErrorsTest, MapsTheContract) {
  AzureFailure f;
  f.op = "PUT";
  f.target = "azure://c/p/k";
  f.container = "c";
  f.endpoint = "http://e";
  f.status = 409;
  f.code = "BlobAlreadyExists";
  f.put_mode = PutMode::kIfNoneMatch;
  EXPECT_EQ(MapAzureError(f).code(), Code::kAlreadyExists);
  f.status = 412;
  f.code = "ConditionNotMet";
  EXPECT_EQ(MapAzureError(f).code(), Code::kAlreadyExists);
  f.put_mode = PutMode::kIfMatch;
  EXPECT_EQ(MapAzureError(f).code(), Code::kPreconditionFailed);
  f.status = 404;
  f.code = "BlobNotFound";
  EXPECT_EQ(MapAzureError(f).code(), Code::kPreconditionFailed);
  f.put_mode = PutMode::kOverwrite;
  EXPECT_EQ(MapAzureError(f).code(), Code::kNotFound);
  f.code = "ContainerNotFound";
  EXPECT_EQ(MapAzureError(f).context(),
            "PUT azure://c/p/k at http://e: container 'c' does not exist at http://e (create it, "
            "or fix the storage URL)");
  f.status = 403;
  f.code = "AuthenticationFailed";
  Error auth = MapAzureError(f);
  EXPECT_EQ(auth.code(), Code::kPermissionDenied);
  EXPECT_FALSE(auth.retryable());
  EXPECT_EQ(auth.context().rfind("authentication failed for azure://c at http://e", 0), 0u);
  f.message = "Request date header too old: 'Fri, 01 Jan 2021 00:00:00 GMT'";
  EXPECT_NE(MapAzureError(f).context().find("clock skew"), std::string::npos);
  f.status = 503;
  f.code = "ServerBusy";
  EXPECT_TRUE(MapAzureError(f).retryable());
  f.code.clear();
  f.status = 0;
  f.transport_error = "Connection refused";
  Error down = MapAzureError(f);
  EXPECT_EQ(down.code(), Code::kUnavailable);
  EXPECT_NE(down.context().find("cannot reach the store at http://e"), std::string::npos);
}

}  // namespace
}  // namespace zerofs::objstore
