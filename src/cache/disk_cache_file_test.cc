#include "cache/disk_cache_file.h"

#include <gtest/gtest.h>

namespace zerofs::cache {
namespace {

TEST(DiskCacheFileTest, EntryRoundTrips) {
  const std::string file = EncodeEntry("segments/00ab@1000", "sealed bytes");
  EXPECT_EQ(file.size(), kEntryHeaderSize + 18 + 12);
  auto v = DecodeEntry(file, "segments/00ab@1000");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(*v, "sealed bytes");
}

TEST(DiskCacheFileTest, EveryFlippedByteIsDetected) {
  const std::string good = EncodeEntry("k", "value");
  for (size_t i = 0; i < good.size(); i++) {
    std::string bad = good;
    bad[i] ^= 0x01;
    EXPECT_FALSE(DecodeEntry(bad, "k").ok()) << "byte " << i;
  }
}

TEST(DiskCacheFileTest, TruncatedOrExtendedFileIsDetected) {
  const std::string good = EncodeEntry("k", "value");
  for (size_t n = 0; n < good.size(); n++) {
    EXPECT_FALSE(DecodeEntry(good.substr(0, n), "k").ok()) << n;
  }
  EXPECT_FALSE(DecodeEntry(good + "x", "k").ok());
}

TEST(DiskCacheFileTest, AnotherKeysEntryIsRejected) {
  EXPECT_FALSE(DecodeEntry(EncodeEntry("a", "v"), "b").ok());
}

TEST(DiskCacheFileTest, HeaderChecksTheRecordFitsWhatIsLeftOfTheLog) {
  const std::string record = EncodeEntry("key", std::string(100, 'x'));
  auto h = DecodeEntryHeader(record, record.size() + 500);  // more records follow
  ASSERT_TRUE(h.ok()) << h.error().ToString();
  EXPECT_EQ(RecordSize(*h), record.size());
  EXPECT_FALSE(DecodeEntryHeader(record, record.size() - 1).ok());
  EXPECT_FALSE(DecodeEntryHeader(record.substr(0, 10), record.size()).ok());
  EXPECT_FALSE(DecodeEntryHeader(EncodeEntry("", "v"), 100).ok());
  EXPECT_FALSE(DecodeEntryHeader(EncodeEntry(std::string(kMaxKeyBytes + 1, 'k'), "v"), 200).ok());
}

TEST(DiskCacheFileTest, TheHeaderAloneCatchesEveryFlippedByteOfItselfAndTheKey) {
  const std::string record = EncodeEntry("segments/01@2000", std::string(64, 'v'));
  const size_t head = kEntryHeaderSize + 16;
  EXPECT_FALSE(DecodeEntryHeader(record.substr(0, kEntryHeaderSize), record.size()).ok());
  for (size_t i = 0; i < head; i++) {
    std::string bad = record;
    bad[i] ^= 0x01;
    EXPECT_FALSE(DecodeEntryHeader(bad.substr(0, head), bad.size()).ok()) << "byte " << i;
  }
}

TEST(DiskCacheFileTest, AVersionOneEntryIsNotARecord) {
  std::string record = EncodeEntry("k", "v");
  record[8] = 1;
  EXPECT_FALSE(DecodeEntryHeader(record, record.size()).ok());
}

TEST(DiskCacheFileTest, LogFileNamesRoundTripAndOddNamesAreNotLogs) {
  EXPECT_EQ(LogFileName(0x1a2b), "0000000000001a2b.log");
  EXPECT_EQ(SeqOfLogFileName(LogFileName(0x1a2b)), 0x1a2bu);
  EXPECT_EQ(SeqOfLogFileName(LogFileName(~0ull)), ~0ull);
  EXPECT_FALSE(SeqOfLogFileName("0000000000001A2B.log"));  // upper case: not ours
  EXPECT_FALSE(SeqOfLogFileName("0000000000000000.log"));  // 0 is never used
  EXPECT_FALSE(SeqOfLogFileName("000000000001a2b.log"));
  EXPECT_FALSE(SeqOfLogFileName("0000000000001a2b.log.tmp"));
  EXPECT_FALSE(SeqOfLogFileName("segments%2F01"));
  EXPECT_FALSE(SeqOfLogFileName(""));
}

TEST(DiskCacheFileTest, LogIndexRoundTripsAndRefusesDamage) {
  const std::vector<LogRecord> records = {{"segments/01@0", 0, 100}, {"segments/01@64", 100, 80}};
  const std::string good = EncodeLogIndex(180, records);
  uint64_t size = 0;
  auto back = DecodeLogIndex(good, &size);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, records);
  EXPECT_EQ(size, 180u);
  for (size_t i = 0; i < good.size(); i++) {
    std::string bad = good;
    bad[i] ^= 0x10;
    EXPECT_FALSE(DecodeLogIndex(bad, &size).ok()) << "byte " << i;
  }
  for (size_t n = 0; n < good.size(); n++)
    EXPECT_FALSE(DecodeLogIndex(good.substr(0, n), &size).ok());
  EXPECT_EQ(SeqOfLogIndexFileName(LogIndexFileName(9)), 9u);
  EXPECT_FALSE(SeqOfLogIndexFileName(LogFileName(9)));
}

TEST(DiskCacheFileTest, ALogIndexWithRecordsOutOfPlaceIsRefused) {
  uint64_t size = 0;
  // Past the end of the log it covers.
  EXPECT_FALSE(DecodeLogIndex(EncodeLogIndex(150, {{"k", 100, 80}}), &size).ok());
  // Overlapping the record before.
  EXPECT_FALSE(DecodeLogIndex(EncodeLogIndex(300, {{"a", 0, 100}, {"b", 50, 100}}), &size).ok());
  // Smaller than a header and its key.
  EXPECT_FALSE(DecodeLogIndex(EncodeLogIndex(300, {{"a", 0, 20}}), &size).ok());
  EXPECT_TRUE(DecodeLogIndex(EncodeLogIndex(300, {{"a", 0, 100}, {"b", 100, 100}}), &size).ok());
}

}  // namespace
}  // namespace zerofs::cache
