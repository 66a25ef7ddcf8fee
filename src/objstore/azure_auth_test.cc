#include "objstore/azure_auth.h"

#include <gtest/gtest.h>

#include <vector>

namespace zerofs::objstore::azure {
namespace {

TEST(AzureAuthTest, Base64RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  for (const std::string& s :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s);
  }
  EXPECT_FALSE(Base64Decode("Zg=").has_value());
  EXPECT_FALSE(Base64Decode("Z===").has_value());
  EXPECT_FALSE(Base64Decode("Zm9v!A==").has_value());
  EXPECT_FALSE(Base64Decode("Zg==Zg==").has_value());
}

TEST(AzureAuthTest, HttpDateIsRfc1123) {
  std::string d = HttpDateNow();
  ASSERT_EQ(d.size(), 29u) << d;
  EXPECT_EQ(d.substr(25), " GMT");
  EXPECT_EQ(d[3], ',');
}

// The layout from "Authorize with Shared Key": twelve standard lines, the
// sorted x-ms-* headers, then /account/path and the sorted query.
TEST(AzureAuthTest, StringToSignLayout) {
  SignInput in;
  in.method = "PUT";
  in.path = "/devstoreaccount1/c/a%20b";
  in.query = {{"comp", "block"}, {"blockid", "QUJD"}};
  in.headers = {{"X-Ms-Version", "2021-12-02"},
                {"x-ms-date", "Mon, 23 Nov 2026 19:37:04 GMT"},
                {"If-None-Match", "*"},
                {"x-ms-blob-type", "  Block   Blob "}};
  in.content_length = 5;
  EXPECT_EQ(StringToSign(in, "devstoreaccount1"),
            "PUT\n\n\n5\n\n\n\n\n\n*\n\n\n"
            "x-ms-blob-type:Block Blob\n"
            "x-ms-date:Mon, 23 Nov 2026 19:37:04 GMT\n"
            "x-ms-version:2021-12-02\n"
            "/devstoreaccount1/devstoreaccount1/c/a%20b\n"
            "blockid:QUJD\n"
            "comp:block");
  in.content_length = 0;  // zero is an empty line (versions since 2015-02-21)
  EXPECT_EQ(StringToSign(in, "a").substr(0, 16), "PUT\n\n\n\n\n\n\n\n\n*\n\n\n");
}

TEST(AzureAuthTest, AuthorizationIsAccountAndBase64Hmac) {
  SignInput in;
  in.method = "GET";
  in.path = "/c";
  std::string auth = SharedKeyAuthorization(in, "acct", "secret-key-bytes");
  ASSERT_TRUE(auth.starts_with("SharedKey acct:"));
  auto mac = Base64Decode(auth.substr(15));
  ASSERT_TRUE(mac.has_value());
  EXPECT_EQ(mac->size(), 32u);
  EXPECT_EQ(auth.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace zerofs::objstore::azure
