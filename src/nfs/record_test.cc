#include "nfs/record.h"

#include <gtest/gtest.h>

#include "base/coding.h"

namespace zerofs::nfs {
namespace {

std::string Fragment(std::string_view body, bool last) {
  std::string out;
  PutBE32(&out, static_cast<uint32_t>(body.size()) | (last ? kLastFragment : 0));
  out.append(body);
  return out;
}

TEST(RecordAssemblerTest, SingleFragmentRecord) {
  RecordAssembler a;
  std::vector<std::string> out;
  ASSERT_TRUE(a.Feed(Fragment("hello", true), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "hello");
}

TEST(RecordAssemblerTest, MultiFragmentRecordIsJoined) {
  RecordAssembler a;
  std::vector<std::string> out;
  std::string stream =
      Fragment("ab", false) + Fragment("", false) + Fragment("cd", true) + Fragment("second", true);
  ASSERT_TRUE(a.Feed(stream, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "abcd");
  EXPECT_EQ(out[1], "second");
}

TEST(RecordAssemblerTest, ByteByByteFeeding) {
  RecordAssembler a;
  std::vector<std::string> out;
  std::string stream = Fragment("xyz", false) + Fragment("w", true);
  for (char c : stream) ASSERT_TRUE(a.Feed(std::string_view(&c, 1), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "xyzw");
  EXPECT_EQ(a.pending_bytes(), 0u);
}

TEST(RecordAssemblerTest, IncompleteRecordIsHeldBack) {
  RecordAssembler a;
  std::vector<std::string> out;
  std::string f = Fragment("hello", true);
  ASSERT_TRUE(a.Feed(f.substr(0, 6), &out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(a.Feed(f.substr(6), &out).ok());
  ASSERT_EQ(out.size(), 1u);
}

TEST(RecordAssemblerTest, OversizedFragmentFails) {
  RecordAssembler a(16);
  std::vector<std::string> out;
  std::string header;
  PutBE32(&header, 17 | kLastFragment);
  EXPECT_FALSE(a.Feed(header, &out).ok());
  // Stays failed.
  EXPECT_FALSE(a.Feed(Fragment("x", true), &out).ok());
}

TEST(RecordAssemblerTest, OversizedAcrossFragmentsFails) {
  RecordAssembler a(16);
  std::vector<std::string> out;
  EXPECT_TRUE(a.Feed(Fragment(std::string(10, 'a'), false), &out).ok());
  EXPECT_FALSE(a.Feed(Fragment(std::string(10, 'a'), true), &out).ok());
}

TEST(RecordAssemblerTest, RecordExactlyAtLimitIsAccepted) {
  RecordAssembler a(16);
  std::vector<std::string> out;
  EXPECT_TRUE(a.Feed(Fragment(std::string(8, 'a'), false), &out).ok());
  EXPECT_TRUE(a.Feed(Fragment(std::string(8, 'b'), true), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].size(), 16u);
}

TEST(RecordAssemblerTest, SetRecordMarkWritesLastFragmentHeader) {
  std::string reply(4, '\0');
  reply += "abcdefgh";
  SetRecordMark(&reply);
  EXPECT_EQ(LoadBE32(reply.data()), 8u | kLastFragment);
}

}  // namespace
}  // namespace zerofs::nfs
