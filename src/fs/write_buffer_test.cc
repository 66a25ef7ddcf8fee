// The write buffer: its bookkeeping, and the fs rules around it (reads see
// buffered writes, Fsync and shutdown write them back, truncate and unlink
// never lose or resurrect them, memory stays within the limit).
#include "fs/write_buffer.h"

#include <random>
#include <thread>

#include "fs/fs_test_util.h"

namespace zerofs::fs {
namespace {

constexpr uint64_t kE = engine::kExtentSize;

engine::ExtentData Bytes(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

TEST(WriteBufferTest, KeepsTheFirstBaseAndCountsStoredBytes) {
  WriteBuffer b(4 * kE);
  EXPECT_TRUE(b.empty());
  b.Put(7, 3, Bytes("abc"), /*base_stored=*/100);
  EXPECT_EQ(b.StoredDelta(7), 3 - 100);
  // A later change keeps the engine's base of the first one.
  b.Put(7, 3, Bytes(std::string(10, 'x')), /*base_stored=*/3);
  EXPECT_EQ(b.StoredDelta(7), 10 - 100);
  // All zeros will be a hole: nothing stored.
  b.Put(7, 4, Bytes(std::string(50, '\0')), 0);
  EXPECT_EQ(b.StoredDelta(7), 10 - 100);
  EXPECT_EQ(b.bytes(), 2 * kE);
  EXPECT_EQ(*b.Find(7, 3)->data, std::string(10, 'x'));
  EXPECT_FALSE(b.Find(7, 5).has_value());
  EXPECT_FALSE(b.Find(8, 3).has_value());
  EXPECT_EQ(b.StoredDelta(8), 0);
}

TEST(WriteBufferTest, OverlayDiscardAndInodes) {
  WriteBuffer b(16 * kE);
  b.Put(1, 2, Bytes("two"), 0);
  b.Put(1, 5, Bytes("five"), 0);
  b.Put(2, 0, Bytes("other"), 0);
  std::vector<engine::ExtentData> out(4);  // extents 2..5 of inode 1
  b.Overlay(1, 2, &out);
  EXPECT_EQ(*out[0], "two");
  EXPECT_EQ(out[1], nullptr);
  EXPECT_EQ(out[2], nullptr);
  EXPECT_EQ(*out[3], "five");
  std::vector<engine::ExtentData> before(3);  // extents 3..5: only 5
  b.Overlay(1, 3, &before);
  EXPECT_EQ(*before[2], "five");
  EXPECT_EQ(b.Peek(1, 1).size(), 1u);
  EXPECT_EQ(b.Peek(1, 1)[0].first, 2u);
  auto all = b.Inodes(true, {});
  EXPECT_EQ(all.size(), 2u);
  EXPECT_TRUE(b.Inodes(false, WriteBuffer::Clock::now() - std::chrono::hours(1)).empty());
  b.Discard(1, 3, 6);  // drops 5 only
  EXPECT_TRUE(b.Find(1, 2).has_value());
  EXPECT_FALSE(b.Find(1, 5).has_value());
  EXPECT_EQ(b.bytes(), 2 * kE);
  b.DiscardAll(1);
  EXPECT_EQ(b.Inodes(true, {}), std::vector<InodeId>{2});
  b.Discard(2, 0, 1);
  EXPECT_TRUE(b.empty());
  EXPECT_TRUE(b.Inodes(true, {}).empty());
}

TEST(WriteBufferTest, PeekResumesFromAnIndexAndSkipsYoungEntries) {
  WriteBuffer b(16 * kE);
  for (uint64_t i : {1, 3, 5, 7}) b.Put(9, i, Bytes("old" + std::to_string(i)), 0);
  const auto cutoff = WriteBuffer::Clock::now() + std::chrono::milliseconds(1);
  std::this_thread::sleep_until(cutoff + std::chrono::milliseconds(1));
  b.Put(9, 0, Bytes("young0"), 0);
  b.Put(9, 4, Bytes("young4"), 0);
  // Older than the cutoff: 1, 3, 5, 7 (0 and 4 are younger).
  auto first = b.Peek(9, 2, cutoff);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].first, 1u);
  EXPECT_EQ(first[1].first, 3u);
  auto rest = b.Peek(9, 10, cutoff, first.back().first + 1);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].first, 5u);
  EXPECT_EQ(*rest[1].second, "old7");
  EXPECT_TRUE(b.Peek(9, 10, cutoff, 8).empty());
  // Without a cutoff every entry from `from` on.
  auto all_from_4 = b.Peek(9, 10, WriteBuffer::Clock::time_point::max(), 4);
  ASSERT_EQ(all_from_4.size(), 3u);
  EXPECT_EQ(all_from_4[0].first, 4u);
}

