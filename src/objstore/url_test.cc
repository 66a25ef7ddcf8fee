#include "objstore/url.h"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "objstore/test_temp_dir.h"

namespace zerofs::objstore {
namespace {

StorageUrl MustParse(std::string_view url) {
  auto parsed = ParseStorageUrl(url);
  EXPECT_TRUE(parsed.ok()) << parsed.error().ToString();
  return parsed.ok() ? *parsed : StorageUrl{};
}

std::string ParseError(std::string_view url) {
  auto parsed = ParseStorageUrl(url);
  EXPECT_FALSE(parsed.ok()) << url;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.error().code(), Code::kInvalidArgument);
  return parsed.error().context();
}

TEST(StorageUrlTest, FileUrlsAndBarePaths) {
  StorageUrl u = MustParse("file:///var/lib/zerofs/");
  EXPECT_EQ(u.scheme, "file");
  EXPECT_EQ(u.path, "/var/lib/zerofs");
  EXPECT_EQ(u.bucket, "");
  EXPECT_EQ(u.ToString(), "file:///var/lib/zerofs");
  EXPECT_EQ(MustParse("/srv//data").path, "/srv/data");
  EXPECT_EQ(MustParse("FILE:///x").scheme, "file");
}

TEST(StorageUrlTest, RelativeFilePathsAreRejected) {
  EXPECT_EQ(ParseError("file://relative/path"),
            "storage URL 'file://relative/path': file:// needs an absolute path, as in "
            "file:///var/lib/zerofs");
  EXPECT_NE(ParseError("relative/path").find("'relative/path'"), std::string::npos);
  EXPECT_NE(ParseError("").find("storage URL ''"), std::string::npos);
}

TEST(StorageUrlTest, BucketUrls) {
  StorageUrl s3 = MustParse("s3://my-bucket/some/prefix/");
  EXPECT_EQ(s3.scheme, "s3");
  EXPECT_EQ(s3.bucket, "my-bucket");
  EXPECT_EQ(s3.prefix, "some/prefix");
  EXPECT_EQ(s3.ToString(), "s3://my-bucket/some/prefix");
  StorageUrl whole = MustParse("s3://bucket");
  EXPECT_EQ(whole.prefix, "");
  EXPECT_EQ(MustParse("s3://bucket/").prefix, "");
  StorageUrl azure = MustParse("azure://container/zerofs");
  EXPECT_EQ(azure.scheme, "azure");
  EXPECT_EQ(azure.bucket, "container");
  EXPECT_EQ(azure.prefix, "zerofs");
  StorageUrl az = MustParse("az://container/zerofs");
  EXPECT_EQ(az.scheme, "azure");
  EXPECT_EQ(az.ToString(), "azure://container/zerofs");
  EXPECT_EQ(MustParse("gs://b/p").ToString(), "gs://b/p");
}

TEST(StorageUrlTest, BadBucketUrls) {
  EXPECT_NE(ParseError("s3://").find("missing bucket"), std::string::npos);
  EXPECT_NE(ParseError("s3:///prefix").find("missing bucket"), std::string::npos);
  EXPECT_NE(ParseError("s3://key:secret@bucket/p").find("credentials"), std::string::npos);
}

TEST(StorageUrlTest, UnknownSchemesNameTheUrl) {
  EXPECT_EQ(ParseError("ftp://host/dir"),
            "unsupported storage URL scheme 'ftp' in ftp://host/dir "
            "(use file://, s3://, azure://, gs://)");
}

TEST(OpenObjectStoreTest, FileUrlOpensALocalStore) {
  TestTempDir dir;
  auto url = ParseStorageUrl("file://" + dir.path() + "/data");
  ASSERT_TRUE(url.ok());
  auto store = OpenObjectStore(*url);
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  EXPECT_EQ((*store)->Describe(), "file://" + dir.path() + "/data");
  ASSERT_TRUE((*store)->Put("k", "v").ok());
  EXPECT_EQ((*store)->Get("k")->data, "v");
}

TEST(OpenObjectStoreTest, AzureOpensWithAKeyOrASasToken) {
  CloudOptions cloud;
  cloud.azure.account_name = "devstoreaccount1";
  cloud.azure.account_key = "a2V5LWJ5dGVz";  // "key-bytes"
  cloud.azure.endpoint = "http://127.0.0.1:9/devstoreaccount1";
  cloud.azure.allow_http = true;
  auto store = OpenObjectStore(MustParse("az://container/p"), cloud);
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  EXPECT_EQ((*store)->Describe(), "azure://container/p");
  cloud.azure.account_key.clear();
  cloud.azure.sas_token = "?sv=2021-12-02&sig=abc";
  EXPECT_TRUE(OpenObjectStore(MustParse("azure://container"), cloud).ok());
}

TEST(OpenObjectStoreTest, S3AndGcsOpenWithCredentials) {
  CloudOptions cloud;
  cloud.aws = {"AKIDTEST", "secret-test", "", "http://127.0.0.1:9", "eu-west-1", true, false};
  cloud.gcp = {"GOOGTEST", "gsecret", ""};
  auto s3 = OpenObjectStore(MustParse("s3://bucket/p"), cloud);
  ASSERT_TRUE(s3.ok()) << s3.error().ToString();
  EXPECT_EQ((*s3)->Describe(), "s3://bucket/p");
  auto gs = OpenObjectStore(MustParse("gs://b"), cloud);
  ASSERT_TRUE(gs.ok()) << gs.error().ToString();
  EXPECT_EQ((*gs)->Describe(), "gs://b");
}

TEST(OpenObjectStoreTest, S3WithoutCredentialsOrWithHttpNamesTheFix) {
  CloudOptions cloud;
  cloud.aws.endpoint = "http://127.0.0.1:9";
  if (std::getenv("AWS_ACCESS_KEY_ID") == nullptr) {
    auto none = OpenObjectStore(MustParse("s3://bucket/p"), cloud);
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().code(), Code::kInvalidArgument);
    EXPECT_NE(none.error().context().find("s3://bucket/p: no S3 credentials"), std::string::npos)
        << none.error().context();
  }
  cloud.aws.access_key_id = "AKIDTEST";
  cloud.aws.secret_access_key = "secret-test";
  auto http = OpenObjectStore(MustParse("s3://bucket/p"), cloud);
  ASSERT_FALSE(http.ok());
  EXPECT_EQ(http.error().context(),
            "s3://bucket/p: endpoint http://127.0.0.1:9 uses plain HTTP (credentials' signatures "
            "and metadata travel unencrypted); set [aws] allow_http = true to allow it, or use "
            "https://");
  EXPECT_EQ(http.error().context().find("secret-test"), std::string::npos);
  auto gs = OpenObjectStore(MustParse("gs://b"), cloud);
  ASSERT_FALSE(gs.ok());
  EXPECT_NE(gs.error().context().find("gs://b: no GCS credentials"), std::string::npos);
}

TEST(OpenObjectStoreTest, UnopenableDirectoryNamesTheUrl) {
  TestTempDir dir;
  std::string file = dir.path() + "/file";
  ASSERT_TRUE(std::ofstream(file).put('x'));
  auto store = OpenObjectStore(MustParse("file://" + file + "/sub"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().context().rfind("file://" + file + "/sub: ", 0), 0u);
}

}  // namespace
}  // namespace zerofs::objstore
