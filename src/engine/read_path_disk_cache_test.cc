// The disk tier under the engine's read path, against a real LocalStore:
// a warm disk tier serves reads after a restart without GETs, damaged
// entries are refetched, and the bound holds.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "cache/disk_cache_file.h"
#include "engine/engine.h"
#include "engine/test_engine.h"
#include "objstore/local_store.h"
#include "objstore/test_temp_dir.h"

namespace zerofs::engine {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kExtents = 48;

std::string CachePattern(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(kExtentSize, 'r');
  for (size_t i = 0; i < s.size(); i += 3) s[i] = static_cast<char>(rng());
  return s;
}

class ReadPathDiskCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto local = objstore::LocalStore::Open(tmp_.path() + "/bucket");
    ASSERT_TRUE(local.ok()) << local.error().ToString();
    store_ = std::make_shared<PrefixGetCounter>(*local, "segments/");
  }

  EngineOptions Options(uint64_t disk_bytes = 64 << 20) {
    EngineOptions o = TestEngineOptions(store_, tmp_.path() + "/local");
    o.segment_bytes = 256 << 10;
    o.disk_cache_dir = DiskDir();
    o.disk_cache_bytes = disk_bytes;
    o.disk_cache_uploads = cache_uploads_;
    o.gc_enabled = false;
    return o;
  }

  std::unique_ptr<Engine> Open(uint64_t disk_bytes = 64 << 20) {
    auto e = Engine::Open(Options(disk_bytes));
    EXPECT_TRUE(e.ok()) << e.error().ToString();
    return e.ok() ? std::move(e).value() : nullptr;
  }

  std::string DiskDir() const { return tmp_.path() + "/disk-cache"; }

  void WriteAndClose() {
    auto e = Open();
    ASSERT_NE(e, nullptr);
    for (uint64_t first = 0; first < kExtents; first += 8) {
      Transaction t;
      for (uint64_t i = first; i < first + 8; i++) t.WriteExtent(7, i, CachePattern(i));
      ASSERT_TRUE(e->Commit(std::move(t)).ok());
    }
    ASSERT_TRUE(e->Close().ok());
  }

  static void ExpectFile(Engine* e) {
    auto got = e->ReadExtents(7, 0, kExtents);
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    for (uint64_t i = 0; i < kExtents; i++) {
      ASSERT_NE((*got)[i], nullptr) << i;
      EXPECT_EQ(*(*got)[i], CachePattern(i)) << "extent " << i;
    }
  }

  // Reads everything once from a fresh engine (filling the disk tier) and
  // closes it (which finishes the tier's writes).
  void WarmUp(uint64_t disk_bytes = 64 << 20) {
    auto e = Open(disk_bytes);
    ASSERT_NE(e, nullptr);
    ExpectFile(e.get());
    ASSERT_TRUE(e->Close().ok());
  }

  std::vector<fs::path> LogFiles() const {
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(DiskDir() + "/v2")) {
      if (f.path().extension() == ".log") files.push_back(f.path());
    }
    return files;
  }

  // Where each record of the tier's logs is.
  struct Record {
    fs::path log;
    uint64_t offset;
    uint64_t size;
  };
  std::vector<Record> Records() const {
    std::vector<Record> records;
    for (const fs::path& log : LogFiles()) {
      const std::string bytes = ReadAll(log);
      for (uint64_t pos = 0; pos < bytes.size();) {
        auto h = cache::DecodeEntryHeader(std::string_view(bytes).substr(pos), bytes.size() - pos);
        EXPECT_TRUE(h.ok()) << log << " at " << pos;
        if (!h.ok()) break;
        records.push_back(Record{log, pos, cache::RecordSize(*h)});
        pos += cache::RecordSize(*h);
      }
    }
    return records;
  }

  static std::string ReadAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  objstore::TestTempDir tmp_;
  std::shared_ptr<PrefixGetCounter> store_;
  bool cache_uploads_ = false;
};

TEST_F(ReadPathDiskCacheTest, UploadedFramesAreReadFromTheTierWhenTheWriterCachesThem) {
  cache_uploads_ = true;
  WriteAndClose();  // no read at all: the frames went to the tier as uploaded
  EXPECT_EQ(Records().size(), kExtents);
  auto e = Open();
  ASSERT_NE(e, nullptr);
  store_->gets = 0;
  ExpectFile(e.get());
  EXPECT_EQ(store_->gets, 0u);
  EXPECT_EQ(e->Stats().disk_cache_hits, kExtents);
}

