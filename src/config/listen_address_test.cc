#include "config/listen_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace zerofs::config {
namespace {

using ::testing::HasSubstr;

TEST(ListenAddressTest, ParsesIpv4AndHostNames) {
  auto a = ParseListenAddress("127.0.0.1:2049");
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 2049);
  auto b = ParseListenAddress("localhost:65535");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "localhost");
  EXPECT_EQ(b->port, 65535);
}

TEST(ListenAddressTest, ParsesBracketedIpv6) {
  auto a = ParseListenAddress("[::1]:2049");
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 2049);
  auto any = ParseListenAddress("[::]:1");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->host, "::");
  auto full = ParseListenAddress("[fe80::1:2:3:4]:10809");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->host, "fe80::1:2:3:4");
}

TEST(ListenAddressTest, ToStringRoundTrips) {
  for (const char* text : {"127.0.0.1:2049", "[::1]:5564", "example.com:1"}) {
    auto a = ParseListenAddress(text);
    ASSERT_TRUE(a.ok()) << text;
    EXPECT_EQ(a->ToString(), text);
  }
}

struct BadCase {
  const char* text;
  const char* message;
};

TEST(ListenAddressTest, RejectsMalformedAddresses) {
  const BadCase cases[] = {
      {"127.0.0.1", "expected HOST:PORT"},
      {"", "expected HOST:PORT"},
      {"127.0.0.1:", "missing port"},
      {":2049", "empty host"},
      {"127.0.0.1:0", "port must be in 1..65535"},
      {"127.0.0.1:65536", "port must be in 1..65535"},
      {"127.0.0.1:99999999999999999999", "port must be in 1..65535"},
      {"127.0.0.1:-1", "port is not a number"},
      {"127.0.0.1:20a", "port is not a number"},
      {"127.0.0.1: 20", "port is not a number"},
      {"::1:2049", "IPv6 addresses must be in brackets"},
      {"[::1:2049", "missing ']'"},
      {"[::1]2049", "missing ':PORT'"},
      {"[::1]", "missing ':PORT'"},
      {"[]:2049", "empty host"},
      {"[127.0.0.1]:2049", "only IPv6 addresses go in brackets"},
      {"my host:2049", "host contains a space"},
  };
  for (const BadCase& c : cases) {
    auto a = ParseListenAddress(c.text);
    ASSERT_FALSE(a.ok()) << c.text;
    EXPECT_EQ(a.error().code(), Code::kInvalidArgument);
    EXPECT_THAT(a.error().context(), HasSubstr(c.message)) << c.text;
    EXPECT_THAT(a.error().context(), HasSubstr(std::string("'") + c.text + "'"));
  }
}

}  // namespace
}  // namespace zerofs::config
