#include "cache/disk_cache_file.h"

#include <gtest/gtest.h>

namespace zerofs::cache {
namespace {

TEST(DiskCacheFileTest, EntryRoundTrips) {
  const std::string file = EncodeEntry("segments/00ab@1000", "sealed bytes");
  EXPECT_EQ(file.size(), kEntryHeaderSize + 18 + 12);
  auto v = DecodeEntry(file, "segments/00ab@1000");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(*v, "sealed bytes");
}

TEST(DiskCacheFileTest, EveryFlippedByteIsDetected) {
  const std::string good = EncodeEntry("k", "value");
  for (size_t i = 0; i < good.size(); i++) {
    std::string bad = good;
    bad[i] ^= 0x01;
    EXPECT_FALSE(DecodeEntry(bad, "k").ok()) << "byte " << i;
  }
}

TEST(DiskCacheFileTest, TruncatedOrExtendedFileIsDetected) {
  const std::string good = EncodeEntry("k", "value");
  for (size_t n = 0; n < good.size(); n++) {
    EXPECT_FALSE(DecodeEntry(good.substr(0, n), "k").ok()) << n;
  }
  EXPECT_FALSE(DecodeEntry(good + "x", "k").ok());
}

TEST(DiskCacheFileTest, AnotherKeysEntryIsRejected) {
  EXPECT_FALSE(DecodeEntry(EncodeEntry("a", "v"), "b").ok());
}

TEST(DiskCacheFileTest, HeaderChecksSizeAgainstTheFile) {
  const std::string file = EncodeEntry("key", std::string(100, 'x'));
  EXPECT_TRUE(DecodeEntryHeader(file, file.size()).ok());
  EXPECT_FALSE(DecodeEntryHeader(file, file.size() - 1).ok());
  EXPECT_FALSE(DecodeEntryHeader(file.substr(0, 10), file.size()).ok());
}

TEST(DiskCacheFileTest, FileNamesAreSafeAndReversible) {
  constexpr char kRaw[] = "segments/0000000000000012@1a.0\0\xff";
  const std::string key(kRaw, sizeof(kRaw) - 1);
  ASSERT_EQ(key.size(), 32u);
  auto name = EntryFileName(key);
  ASSERT_TRUE(name);
  EXPECT_EQ(name->find_first_of("./"), std::string::npos);
  EXPECT_EQ(*KeyFromFileName(*name), key);
  EXPECT_EQ(*EntryFileName("abc-_Z9"), "abc-_Z9");
}

TEST(DiskCacheFileTest, OddFileNamesAreNotKeys) {
  EXPECT_FALSE(KeyFromFileName(""));
  EXPECT_FALSE(KeyFromFileName("a.tmp3"));
  EXPECT_FALSE(KeyFromFileName("%4"));
  EXPECT_FALSE(KeyFromFileName("%zz"));
  EXPECT_FALSE(KeyFromFileName("%41"));  // 'A' spelled escaped: not canonical
  EXPECT_FALSE(KeyFromFileName("%2f"));  // lower-case hex: not canonical
  EXPECT_FALSE(EntryFileName(""));
  EXPECT_FALSE(EntryFileName(std::string(kMaxKeyBytes + 1, 'a')));
}

}  // namespace
}  // namespace zerofs::cache
