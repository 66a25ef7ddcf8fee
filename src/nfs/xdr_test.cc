#include "nfs/xdr.h"

#include <gtest/gtest.h>

namespace zerofs::nfs {
namespace {

TEST(XdrTest, IntegersAreBigEndian) {
  XdrEncoder e;
  e.PutU32(0x01020304);
  e.PutU64(0x0102030405060708ull);
  e.PutBool(true);
  EXPECT_EQ(e.bytes(),
            std::string("\x01\x02\x03\x04\x01\x02\x03\x04\x05\x06\x07\x08\0\0\0\x01", 16));
  XdrDecoder d(e.bytes());
  uint32_t a;
  uint64_t b;
  bool c;
  ASSERT_TRUE(d.GetU32(&a) && d.GetU64(&b) && d.GetBool(&c));
  EXPECT_EQ(a, 0x01020304u);
  EXPECT_EQ(b, 0x0102030405060708ull);
  EXPECT_TRUE(c);
  EXPECT_TRUE(d.done());
}

TEST(XdrTest, OpaqueIsPaddedToFourBytes) {
  for (size_t n = 0; n < 9; n++) {
    XdrEncoder e;
    std::string s(n, 'x');
    e.PutOpaque(s);
    EXPECT_EQ(e.size(), 4 + n + XdrPad(n));
    EXPECT_EQ(e.size() % 4, 0u);
    XdrDecoder d(e.bytes());
    std::string_view out;
    ASSERT_TRUE(d.GetOpaque(100, &out));
    EXPECT_EQ(out, s);
    EXPECT_TRUE(d.done());
  }
}

TEST(XdrTest, OpaqueLongerThanLimitFails) {
  XdrEncoder e;
  e.PutOpaque("hello");
  XdrDecoder d(e.bytes());
  std::string_view out;
  EXPECT_FALSE(d.GetOpaque(4, &out));
  EXPECT_FALSE(d.ok());
}

TEST(XdrTest, TruncatedInputFailsAndStaysFailed) {
  XdrDecoder d(std::string_view("\0\0\0", 3));
  uint32_t v;
  EXPECT_FALSE(d.GetU32(&v));
  EXPECT_FALSE(d.ok());
  EXPECT_FALSE(d.done());
  EXPECT_EQ(d.remaining(), 0u);
}

TEST(XdrTest, OpaqueWithMissingPaddingFails) {
  std::string in(
      "\0\0\0\x03"
      "abc",
      7);  // padding byte absent
  XdrDecoder d(in);
  std::string_view out;
  EXPECT_FALSE(d.GetOpaque(10, &out));
}

TEST(XdrTest, HugeLengthDoesNotOverflow) {
  std::string in(
      "\xff\xff\xff\xff"
      "abcd",
      8);
  XdrDecoder d(in);
  std::string_view out;
  EXPECT_FALSE(d.GetOpaque(SIZE_MAX, &out));
  XdrDecoder d2(in);
  EXPECT_FALSE(d2.GetFixed(SIZE_MAX - 1, &out));
}

TEST(XdrTest, BoolOtherThanZeroOrOneFails) {
  XdrDecoder d(std::string_view("\0\0\0\x02", 4));
  bool b;
  EXPECT_FALSE(d.GetBool(&b));
}

TEST(XdrTest, TrailingBytesAreNotDone) {
  XdrDecoder d(std::string_view("\0\0\0\x01\0", 5));
  uint32_t v;
  EXPECT_TRUE(d.GetU32(&v));
  EXPECT_FALSE(d.done());
}

TEST(XdrTest, PatchAndTruncate) {
  XdrEncoder e;
  e.PutU32(1);
  e.PutU32(2);
  e.PatchU32(0, 7);
  e.Truncate(4);
  EXPECT_EQ(e.bytes(), std::string("\0\0\0\x07", 4));
}

TEST(XdrTest, OpaqueTailEncodesLikeOpaque) {
  XdrEncoder a, b;
  a.PutU32(7);
  a.PutOpaque("hello");
  b.PutU32(7);
  b.PutOpaqueTail("hello");
  EXPECT_EQ(b.size(), 8u);  // the head ends with the length word
  EXPECT_EQ(b.tail_size(), 8u);
  EXPECT_EQ(b.Take() + b.TakeTail().Flatten(), a.Take());
  XdrEncoder c;
  c.PutOpaqueTail("data");
  c.Truncate(0);
  EXPECT_EQ(c.tail_size(), 0u);
}

TEST(XdrTest, SharedOpaqueTailIsNotCopied) {
  XdrEncoder a, b;
  a.PutOpaque("hello");
  auto owner = std::make_shared<const std::string>("xhelloy");
  std::vector<SharedBytes> pieces = {{owner, std::string_view(*owner).substr(1, 3)},
                                     {owner, std::string_view(*owner).substr(4, 2)}};
  b.PutOpaqueTail(std::move(pieces), 5);
  EXPECT_EQ(b.tail_size(), 8u);
  XdrTail tail = b.TakeTail();
  ASSERT_EQ(tail.pieces.size(), 3u);  // the two pieces and the padding
  EXPECT_EQ(tail.pieces[0].bytes.data(), owner->data() + 1);
  EXPECT_EQ(b.Take() + tail.Flatten(), a.Take());
}

}  // namespace
}  // namespace zerofs::nfs