class WriteBufferFsTest : public FsTest {
 protected:
  std::string EngineExtent(InodeId ino, uint64_t index) {
    auto r = engine_->ReadExtent(ino, index);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : "<error>";
  }
};

TEST_F(WriteBufferFsTest, SmallWritesWaitInMemoryUntilFsync) {
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 0, std::string(kE, 'a'));  // whole extent: straight to the engine
  EXPECT_EQ(EngineExtent(f.ino, 0), std::string(kE, 'a'));
  EXPECT_EQ(fs_->BufferedWriteBytes(), 0u);
  for (int i = 0; i < 20; i++) WriteOk(f.ino, 100 + i, "b");
  EXPECT_EQ(fs_->BufferedWriteBytes(), kE);
  EXPECT_EQ(EngineExtent(f.ino, 0), std::string(kE, 'a'));  // not written back yet
  std::string want(kE, 'a');
  want.replace(100, 20, std::string(20, 'b'));
  EXPECT_EQ(ReadAll(f.ino), want);
  ASSERT_TRUE(fs_->Fsync(f.ino).ok());
  EXPECT_EQ(fs_->BufferedWriteBytes(), 0u);
  EXPECT_EQ(EngineExtent(f.ino, 0), want);
  Crash();  // only what was flushed survives
  Open();
  EXPECT_EQ(ReadAll(f.ino), want);
}

TEST_F(WriteBufferFsTest, CloseWritesBackAndStBlocksCountBufferedData) {
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 3 * kE + 10, "tail");  // a hole, then 4 KiB-ish of one extent
  const uint64_t used_buffered = AttrOf(f.ino).used;
  EXPECT_EQ(used_buffered, 4096u);
  WriteOk(f.ino, 5, "head");
  const uint64_t used_two = AttrOf(f.ino).used;
  ASSERT_TRUE(fs_->Flush().ok());
  EXPECT_EQ(AttrOf(f.ino).used, used_two);
  WriteOk(f.ino, 3 * kE, std::string(14, '\0'));  // zeros over all of "tail"'s extent
  EXPECT_EQ(AttrOf(f.ino).used, 4096u);           // that extent is all zeros now: a hole
  Reopen();                                       // a clean shutdown writes the buffer back
  EXPECT_EQ(AttrOf(f.ino).used, 4096u);
  std::string all = ReadAll(f.ino);
  ASSERT_EQ(all.size(), 3 * kE + 14);
  EXPECT_EQ(all.substr(5, 4), "head");
  EXPECT_EQ(all.substr(3 * kE), std::string(14, '\0'));
}

// An fsync of any file (here the root directory) is a barrier for every
// change made before it, buffered or not.
TEST_F(WriteBufferFsTest, FsyncOfOneFileWritesBackEveryFile) {
  Attr a = CreateOk(kRootInode, "a");
  Attr b = CreateOk(kRootInode, "b");
  WriteOk(a.ino, 0, "first file");
  WriteOk(b.ino, 0, "second file");
  ASSERT_TRUE(fs_->Fsync(kRootInode).ok());
  EXPECT_EQ(fs_->BufferedWriteBytes(), 0u);
  Crash();
  Open();
  EXPECT_EQ(ReadAll(a.ino), "first file");
  EXPECT_EQ(ReadAll(b.ino), "second file");
}

