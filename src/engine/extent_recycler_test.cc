#include "engine/extent_recycler.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/engine.h"

namespace zerofs::engine {
namespace {

// The pool is process-wide: each test starts by emptying it.
void Drain() {
  std::vector<std::unique_ptr<std::string>> taken;
  while (ExtentRecycler::Pooled() > 0) taken.push_back(ExtentRecycler::Take());
}

TEST(ExtentRecyclerTest, AReleasedExtentsStringIsTakenAgain) {
  Drain();
  auto s = std::make_unique<std::string>(kExtentSize, 'x');
  const std::string* raw = s.get();
  ExtentData shared = ExtentRecycler::Share(std::move(s));
  ExtentData second = shared;
  shared.reset();
  EXPECT_EQ(ExtentRecycler::Pooled(), 0u);  // still held
  second.reset();
  EXPECT_EQ(ExtentRecycler::Pooled(), 1u);
  std::unique_ptr<std::string> again = ExtentRecycler::Take();
  EXPECT_EQ(again.get(), raw);
  EXPECT_EQ(again->size(), kExtentSize);  // its bytes are the old ones, unspecified
  EXPECT_EQ(ExtentRecycler::Pooled(), 0u);
  EXPECT_TRUE(ExtentRecycler::Take()->empty());  // nothing pooled: a new one
}

TEST(ExtentRecyclerTest, KeepsOnlyExtentSizedStringsAndAtMostItsBound) {
  Drain();
  ExtentRecycler::Share(std::make_unique<std::string>(100, 's')).reset();
  ExtentRecycler::Share(std::make_unique<std::string>(3 * kExtentSize, 'b')).reset();
  EXPECT_EQ(ExtentRecycler::Pooled(), 0u);
  std::vector<ExtentData> many;
  for (size_t i = 0; i < ExtentRecycler::kMaxPooled + 10; i++) {
    many.push_back(ExtentRecycler::Share(std::make_unique<std::string>(kExtentSize, 'e')));
  }
  many.clear();
  EXPECT_EQ(ExtentRecycler::Pooled(), ExtentRecycler::kMaxPooled);
  Drain();
}

}  // namespace
}  // namespace zerofs::engine
