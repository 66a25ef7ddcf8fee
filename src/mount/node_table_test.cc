#include "mount/node_table.h"

#include <gtest/gtest.h>

namespace zerofs::mount {
namespace {

TEST(NodeTableTest, RootIsEmptyPath) {
  NodeTable t;
  EXPECT_EQ(*t.PathOf(kRootNode), "");
  EXPECT_EQ(*t.ChildPath(kRootNode, "a"), "a");
}

TEST(NodeTableTest, HardLinksShareANodeAndSurviveUnlinkOfOneName) {
  NodeTable t;
  uint64_t a = t.Remember("a", 42);
  uint64_t b = t.Remember("d/b", 42);
  EXPECT_EQ(a, b);
  t.Unlinked("d/b");
  EXPECT_EQ(*t.PathOf(a), "a");
  t.Unlinked("a");
  EXPECT_EQ(t.PathOf(a).error().sys_errno(), ENOENT);
}

TEST(NodeTableTest, RenameMovesDescendants) {
  NodeTable t;
  uint64_t d = t.Remember("d", 1);
  uint64_t f = t.Remember("d/sub/f", 2);
  uint64_t other = t.Remember("dd/f", 3);
  t.Renamed("d", "e");
  EXPECT_EQ(*t.PathOf(d), "e");
  EXPECT_EQ(*t.PathOf(f), "e/sub/f");
  EXPECT_EQ(*t.PathOf(other), "dd/f");  // "dd" is not below "d"
}

TEST(NodeTableTest, RenameOverATargetDropsIt) {
  NodeTable t;
  uint64_t from = t.Remember("x", 1);
  uint64_t to = t.Remember("y", 2);
  t.Renamed("x", "y");
  EXPECT_EQ(*t.PathOf(from), "y");
  EXPECT_FALSE(t.PathOf(to).ok());
}

TEST(NodeTableTest, ForgetDropsTheNodeAfterAllLookups) {
  NodeTable t;
  uint64_t a = t.Remember("a", 7);
  t.Remember("a", 7);
  t.Forget(a, 1);
  EXPECT_TRUE(t.PathOf(a).ok());
  t.Forget(a, 1);
  EXPECT_EQ(t.PathOf(a).error().sys_errno(), ESTALE);
  // A new lookup gets a new node id: ids are never reused.
  EXPECT_NE(t.Remember("a", 7), a);
}

TEST(NodeTableTest, ANameTakenByAnotherFileMovesToIt) {
  NodeTable t;
  uint64_t old_file = t.Remember("a", 1);
  uint64_t new_file = t.Remember("a", 2);
  EXPECT_NE(old_file, new_file);
  EXPECT_FALSE(t.PathOf(old_file).ok());
  EXPECT_EQ(*t.PathOf(new_file), "a");
}

TEST(NodeTableTest, SplitPath) {
  EXPECT_TRUE(SplitPath("").empty());
  EXPECT_EQ(SplitPath("a/b/c"), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace zerofs::mount
