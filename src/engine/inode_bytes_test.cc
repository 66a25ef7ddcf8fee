// Per-inode stored-bytes counters: kept by the applier through commits,
// overwrites, deletes and restarts, and recounted for an index made before
// they existed.
#include "engine/inode_bytes.h"

#include <gtest/gtest.h>

#include <random>

#include "base/coding.h"
#include "engine/applier.h"
#include "engine/engine.h"
#include "engine/keys.h"
#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::engine {
namespace {

std::string Bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() | 1);  // never all zero
  return s;
}

TEST(InodeBytesTest, EngineCountsStoredBytesPerInode) {
  objstore::TestTempDir tmp;
  auto store = objstore::LocalStore::Open(tmp.path() + "/bucket");
  ASSERT_TRUE(store.ok());
  auto open = [&](int n) {
    EngineOptions o;
    o.store = *store;
    o.password = "pw";
    o.local_dir = tmp.path() + "/local" + std::to_string(n);
    o.flush_interval = std::chrono::milliseconds(0);
    o.snapshot_interval = std::chrono::milliseconds(0);
    o.kdf = crypto::KdfParams::Interactive();
    auto e = Engine::Open(std::move(o));
    EXPECT_TRUE(e.ok()) << e.error().ToString();
    return std::move(e).value();
  };
  auto stored = [](Engine* e, uint64_t ino) {
    auto r = e->StoredBytes(ino);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : ~0ull;
  };
  {
    auto e = open(0);
    EXPECT_EQ(stored(e.get(), 5), 0u);
    Transaction t;
    t.WriteExtent(5, 0, Bytes(kExtentSize, 1));
    t.WriteExtent(5, 100, Bytes(1000, 2));             // far away: a hole between
    t.WriteExtent(6, 3, Bytes(kExtentSize, 3));        // another inode
    t.WriteExtent(5, 7, std::string(kExtentSize, 0));  // all zeros: a hole
    ASSERT_TRUE(e->Commit(std::move(t)).ok());
    EXPECT_EQ(stored(e.get(), 5), kExtentSize + 1000u);
    EXPECT_EQ(stored(e.get(), 6), kExtentSize);

    Transaction over;
    over.WriteExtent(5, 100, Bytes(kExtentSize, 4));  // overwrite, longer
    ASSERT_TRUE(e->Commit(std::move(over)).ok());
    EXPECT_EQ(stored(e.get(), 5), 2u * kExtentSize);

    Transaction del;
    del.DeleteExtents(5, 50, 200);  // punch the far extent
    ASSERT_TRUE(e->Commit(std::move(del)).ok());
    EXPECT_EQ(stored(e.get(), 5), kExtentSize);
    ASSERT_TRUE(e->Close().ok());
  }
  auto e = open(1);  // from the snapshot
  EXPECT_EQ(stored(e.get(), 5), kExtentSize);
  EXPECT_EQ(stored(e.get(), 6), kExtentSize);
  Transaction all;
  all.DeleteExtents(6, 0, UINT64_MAX);
  ASSERT_TRUE(e->Commit(std::move(all)).ok());
  EXPECT_EQ(stored(e.get(), 6), 0u);
}

TEST(InodeBytesTest, OldIndexIsRecountedOnce) {
  objstore::TestTempDir tmp;
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, tmp.path() + "/db", &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  auto put_extent = [&](uint64_t ino, uint64_t index, uint32_t logical) {
    ExtentPointer p;
    p.segment_id = 9;
    p.offset = index * 100;
    p.sealed_length = 90;
    p.logical_length = logical;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), ExtentKey(ino, index), p.Encode()).ok());
  };
  // An index from before the counters: extents, no 'B' keys, no marker; plus
  // a stale counter as a partial replay might have left.
  put_extent(3, 0, 4096);
  put_extent(3, 1, 100);
  put_extent(4, 9, 32768);
  put_extent(70000, 2, 1);
  std::string stale;
  PutLE64(&stale, 12345);
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), InodeBytesKey(8), stale).ok());
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), InodeBytesKey(3), stale).ok());

  ASSERT_TRUE(EnsureInodeBytes(db.get()).ok());
  auto bytes = [&](uint64_t ino) {
    auto r = ReadInodeBytes(db.get(), ino);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : ~0ull;
  };
  EXPECT_EQ(bytes(3), 4196u);
  EXPECT_EQ(bytes(4), 32768u);
  EXPECT_EQ(bytes(70000), 1u);
  EXPECT_EQ(bytes(8), 0u);  // stale counter gone

  // Done once: a later change to the extents is the applier's job, and a
  // second call leaves the counters alone.
  put_extent(4, 10, 5);
  ASSERT_TRUE(EnsureInodeBytes(db.get()).ok());
  EXPECT_EQ(bytes(4), 32768u);
}

}  // namespace
}  // namespace zerofs::engine
