#include "base/result.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/coding.h"
#include "base/crc32c.h"

namespace zerofs {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Error(Code::kInvalidArgument, "odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ZFS_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(ResultTest, PropagatesErrorsThroughMacros) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.error().sys_errno(), EINVAL);
}

TEST(ResultTest, PosixErrorKeepsErrno) {
  Error e = Error::Posix(ENOTEMPTY, "rmdir /a");
  EXPECT_EQ(e.sys_errno(), ENOTEMPTY);
  EXPECT_NE(e.ToString().find("rmdir /a"), std::string::npos);
}

TEST(CodingTest, DecoderStopsAtEndOfInput) {
  std::string buf;
  PutLE32(&buf, 7);
  PutBE64(&buf, 0x0102030405060708ull);
  Decoder d(buf);
  uint32_t a;
  uint64_t b, c;
  ASSERT_TRUE(d.GetLE32(&a));
  ASSERT_TRUE(d.GetBE64(&b));
  EXPECT_EQ(a, 7u);
  EXPECT_EQ(b, 0x0102030405060708ull);
  EXPECT_TRUE(d.done());
  EXPECT_FALSE(d.GetLE64(&c));
  EXPECT_FALSE(d.ok());
}

TEST(CodingTest, BytesLengthAboveLimitFails) {
  std::string buf;
  PutBytes32(&buf, "hello");
  std::string_view out;
  Decoder d(buf);
  EXPECT_FALSE(d.GetBytes32(&out, 4));
}

TEST(Crc32cTest, KnownVector) {
  // RFC 3720 test vector: 32 bytes of zeros.
  std::string zeros(32, '\0');
  EXPECT_EQ(Crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
  // RFC 3720: 32 bytes of 0xff, and 0x00..0x1f.
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending(32, '\0');
  for (int i = 0; i < 32; i++) ascending[i] = static_cast<char>(i);
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
}

TEST(Crc32cTest, ChainingPiecesEqualsOneCall) {
  std::string data(1000, '\0');
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<char>(i * 131 + 7);
  const uint32_t whole = Crc32c(data);
  for (size_t piece : {1, 3, 7, 8, 9, 64, 999}) {
    uint32_t c = 0;
    for (size_t at = 0; at < data.size(); at += piece) {
      c = Crc32c(data.data() + at, std::min(piece, data.size() - at), c);
    }
    EXPECT_EQ(c, whole) << piece;
  }
}

}  // namespace
}  // namespace zerofs
