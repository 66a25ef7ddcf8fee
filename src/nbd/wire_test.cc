#include "nbd/wire.h"

#include <gtest/gtest.h>

#include <string>

namespace zerofs::nbd {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

TEST(WireTest, GreetingIsMagicsThenBigEndianFlags) {
  std::string out;
  EncodeGreeting(&out, kFlagFixedNewstyle | kFlagNoZeroes);
  ASSERT_EQ(out.size(), kGreetingSize);
  EXPECT_EQ(out.substr(0, 8), "NBDMAGIC");
  EXPECT_EQ(out.substr(8, 8), "IHAVEOPT");
  EXPECT_EQ(out.substr(16), Bytes({0x00, 0x03}));
}

TEST(WireTest, OptionHeaderLayoutAndRoundTrip) {
  std::string out;
  EncodeOptionHeader(&out, OptionHeader{kIHaveOpt, kOptGo, 0x01020304});
  ASSERT_EQ(out.size(), kOptionHeaderSize);
  EXPECT_EQ(out.substr(0, 8), "IHAVEOPT");
  EXPECT_EQ(out.substr(8), Bytes({0, 0, 0, 7, 1, 2, 3, 4}));
  OptionHeader h;
  ASSERT_TRUE(DecodeOptionHeader(out, &h));
  EXPECT_EQ(h.magic, kIHaveOpt);
  EXPECT_EQ(h.option, kOptGo);
  EXPECT_EQ(h.length, 0x01020304u);
}

TEST(WireTest, OptionReplyCarriesItsDataLength) {
  std::string out;
  EncodeOptionReply(&out, kOptList, kRepServer, "abc");
  ASSERT_EQ(out.size(), kOptionReplyHeaderSize + 3);
  EXPECT_EQ(out.substr(0, 8), Bytes({0x00, 0x03, 0xe8, 0x89, 0x04, 0x55, 0x65, 0xa9}));
  OptionReplyHeader h;
  ASSERT_TRUE(DecodeOptionReplyHeader(std::string_view(out).substr(0, kOptionReplyHeaderSize), &h));
  EXPECT_EQ(h.magic, kOptionReplyMagic);
  EXPECT_EQ(h.option, kOptList);
  EXPECT_EQ(h.type, kRepServer);
  EXPECT_EQ(h.length, 3u);
  EXPECT_EQ(out.substr(kOptionReplyHeaderSize), "abc");
}

TEST(WireTest, ErrorRepliesHaveBit31Set) {
  EXPECT_EQ(kRepErrUnsup, 0x80000001u);
  EXPECT_EQ(kRepErrInvalid, 0x80000003u);
  EXPECT_EQ(kRepErrUnknown, 0x80000006u);
  EXPECT_EQ(kRepErrTooBig, 0x80000009u);
}

TEST(WireTest, RequestHeaderLayoutAndRoundTrip) {
  RequestHeader in;
  in.flags = kCmdFlagFua;
  in.type = kCmdWrite;
  in.cookie = 0x1122334455667788;
  in.offset = 0x0000000100000200;
  in.length = 4096;
  std::string out;
  EncodeRequestHeader(&out, in);
  ASSERT_EQ(out.size(), kRequestHeaderSize);
  EXPECT_EQ(out, Bytes({0x25, 0x60, 0x95, 0x13, 0x00, 0x01, 0x00, 0x01, 0x11, 0x22,
                        0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x00, 0x00, 0x00, 0x01,
                        0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x10, 0x00}));
  RequestHeader h;
  ASSERT_TRUE(DecodeRequestHeader(out, &h));
  EXPECT_EQ(h.magic, kRequestMagic);
  EXPECT_EQ(h.flags, in.flags);
  EXPECT_EQ(h.type, in.type);
  EXPECT_EQ(h.cookie, in.cookie);
  EXPECT_EQ(h.offset, in.offset);
  EXPECT_EQ(h.length, in.length);
}

TEST(WireTest, SimpleReplyLayoutAndRoundTrip) {
  std::string out;
  EncodeSimpleReply(&out, SimpleReply{kSimpleReplyMagic, kEInval, 42});
  EXPECT_EQ(out, Bytes({0x67, 0x44, 0x66, 0x98, 0, 0, 0, 22, 0, 0, 0, 0, 0, 0, 0, 42}));
  SimpleReply r;
  ASSERT_TRUE(DecodeSimpleReply(out, &r));
  EXPECT_EQ(r.error, kEInval);
  EXPECT_EQ(r.cookie, 42u);
}

TEST(WireTest, StructuredReplyHeaderLayoutAndRoundTrip) {
  StructuredReplyHeader in;
  in.flags = kReplyFlagDone;
  in.type = kReplyTypeError;
  in.cookie = 7;
  in.length = 6;
  std::string out;
  EncodeStructuredReplyHeader(&out, in);
  EXPECT_EQ(out, Bytes({0x66, 0x8e, 0x33, 0xef, 0x00, 0x01, 0x80, 0x01, 0, 0,
                        0,    0,    0,    0,    0,    7,    0,    0,    0, 6}));
  StructuredReplyHeader h;
  ASSERT_TRUE(DecodeStructuredReplyHeader(out, &h));
  EXPECT_EQ(h.magic, kStructuredReplyMagic);
  EXPECT_EQ(h.flags, kReplyFlagDone);
  EXPECT_EQ(h.type, kReplyTypeError);
  EXPECT_EQ(h.cookie, 7u);
  EXPECT_EQ(h.length, 6u);
}

TEST(WireTest, DecodersRejectWrongSizes) {
  std::string big(64, '\0');
  OptionHeader oh;
  OptionReplyHeader orh;
  RequestHeader rh;
  SimpleReply sr;
  StructuredReplyHeader sh;
  for (size_t n : {size_t{0}, size_t{1}, size_t{15}, size_t{17}, size_t{27}, size_t{29}}) {
    std::string_view in(big.data(), n);
    EXPECT_EQ(DecodeOptionHeader(in, &oh), n == kOptionHeaderSize) << n;
    EXPECT_EQ(DecodeRequestHeader(in, &rh), n == kRequestHeaderSize) << n;
  }
  EXPECT_FALSE(DecodeOptionReplyHeader(std::string_view(big.data(), 19), &orh));
  EXPECT_FALSE(DecodeSimpleReply(std::string_view(big.data(), 15), &sr));
  EXPECT_FALSE(DecodeStructuredReplyHeader(std::string_view(big.data(), 21), &sh));
}

TEST(WireTest, NamesForLogs) {
  EXPECT_EQ(CommandName(kCmdWriteZeroes), "NBD_CMD_WRITE_ZEROES");
  EXPECT_EQ(CommandName(99), "NBD_CMD_99");
  EXPECT_EQ(OptionName(kOptGo), "NBD_OPT_GO");
  EXPECT_EQ(OptionName(1234), "NBD_OPT_1234");
}

}  // namespace
}  // namespace zerofs::nbd
