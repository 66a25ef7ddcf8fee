#include "objstore/http_object.h"

#include <gtest/gtest.h>

namespace zerofs::objstore::httpobj {
namespace {

HttpResponse Answer(long status, std::string body,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(HttpObjectTest, RangeHeaderOnlyForARealRange) {
  EXPECT_FALSE(RangeHeader(std::nullopt));
  EXPECT_FALSE(RangeHeader(ByteRange{0, 0}));
  EXPECT_EQ(RangeHeader(ByteRange{0, 10}), "bytes=0-9");
  EXPECT_EQ(RangeHeader(ByteRange{5, 0}), "bytes=5-");
}

TEST(HttpObjectTest, PartialAnswerTakesTheSizeFromContentRange) {
  auto got = FromGet(Answer(206, "abc", {{"content-range", "bytes 2-4/10"}, {"etag", "\"e\""}}),
                     ByteRange{2, 3}, "GET x");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data, "abc");
  EXPECT_EQ(got->object_size, 10u);
  EXPECT_EQ(got->etag, "e");
  for (const char* bad : {"bytes 2-4/*", "bytes 2-4/", "bytes 2-4", "bytes 2-4/1x"}) {
    auto r = FromGet(Answer(206, "abc", {{"content-range", bad}}), ByteRange{2, 3}, "GET x");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().context(), "GET x: 206 without a usable Content-Range");
  }
}

TEST(HttpObjectTest, WholeAnswerToARangeIsSliced) {
  EXPECT_EQ(FromGet(Answer(200, "0123456789"), ByteRange{2, 3}, "GET x")->data, "234");
  EXPECT_EQ(FromGet(Answer(200, "0123456789"), ByteRange{8, 0}, "GET x")->data, "89");
  EXPECT_EQ(FromGet(Answer(200, "0123456789"), ByteRange{20, 5}, "GET x")->data, "");
  auto whole = FromGet(Answer(200, "0123456789"), std::nullopt, "GET x");
  EXPECT_EQ(whole->data, "0123456789");
  EXPECT_EQ(whole->object_size, 10u);
}

TEST(HttpObjectTest, HeadNeedsAContentLength) {
  auto info = FromHead(Answer(200, "", {{"content-length", "42"}, {"etag", "\"e\""}}), "k", "HEAD");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->size, 42u);
  EXPECT_EQ(info->etag, "e");
  EXPECT_EQ(info->key, "k");
  EXPECT_EQ(FromHead(Answer(200, ""), "k", "HEAD x").error().context(),
            "HEAD x: no Content-Length");
  EXPECT_FALSE(FromHead(Answer(200, "", {{"content-length", "-1"}}), "k", "HEAD").ok());
}

TEST(HttpObjectTest, ListedKeysLoseTheStorePrefix) {
  std::vector<ObjectInfo> listed = {{"base/a", 1, "e"}, {"base", 0, ""}, {"other/b", 1, "e"}};
  auto out = Unprefixed(listed, "base/", "base");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, "a");
  EXPECT_EQ(FullKey("base", "a"), "base/a");
  EXPECT_EQ(FullKey("", "a"), "a");
}

}  // namespace
}  // namespace zerofs::objstore::httpobj
