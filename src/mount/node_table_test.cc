#include "mount/node_table.h"

#include <gtest/gtest.h>

#include <memory>

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

TEST(NodeTableTest, ExchangeSwapsTwoSubtrees) {
  NodeTable t;
  uint64_t d = t.Remember("d", 1);
  uint64_t f = t.Remember("d/sub/f", 2);
  uint64_t g = t.Remember("x/g", 3);
  uint64_t other = t.Remember("dd/f", 4);
  t.Exchanged("d", "x/g");
  EXPECT_EQ(*t.PathOf(d), "x/g");
  EXPECT_EQ(*t.PathOf(f), "x/g/sub/f");
  EXPECT_EQ(*t.PathOf(g), "d");
  EXPECT_EQ(*t.PathOf(other), "dd/f");
  EXPECT_EQ(t.NodeAt("d")->node, g);
  EXPECT_EQ(t.NodeAt("x/g/sub/f")->node, f);
  EXPECT_FALSE(t.NodeAt("d/sub/f").has_value());
}

TEST(NodeTableTest, ExchangeOfTwoNamesOfOneFileKeepsBoth) {
  NodeTable t;
  uint64_t a = t.Remember("a", 9);
  EXPECT_EQ(t.Remember("b", 9), a);
  t.Exchanged("a", "b");
  t.Unlinked("a");
  EXPECT_EQ(*t.PathOf(a), "b");
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

// Kept fids (fid caching). A CachedFid without a client clunks nothing.
FidRef TestFid(uint64_t generation, uint32_t uid, uint32_t fid) {
  return std::make_shared<CachedFid>(std::weak_ptr<ninep::Client>(), generation, uid, fid);
}

TEST(NodeTableTest, KeptFidsArePerUidAndGeneration) {
  NodeTable t;
  uint64_t a = t.Remember("a", 7);
  t.KeepFid(a, TestFid(1, 1000, 11));
  t.KeepFid(a, TestFid(1, 1000, 12));  // one per uid: the first stays
  t.KeepFid(a, TestFid(1, 0, 13));
  EXPECT_EQ(t.KeptFid(a, 1000, 1)->fid(), 11u);
  EXPECT_EQ(t.KeptFid(a, 0, 1)->fid(), 13u);
  EXPECT_EQ(t.KeptFidByQid(7, 1000, 1)->fid(), 11u);
  EXPECT_EQ(t.KeptFid(a, 1001, 1), nullptr);
  EXPECT_EQ(t.kept_fids(), 2u);
  // A reconnect (generation 2): the old fids are ignored, then replaced.
  EXPECT_EQ(t.KeptFid(a, 1000, 2), nullptr);
  t.KeepFid(a, TestFid(2, 1000, 21));
  EXPECT_EQ(t.KeptFid(a, 1000, 2)->fid(), 21u);
  EXPECT_EQ(t.kept_fids(), 1u);
  // Unknown nodes and the root keep nothing.
  t.KeepFid(999, TestFid(2, 0, 30));
  t.KeepFid(kRootNode, TestFid(2, 0, 31));
  EXPECT_EQ(t.kept_fids(), 1u);
}

TEST(NodeTableTest, ForgetUnlinkAndRenameDropKeptFids) {
  NodeTable t;
  uint64_t f = t.Remember("f", 1);
  uint64_t d = t.Remember("d", 2);
  uint64_t g = t.Remember("d/g", 3);
  uint64_t h = t.Remember("h", 4);
  uint64_t x = t.Remember("x", 5);
  for (uint64_t n : {f, d, g, h, x}) t.KeepFid(n, TestFid(1, 0, static_cast<uint32_t>(n)));
  EXPECT_EQ(t.kept_fids(), 5u);

  FidRef held = t.KeptFid(f, 0, 1);
  t.Forget(f, 1);
  EXPECT_EQ(t.KeptFid(f, 0, 1), nullptr);
  EXPECT_EQ(held->fid(), static_cast<uint32_t>(f));  // still usable by its holder

  t.Unlinked("h");
  EXPECT_EQ(t.KeptFid(h, 0, 1), nullptr);

  // The moved directory and everything below it are walked again by path;
  // the replaced target's fid goes too.
  uint64_t target = t.Remember("e", 6);
  t.KeepFid(target, TestFid(1, 0, 6));
  t.Renamed("d", "e");
  EXPECT_EQ(t.KeptFid(d, 0, 1), nullptr);
  EXPECT_EQ(t.KeptFid(g, 0, 1), nullptr);
  EXPECT_EQ(t.KeptFid(target, 0, 1), nullptr);
  EXPECT_NE(t.KeptFid(x, 0, 1), nullptr);
  EXPECT_EQ(t.kept_fids(), 1u);
  EXPECT_EQ(*t.PathOf(g), "e/g");
}

TEST(NodeTableTest, RenameKeepsFidsThatNameInodesButNotTheReplacedTarget) {
  NodeTable t;
  uint64_t d = t.Remember("d", 2);
  uint64_t g = t.Remember("d/g", 3);
  uint64_t target = t.Remember("e", 6);
  uint64_t a = t.Remember("a", 7);
  uint64_t b = t.Remember("b", 8);
  for (uint64_t n : {d, g, target, a, b}) {
    t.KeepFid(n, TestFid(1, 0, static_cast<uint32_t>(n)));
  }
  t.Renamed("d", "e", /*keep_fids=*/true);
  EXPECT_NE(t.KeptFid(d, 0, 1), nullptr);
  EXPECT_NE(t.KeptFid(g, 0, 1), nullptr);
  EXPECT_EQ(t.KeptFid(target, 0, 1), nullptr);
  EXPECT_EQ(*t.PathOf(g), "e/g");
  t.Exchanged("a", "b", /*keep_fids=*/true);
  EXPECT_EQ(t.KeptFid(a, 0, 1)->fid(), static_cast<uint32_t>(a));
  EXPECT_EQ(t.KeptFid(b, 0, 1)->fid(), static_cast<uint32_t>(b));
  EXPECT_EQ(t.kept_fids(), 4u);
}

TEST(NodeTableTest, NodeAtNamesTheNodeOfAPath) {
  NodeTable t;
  uint64_t a = t.Remember("a", 9);
  auto k = t.NodeAt("a");
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->node, a);
  EXPECT_EQ(k->qid_path, 9u);
  EXPECT_FALSE(t.NodeAt("b").has_value());
}

}  // namespace
}  // namespace zerofs::mount