// Write a temporary file, rename it over the real name, crash after the
// engine's (periodic) flush but without any fsync: the name must never
// point at a file without its data. Likewise for a hard link.
TEST_F(WriteBufferFsTest, RenameAndLinkCarryTheFilesBufferedData) {
  Attr old_file = CreateOk(kRootInode, "config");
  WriteOk(old_file.ino, 0, "old contents");
  ASSERT_TRUE(fs_->Flush().ok());
  Attr tmp = CreateOk(kRootInode, "config.tmp");
  WriteOk(tmp.ino, 0, "new contents");
  ASSERT_TRUE(fs_->Rename(Cred::Root(), kRootInode, "config.tmp", kRootInode, "config").ok());
  Attr other = CreateOk(kRootInode, "data");
  WriteOk(other.ino, 0, "linked");
  ASSERT_TRUE(fs_->Link(Cred::Root(), other.ino, kRootInode, "data.link").ok());
  EXPECT_EQ(fs_->BufferedWriteBytes(), 0u);
  ASSERT_TRUE(engine_->Flush().ok());  // what a periodic flush does
  Crash();
  Open();
  auto found = fs_->Lookup(Cred::Root(), kRootInode, "config");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(ReadAll(found->ino), "new contents");
  found = fs_->Lookup(Cred::Root(), kRootInode, "data.link");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(ReadAll(found->ino), "linked");
}

TEST_F(WriteBufferFsTest, UnlinkDiscardsBufferedExtents) {
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 0, std::string(kE, 'a'));
  WriteOk(f.ino, 7, "small");
  ASSERT_GT(fs_->BufferedWriteBytes(), 0u);
  ASSERT_TRUE(fs_->Unlink(Cred::Root(), kRootInode, "f").ok());
  EXPECT_EQ(fs_->BufferedWriteBytes(), 0u);
  ASSERT_TRUE(fs_->Flush().ok());
  // No extent of the freed inode came back (TearDown also runs fsck).
  EXPECT_EQ(EngineExtent(f.ino, 0), "");
  EXPECT_EQ(*engine_->StoredBytes(f.ino), 0u);
}

TEST_F(WriteBufferFsTest, OpenUnlinkedFileKeepsBufferedDataUntilRelease) {
  Attr f = CreateOk(kRootInode, "f");
  ASSERT_TRUE(fs_->Open(Cred::Root(), f.ino, kAccessWrite).ok());
  WriteOk(f.ino, 1, "kept");
  ASSERT_TRUE(fs_->Unlink(Cred::Root(), kRootInode, "f").ok());
  WriteOk(f.ino, 9, "more");
  auto r = fs_->Read(Cred::Root(), f.ino, 0, 100);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data, std::string("\0kept\0\0\0\0more", 13));
  ASSERT_TRUE(fs_->Release(f.ino).ok());
  EXPECT_EQ(fs_->BufferedWriteBytes(), 0u);
  ASSERT_TRUE(fs_->Flush().ok());
  EXPECT_EQ(*engine_->StoredBytes(f.ino), 0u);
}

TEST_F(WriteBufferFsTest, MemoryStaysWithinTheLimit) {
  options_.write_buffer_bytes = 8 * kE;
  Reopen();
  Attr f = CreateOk(kRootInode, "f");
  for (uint64_t i = 0; i < 100; i++) {
    WriteOk(f.ino, i * kE + 1, "x");
    ASSERT_LE(fs_->BufferedWriteBytes(), 8 * kE) << "after write " << i;
  }
  std::string all = ReadAll(f.ino);
  for (uint64_t i = 0; i < 100; i++) ASSERT_EQ(all[i * kE + 1], 'x') << i;
}

TEST_F(WriteBufferFsTest, OldWritesAreWrittenBackWithoutFsync) {
  options_.write_buffer_age = std::chrono::milliseconds(20);
  Reopen();
  Attr f = CreateOk(kRootInode, "f");
  WriteOk(f.ino, 3, "aged");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fs_->BufferedWriteBytes() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(fs_->BufferedWriteBytes(), 0u);
  EXPECT_EQ(EngineExtent(f.ino, 0), std::string("\0\0\0aged", 7));
}

