#include "fs/inode_cache.h"

#include <gtest/gtest.h>

namespace zerofs::fs {
namespace {

InodeRecord WithSize(uint64_t size) {
  InodeRecord r;
  r.size = size;
  return r;
}

TEST(InodeCacheTest, InsertedRecordIsFoundUntilInvalidated) {
  InodeCache c;
  EXPECT_FALSE(c.Find(7));
  c.Insert(7, WithSize(1), c.Generation(7));
  ASSERT_TRUE(c.Find(7));
  EXPECT_EQ(c.Find(7)->size, 1u);
  c.Invalidate({7});
  EXPECT_FALSE(c.Find(7));
}

TEST(InodeCacheTest, ARecordLoadedBeforeACommitEndedIsNotKept) {
  InodeCache c;
  const uint64_t before = c.Generation(7);
  c.Invalidate({7});  // a commit of inode 7 ended while the Load read
  c.Insert(7, WithSize(1), before);
  EXPECT_FALSE(c.Find(7));
  // Another inode of the same shard counts too (the generation is the shard's).
  const uint64_t again = c.Generation(7);
  c.Invalidate({7 + InodeCache::kShards});
  c.Insert(7, WithSize(1), again);
  EXPECT_FALSE(c.Find(7));
}

TEST(InodeCacheTest, EachShardIsBounded) {
  InodeCache c;
  for (uint64_t i = 0; i < 3 * InodeCache::kPerShard; i++) {
    const InodeId ino = 5 + i * InodeCache::kShards;  // all in one shard
    c.Insert(ino, WithSize(i), c.Generation(ino));
  }
  size_t kept = 0;
  for (uint64_t i = 0; i < 3 * InodeCache::kPerShard; i++) {
    kept += c.Find(5 + i * InodeCache::kShards).has_value();
  }
  EXPECT_EQ(kept, InodeCache::kPerShard);
  EXPECT_TRUE(c.Find(5 + (3 * InodeCache::kPerShard - 1) * InodeCache::kShards));  // the newest
}

}  // namespace
}  // namespace zerofs::fs
