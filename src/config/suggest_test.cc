#include "config/suggest.h"

#include <gtest/gtest.h>

#include <array>

namespace zerofs::config {
namespace {

constexpr std::array<std::string_view, 4> kKeys = {"addresses", "unix_socket", "write_mode", "url"};

TEST(SuggestTest, FindsTyposOfKnownNames) {
  EXPECT_EQ(ClosestName("adresses", kKeys), "addresses");
  EXPECT_EQ(ClosestName("addreses", kKeys), "addresses");
  EXPECT_EQ(ClosestName("Addresses", kKeys), "addresses");
  EXPECT_EQ(ClosestName("unix_sokcet", kKeys), "unix_socket");  // swapped letters
  EXPECT_EQ(ClosestName("writemode", kKeys), "write_mode");
  EXPECT_EQ(ClosestName("ulr", kKeys), "url");
}

TEST(SuggestTest, IgnoresUnrelatedNames) {
  EXPECT_EQ(ClosestName("password", kKeys), std::nullopt);
  EXPECT_EQ(ClosestName("x", kKeys), std::nullopt);
  EXPECT_EQ(ClosestName("", kKeys), std::nullopt);
  EXPECT_EQ(ClosestName(std::string(100, 'a'), kKeys), std::nullopt);
}

}  // namespace
}  // namespace zerofs::config
