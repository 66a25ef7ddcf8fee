#include "engine/segment_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace zerofs::engine {
namespace {

TEST(SegmentBufferTest, ExtendAppendAndGrowKeepTheBytes) {
  SegmentBuffer b(4096);
  EXPECT_EQ(b.size(), 0u);
  EXPECT_GE(b.capacity(), 4096u);
  char* p = b.Extend(3);
  p[0] = 'a';
  p[1] = 'b';
  p[2] = 'c';
  b.Append("def");
  EXPECT_EQ(b.view(), "abcdef");
  // Past the capacity: the bytes move to a bigger mapping.
  const std::string big(10000, 'x');
  b.Append(big);
  EXPECT_GE(b.capacity(), 10006u);
  EXPECT_EQ(b.view(), "abcdef" + big);
}

TEST(SegmentBufferTest, MoveAndClearKeepTheMapping) {
  SegmentBuffer a(8192);
  a.Append("hello");
  const char* data = a.data();
  SegmentBuffer b = std::move(a);
  EXPECT_EQ(a.capacity(), 0u);
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(b.data(), data);
  EXPECT_EQ(b.view(), "hello");
  b.Clear();
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(b.data(), data);  // a recycled buffer keeps its pages
  b.Reserve(100);             // within the capacity: no move
  EXPECT_EQ(b.data(), data);
  SegmentBuffer empty;
  empty.Append("x");  // a default buffer grows on demand
  EXPECT_EQ(empty.view(), "x");
}

}  // namespace
}  // namespace zerofs::engine