TEST_F(ReadPathDiskCacheTest, WithoutCachingUploadsOnlyFetchedFramesAreKept) {
  WriteAndClose();
  EXPECT_EQ(Records().size(), 0u);
  auto e = Open();
  ASSERT_NE(e, nullptr);
  store_->gets = 0;
  ExpectFile(e.get());
  EXPECT_GT(store_->gets, 0u);
}

TEST_F(ReadPathDiskCacheTest, WarmDiskTierServesReadsAfterARestartWithoutGets) {
  WriteAndClose();
  store_->gets = 0;
  WarmUp();
  EXPECT_GT(store_->gets, 0u);  // the first reader had to fetch
  EXPECT_EQ(Records().size(), kExtents);
  EXPECT_LT(LogFiles().size(), kExtents / 4);  // entries share log files

  auto e = Open();
  ASSERT_NE(e, nullptr);
  store_->gets = 0;  // opening reads segments too (replay)
  ExpectFile(e.get());
  EXPECT_EQ(store_->gets, 0u);
  EngineStats st = e->Stats();
  EXPECT_EQ(st.disk_cache_hits, kExtents);
  EXPECT_EQ(st.disk_cache_bad_entries, 0u);
  EXPECT_GT(st.disk_cache_bytes, 0u);
}

TEST_F(ReadPathDiskCacheTest, DamagedEntriesAreRefetchedAndReadCorrectly) {
  WriteAndClose();
  WarmUp();
  std::vector<Record> records = Records();
  ASSERT_EQ(records.size(), kExtents);
  for (size_t i = 0; i < records.size(); i += 2) {
    const Record& r = records[i];
    std::string log = ReadAll(r.log);
    std::string bytes = log.substr(r.offset, r.size);
    const uint16_t key_length = static_cast<uint8_t>(bytes[12]);
    const std::string key = bytes.substr(cache::kEntryHeaderSize, key_length);
    std::string value = bytes.substr(cache::kEntryHeaderSize + key_length);
    value[value.size() / 2] ^= 0x40;
    if (i % 4 == 0) {
      // Bit rot: the entry's own checksum catches it.
      bytes[bytes.size() / 2] ^= 0x40;
    } else {
      // A well-formed entry with the wrong bytes: only authentication can tell.
      bytes = cache::EncodeEntry(key, value);
    }
    log.replace(r.offset, r.size, bytes);
    std::ofstream(r.log, std::ios::binary | std::ios::trunc) << log;
  }

  auto e = Open();
  ASSERT_NE(e, nullptr);
  store_->gets = 0;
  ExpectFile(e.get());
  EXPECT_GT(store_->gets, 0u);
  EngineStats st = e->Stats();
  EXPECT_EQ(st.disk_cache_bad_entries, kExtents / 2);
  EXPECT_EQ(st.disk_cache_hits, kExtents / 2 + kExtents / 4);  // AEAD failures were hits first
  ASSERT_TRUE(e->Close().ok());  // the refetched frames are written again

  auto again = Open();
  ASSERT_NE(again, nullptr);
  store_->gets = 0;
  ExpectFile(again.get());
  EXPECT_EQ(store_->gets, 0u);
}

TEST_F(ReadPathDiskCacheTest, BoundHoldsWhenTheDataIsLargerThanTheTier) {
  WriteAndClose();
  constexpr uint64_t kBound = 128 << 10;  // about a fifth of the frames
  for (int pass = 0; pass < 2; pass++) {
    WarmUp(kBound);
    uint64_t charged = 0;
    for (const fs::path& f : LogFiles()) charged += (fs::file_size(f) + 4095) / 4096 * 4096;
    EXPECT_LE(charged, kBound);
    EXPECT_GT(charged, 0u);
    EXPECT_LT(Records().size(), kExtents);
  }
}

TEST_F(ReadPathDiskCacheTest, AWriterRefusesAnUnusableCacheDirectoryNamingIt) {
  std::ofstream(tmp_.path() + "/file") << "x";
  EngineOptions o = Options();
  o.disk_cache_dir = tmp_.path() + "/file/disk-cache";
  auto e = Engine::Open(std::move(o));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().ToString().find(tmp_.path() + "/file/disk-cache"), std::string::npos)
      << e.error().ToString();
}

TEST_F(ReadPathDiskCacheTest, AReaderRunsWithoutTheTierTheWriterHolds) {
  WriteAndClose();
  auto writer = Open();
  ASSERT_NE(writer, nullptr);
  EngineOptions o = Options();
  o.read_only = true;
  o.local_dir = tmp_.path() + "/reader";
  auto reader = Engine::Open(std::move(o));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  ExpectFile(reader->get());
  EXPECT_EQ((*reader)->Stats().disk_cache_hits + (*reader)->Stats().disk_cache_misses, 0u);
}

}  // namespace
}  // namespace zerofs::engine
