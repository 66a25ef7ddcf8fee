#include "nbd/replies.h"

#include <gtest/gtest.h>

#include "base/coding.h"
#include "nbd/wire.h"

namespace zerofs::nbd {
namespace {

StructuredReplyHeader Chunk(const OutgoingReply& r) {
  StructuredReplyHeader h;
  EXPECT_TRUE(DecodeStructuredReplyHeader(
      std::string_view(r.head).substr(0, kStructuredReplyHeaderSize), &h));
  return h;
}

TEST(RepliesTest, SimpleReplyCarriesCookieAndError) {
  OutgoingReply r = EncodeReply(77, kENoSpc);
  SimpleReply s;
  ASSERT_TRUE(DecodeSimpleReply(r.head, &s));
  EXPECT_EQ(s.magic, kSimpleReplyMagic);
  EXPECT_EQ(s.error, kENoSpc);
  EXPECT_EQ(s.cookie, 77u);
  EXPECT_TRUE(r.data.empty());
}

TEST(RepliesTest, SimpleReadReplyIsHeaderThenData) {
  OutgoingReply r = EncodeReadReply(5, 4096, "data", false);
  SimpleReply s;
  ASSERT_TRUE(DecodeSimpleReply(r.head, &s));
  EXPECT_EQ(s.error, 0u);
  EXPECT_EQ(r.data, "data");
  EXPECT_EQ(r.size(), kSimpleReplySize + 4);
}

TEST(RepliesTest, StructuredReadIsOneOffsetDataChunkFlaggedDone) {
  OutgoingReply r = EncodeReadReply(5, 4096, "data", true);
  StructuredReplyHeader h = Chunk(r);
  EXPECT_EQ(h.magic, kStructuredReplyMagic);
  EXPECT_EQ(h.flags, kReplyFlagDone);
  EXPECT_EQ(h.type, kReplyTypeOffsetData);
  EXPECT_EQ(h.cookie, 5u);
  EXPECT_EQ(h.length, 8u + 4u);
  ASSERT_EQ(r.head.size(), kStructuredReplyHeaderSize + kOffsetDataPrefixSize);
  EXPECT_EQ(LoadBE64(r.head.data() + kStructuredReplyHeaderSize), 4096u);
  EXPECT_EQ(r.data, "data");
}

TEST(RepliesTest, StructuredEmptyReadIsNoneChunk) {
  OutgoingReply r = EncodeReadReply(5, 0, "", true);
  StructuredReplyHeader h = Chunk(r);
  EXPECT_EQ(h.type, kReplyTypeNone);
  EXPECT_EQ(h.flags, kReplyFlagDone);
  EXPECT_EQ(h.length, 0u);
  EXPECT_EQ(r.size(), kStructuredReplyHeaderSize);
}

TEST(RepliesTest, ReadReplyHeadIsTheHeadOfTheWholeReply) {
  for (bool structured : {false, true}) {
    for (std::string data : {std::string(), std::string("data")}) {
      EXPECT_EQ(EncodeReadReplyHead(9, 512, static_cast<uint32_t>(data.size()), structured),
                EncodeReadReply(9, 512, data, structured).head);
    }
  }
}

TEST(RepliesTest, StructuredReadErrorCarriesErrorAndMessage) {
  OutgoingReply r = EncodeReadError(6, kEIo, "gone", true);
  StructuredReplyHeader h = Chunk(r);
  EXPECT_EQ(h.type, kReplyTypeError);
  EXPECT_EQ(h.flags, kReplyFlagDone);
  EXPECT_EQ(h.length, 6u + 4u);
  const char* p = r.head.data() + kStructuredReplyHeaderSize;
  EXPECT_EQ(LoadBE32(p), kEIo);
  EXPECT_EQ((static_cast<uint8_t>(p[4]) << 8) | static_cast<uint8_t>(p[5]), 4);
  EXPECT_EQ(std::string(p + 6, 4), "gone");
}

TEST(RepliesTest, LongErrorMessagesAreTruncated) {
  OutgoingReply r = EncodeReadError(6, kEIo, std::string(70000, 'm'), true);
  EXPECT_EQ(Chunk(r).length, 6u + 4096u);
  EXPECT_EQ(r.head.size(), kStructuredReplyHeaderSize + 6 + 4096);
}

TEST(RepliesTest, SimpleReadErrorHasNoData) {
  OutgoingReply r = EncodeReadError(6, kEInval, "past the end", false);
  SimpleReply s;
  ASSERT_TRUE(DecodeSimpleReply(r.head, &s));
  EXPECT_EQ(s.error, kEInval);
  EXPECT_TRUE(r.data.empty());
}

}  // namespace
}  // namespace zerofs::nbd