// Random small and large writes, truncates, hole punches and zero ranges on
// a few files with a small buffer and a fast write-back thread, checked
// against a model after every step (content and st_blocks before and after
// a flush), and after a crash following a final Flush.
TEST_F(WriteBufferFsTest, RandomChangesMatchAModel) {
  options_.write_buffer_bytes = 6 * kE;
  options_.write_buffer_age = std::chrono::milliseconds(2);
  Reopen();
  std::mt19937_64 rng(42);
  const uint64_t kSpan = 12 * kE;
  std::vector<InodeId> files;
  std::vector<std::string> model(3);
  for (int i = 0; i < 3; i++) files.push_back(CreateOk(kRootInode, "f" + std::to_string(i)).ino);
  for (int step = 0; step < 400; step++) {
    const size_t which = rng() % files.size();
    const InodeId ino = files[which];
    std::string& m = model[which];
    const uint64_t off = rng() % kSpan;
    const int op = static_cast<int>(rng() % 10);
    if (op < 6) {
      const uint64_t len = op < 5 ? 1 + rng() % 5000 : 1 + rng() % (3 * kE);
      std::string data(len, '\0');
      for (char& c : data) c = static_cast<char>('a' + rng() % 26);
      WriteOk(ino, off, data);
      if (m.size() < off + len) m.resize(off + len, '\0');
      m.replace(off, len, data);
    } else if (op < 8) {
      const uint64_t size = rng() % kSpan;
      ASSERT_TRUE(fs_->SetAttr(Cred::Root(), ino, Size(size)).ok());
      m.resize(size, '\0');
    } else {
      const uint64_t len = 1 + rng() % (2 * kE);
      const uint32_t mode = op == 8 ? kFallocPunchHole | kFallocKeepSize : kFallocZeroRange;
      ASSERT_TRUE(fs_->Fallocate(Cred::Root(), ino, mode, off, len).ok());
      if (op == 9 && m.size() < off + len) m.resize(off + len, '\0');
      if (off < m.size()) {
        const uint64_t n = std::min<uint64_t>(len, m.size() - off);
        m.replace(off, n, std::string(n, '\0'));
      }
    }
    ASSERT_EQ(ReadAll(ino), m) << "step " << step;
    if (step % 25 == 0) {
      const uint64_t used = AttrOf(ino).used;
      ASSERT_TRUE(fs_->Fsync(ino).ok());
      ASSERT_EQ(AttrOf(ino).used, used) << "step " << step;
    }
  }
  ASSERT_TRUE(fs_->Flush().ok());
  Crash();
  Open();
  for (size_t i = 0; i < files.size(); i++) EXPECT_EQ(ReadAll(files[i]), model[i]) << i;
}

// Readers of a file that a writer keeps changing in small pieces see every
// completed write (the buffer is shared by all readers at once).
TEST_F(WriteBufferFsTest, ConcurrentReadersSeeCompletedWrites) {
  options_.write_buffer_age = std::chrono::milliseconds(1);
  Reopen();
  Attr f = CreateOk(kRootInode, "f");
  constexpr int kWrites = 2000;
  std::atomic<int> done{0};
  std::atomic<bool> bad{false};
  std::thread writer([&] {
    for (int i = 1; i <= kWrites; i++) {
      // Counter i at offset 100 of extent i % 4; then publish.
      std::string v = std::to_string(i);
      v.resize(8, ' ');
      if (!fs_->Write(Cred::Root(), f.ino, (i % 4) * kE + 100, v).ok()) bad = true;
      done.store(i);
    }
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; t++) {
    readers.emplace_back([&] {
      while (done.load() < kWrites && !bad) {
        const int seen = done.load();
        if (seen == 0) continue;
        auto r = fs_->Read(Cred::Root(), f.ino, (seen % 4) * kE + 100, 8);
        if (!r.ok() || r->data.size() != 8 || std::stoi(r->data) < seen) bad = true;
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_FALSE(bad.load());
}

}  // namespace
}  // namespace zerofs::fs
