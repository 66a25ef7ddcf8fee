#include "crypto/codec.h"

#include <gtest/gtest.h>

#include <random>

namespace zerofs::crypto {
namespace {

constexpr size_t kExtent = 32 * 1024;
constexpr Codec kAllCodecs[] = {Codec::kRaw, Codec::kZstd, Codec::kLz4};

std::string Compressible(size_t n) {
  std::string s;
  uint32_t i = 0;
  while (s.size() < n) s += "line " + std::to_string(i++ % 97) + ": status=ok latency=12ms\n";
  s.resize(n);
  return s;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::string EncodeString(Codec codec, std::string_view in, int level = kDefaultZstdLevel) {
  std::string out;
  Encode(codec, level, in, &out);
  return out;
}

TEST(CodecTest, RoundTripsEveryCodec) {
  const std::string inputs[] = {"", "a", Compressible(kExtent), RandomBytes(kExtent, 1),
                                std::string(kExtent, '\0')};
  for (Codec codec : kAllCodecs) {
    for (const std::string& in : inputs) {
      std::string encoded = EncodeString(codec, in);
      auto decoded = Decode(encoded, kExtent);
      ASSERT_TRUE(decoded.ok()) << CodecName(codec) << " size " << in.size() << ": "
                                << decoded.error().ToString();
      EXPECT_EQ(*decoded, in) << CodecName(codec);
    }
  }
}

TEST(CodecTest, DecodeToOverwritesWhateverTheStringHeld) {
  const std::string small = Compressible(1000);
  for (Codec c : kAllCodecs) {
    const std::string encoded = EncodeString(c, small);
    // A recycled extent: longer than the result, full of old bytes.
    std::string out(kExtent, '#');
    ASSERT_TRUE(DecodeTo(encoded, kExtent, &out).ok()) << CodecName(c);
    EXPECT_EQ(out, small) << CodecName(c);
    // Then one shorter than the next result: it grows.
    const std::string big = Compressible(kExtent);
    ASSERT_TRUE(DecodeTo(EncodeString(c, big), kExtent, &out).ok()) << CodecName(c);
    EXPECT_EQ(out, big) << CodecName(c);
    if (c != Codec::kRaw) {  // raw has no length to check
      EXPECT_FALSE(DecodeTo(encoded.substr(0, encoded.size() - 1), kExtent, &out).ok())
          << CodecName(c);
    }
  }
}

TEST(CodecTest, CompressibleInputShrinks) {
  const std::string in = Compressible(kExtent);
  for (Codec codec : {Codec::kZstd, Codec::kLz4}) {
    std::string encoded = EncodeString(codec, in);
    EXPECT_EQ(static_cast<uint8_t>(encoded[0]), static_cast<uint8_t>(codec));
    EXPECT_LT(encoded.size(), in.size() / 4) << CodecName(codec);
  }
}

TEST(CodecTest, IncompressibleInputIsStoredRaw) {
  const std::string in = RandomBytes(kExtent, 2);
  for (Codec codec : kAllCodecs) {
    std::string encoded = EncodeString(codec, in);
    EXPECT_EQ(static_cast<uint8_t>(encoded[0]), static_cast<uint8_t>(Codec::kRaw));
    EXPECT_EQ(encoded.size(), in.size() + 1);
  }
  // Empty input cannot shrink either.
  EXPECT_EQ(EncodeString(Codec::kZstd, ""), std::string(1, '\0'));
}

TEST(CodecTest, EncodeAppendsAndClampsLevel) {
  const std::string in = Compressible(kExtent);
  for (int level : {-5, 0, 1, 19, 22, 1000}) {
    std::string out = "xy";
    Encode(Codec::kZstd, level, in, &out);
    ASSERT_EQ(out.substr(0, 2), "xy");
    auto decoded = Decode(std::string_view(out).substr(2), kExtent);
    ASSERT_TRUE(decoded.ok()) << level;
    EXPECT_EQ(*decoded, in);
  }
}

TEST(CodecTest, RejectsUnknownCodecAndEmptyInput) {
  for (int c = 3; c < 256; c++) {
    std::string bad(1, static_cast<char>(c));
    bad += "body";
    auto r = Decode(bad, kExtent);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), Code::kCorruption);
  }
  auto r = Decode("", kExtent);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kCorruption);
}

TEST(CodecTest, RejectsDecodedSizeAboveLimit) {
  const std::string in = Compressible(kExtent);
  for (Codec codec : kAllCodecs) {
    std::string encoded = EncodeString(codec, in);
    EXPECT_TRUE(Decode(encoded, kExtent).ok());
    auto r = Decode(encoded, kExtent - 1);
    ASSERT_FALSE(r.ok()) << CodecName(codec);
    EXPECT_EQ(r.error().code(), Code::kCorruption);
  }
}

