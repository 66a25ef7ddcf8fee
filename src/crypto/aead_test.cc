#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <cstring>

namespace zerofs::crypto {
namespace {

std::string SealString(const SecretKey& key, std::string_view plaintext, std::string_view ad) {
  std::string out;
  Seal(key, plaintext, ad, &out);
  return out;
}

bool SameKey(const SecretKey& a, const SecretKey& b) {
  return std::memcmp(a.data(), b.data(), kKeyBytes) == 0;
}

TEST(AeadTest, SealOpenRoundTrip) {
  SecretKey key = SecretKey::Random();
  for (size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{32768}}) {
    std::string plaintext(n, '\0');
    for (size_t i = 0; i < n; i++) plaintext[i] = static_cast<char>(i * 7);
    std::string sealed = SealString(key, plaintext, "segment 7 frame 3");
    EXPECT_EQ(sealed.size(), n + kSealOverhead);
    auto opened = Open(key, sealed, "segment 7 frame 3");
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST(AeadTest, SealAppendsAfterExistingBytes) {
  SecretKey key = SecretKey::Random();
  std::string out = "prefix";
  Seal(key, "hello", "", &out);
  ASSERT_EQ(out.substr(0, 6), "prefix");
  auto opened = Open(key, std::string_view(out).substr(6), "");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "hello");
}

TEST(AeadTest, EveryFlippedByteFailsAuthentication) {
  SecretKey key = SecretKey::Random();
  const std::string sealed = SealString(key, "the quick brown fox", "ad");
  for (size_t i = 0; i < sealed.size(); i++) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
      std::string bad = sealed;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      auto opened = Open(key, bad, "ad");
      ASSERT_FALSE(opened.ok()) << "byte " << i << " mask " << int{mask};
      EXPECT_EQ(opened.error().code(), Code::kCorruption);
      EXPECT_NE(opened.error().context().find("authentication failed"), std::string::npos);
    }
  }
}

TEST(AeadTest, WrongAssociatedDataFails) {
  SecretKey key = SecretKey::Random();
  const std::string sealed = SealString(key, "payload", "inode 5 extent 0");
  EXPECT_FALSE(Open(key, sealed, "inode 5 extent 1").ok());
  EXPECT_FALSE(Open(key, sealed, "").ok());
  EXPECT_TRUE(Open(key, sealed, "inode 5 extent 0").ok());
}

TEST(AeadTest, WrongKeyFails) {
  SecretKey key = SecretKey::Random();
  SecretKey other = SecretKey::Random();
  const std::string sealed = SealString(key, "payload", "ad");
  auto opened = Open(other, sealed, "ad");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code(), Code::kCorruption);
}

TEST(AeadTest, TruncatedInputFails) {
  SecretKey key = SecretKey::Random();
  const std::string sealed = SealString(key, "payload", "ad");
  for (size_t n = 0; n < sealed.size(); n++) {
    auto opened = Open(key, std::string_view(sealed).substr(0, n), "ad");
    ASSERT_FALSE(opened.ok()) << "length " << n;
    EXPECT_EQ(opened.error().code(), Code::kCorruption);
  }
  // Extra bytes after the tag fail too.
  EXPECT_FALSE(Open(key, sealed + "x", "ad").ok());
}

TEST(AeadTest, NoncesDifferBetweenSeals) {
  SecretKey key = SecretKey::Random();
  const std::string a = SealString(key, "same plaintext", "ad");
  const std::string b = SealString(key, "same plaintext", "ad");
  EXPECT_NE(a.substr(0, kNonceBytes), b.substr(0, kNonceBytes));
  EXPECT_NE(a, b);
}

TEST(SecretKeyTest, RandomKeysDifferAndCopiesMatch) {
  SecretKey a = SecretKey::Random();
  SecretKey b = SecretKey::Random();
  EXPECT_FALSE(SameKey(a, b));
  SecretKey c(a);
  EXPECT_TRUE(SameKey(a, c));
  c = b;
  EXPECT_TRUE(SameKey(b, c));
  SecretKey zero;
  for (size_t i = 0; i < kKeyBytes; i++) EXPECT_EQ(zero.data()[i], 0);
}

TEST(SecretKeyTest, ConstructsFromBytes) {
  std::array<uint8_t, kKeyBytes> bytes;
  for (size_t i = 0; i < kKeyBytes; i++) bytes[i] = static_cast<uint8_t>(i);
  SecretKey key(bytes);
  EXPECT_EQ(std::memcmp(key.data(), bytes.data(), kKeyBytes), 0);
}

}  // namespace
}  // namespace zerofs::crypto
