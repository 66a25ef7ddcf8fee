#include "objstore/url.h"

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

TEST(OpenObjectStoreTest, CloudSchemesAreNotBuiltYet) {
  for (const char* text : {"s3://bucket/p", "azure://c", "gs://b"}) {
    auto store = OpenObjectStore(MustParse(text));
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code(), Code::kInvalidArgument);
    EXPECT_NE(store.error().context().find("storage is not built yet"), std::string::npos);
    EXPECT_NE(store.error().context().find(text), std::string::npos);
  }
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