TEST(CodecTest, RejectsLz4WithLyingLength) {
  const std::string in = Compressible(kExtent);
  std::string encoded = EncodeString(Codec::kLz4, in);
  ASSERT_EQ(static_cast<uint8_t>(encoded[0]), static_cast<uint8_t>(Codec::kLz4));
  // Declared length one short, one long, and huge.
  for (uint32_t declared : {uint32_t{kExtent - 1}, uint32_t{kExtent + 1}, uint32_t{0xFFFFFFFF}}) {
    std::string bad = encoded;
    for (int i = 0; i < 4; i++) bad[1 + i] = static_cast<char>(declared >> (8 * i));
    EXPECT_FALSE(Decode(bad, 1 << 20).ok()) << declared;
  }
  EXPECT_FALSE(Decode(std::string("\x02\x01\x00", 3), kExtent).ok());  // short length
}

TEST(CodecTest, RejectsTruncatedAndExtendedBodies) {
  const std::string in = Compressible(kExtent);
  for (Codec codec : {Codec::kZstd, Codec::kLz4}) {
    std::string encoded = EncodeString(codec, in);
    for (size_t n = 1; n < encoded.size(); n += 7) {
      EXPECT_FALSE(Decode(std::string_view(encoded).substr(0, n), kExtent).ok())
          << CodecName(codec) << " truncated to " << n;
    }
    EXPECT_FALSE(Decode(encoded + "junk", kExtent).ok()) << CodecName(codec);
  }
}

// Random garbage, and valid encodings with random damage, must never crash:
// each decode is an error or returns the original bytes (raw codec aside,
// where any body is valid by definition).
TEST(CodecTest, GarbageNeverCrashes) {
  std::mt19937 rng(42);
  const std::string in = Compressible(4096);
  const std::string valid[] = {EncodeString(Codec::kZstd, in), EncodeString(Codec::kLz4, in)};
  for (int iter = 0; iter < 20000; iter++) {
    std::string bytes;
    if (iter % 2 == 0) {
      bytes = RandomBytes(rng() % 200, static_cast<uint32_t>(rng()));
      if (!bytes.empty()) bytes[0] = static_cast<char>(rng() % 4);
    } else {
      bytes = valid[(iter / 2) % 2];
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; f++) {
        size_t pos = 1 + rng() % (bytes.size() - 1);
        bytes[pos] = static_cast<char>(bytes[pos] ^ (1 + rng() % 255));
      }
    }
    auto r = Decode(bytes, 8192);
    if (r.ok()) {
      EXPECT_LE(r->size(), 8192u);
    } else {
      EXPECT_EQ(r.error().code(), Code::kCorruption);
    }
  }
}

TEST(CodecTest, ParseCodecAcceptsKnownNames) {
  EXPECT_EQ(*ParseCodec("zstd"), Codec::kZstd);
  EXPECT_EQ(*ParseCodec("lz4"), Codec::kLz4);
  EXPECT_EQ(*ParseCodec("none"), Codec::kRaw);
  EXPECT_EQ(*ParseCodec("raw"), Codec::kRaw);
  for (const char* bad : {"ZSTD", "gzip", "", "zstd-3", " lz4"}) {
    auto r = ParseCodec(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
    EXPECT_NE(r.error().context().find("\"" + std::string(bad) + "\""), std::string::npos);
    EXPECT_NE(r.error().context().find("zstd, lz4, none, raw"), std::string::npos);
  }
}

TEST(CodecTest, ParseCompressionAcceptsLevels) {
  EXPECT_EQ(*ParseCompression("zstd"), std::make_pair(Codec::kZstd, kDefaultZstdLevel));
  EXPECT_EQ(*ParseCompression("zstd-1"), std::make_pair(Codec::kZstd, 1));
  EXPECT_EQ(*ParseCompression("zstd-19"), std::make_pair(Codec::kZstd, 19));
  EXPECT_EQ(*ParseCompression("lz4"), std::make_pair(Codec::kLz4, 0));
  EXPECT_EQ(*ParseCompression("none"), std::make_pair(Codec::kRaw, 0));
  for (const char* bad : {"zstd-0", "zstd-20", "zstd-", "zstd-+3", "zstd--1", "zstd-3x", "zstd-03a",
                          "lz4-1", "Zstd"}) {
    auto r = ParseCompression(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  }
}

TEST(CodecTest, CodecNames) {
  EXPECT_STREQ(CodecName(Codec::kRaw), "raw");
  EXPECT_STREQ(CodecName(Codec::kZstd), "zstd");
  EXPECT_STREQ(CodecName(Codec::kLz4), "lz4");
  EXPECT_STREQ(CodecName(static_cast<Codec>(9)), "unknown");
}

}  // namespace
}  // namespace zerofs::crypto
