// Round trips and defensive decoding of every byte format the engine owns:
// garbage and truncated input must give errors, never crashes.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "crypto/aead.h"
#include "engine/blob.h"
#include "engine/journal.h"
#include "engine/keys.h"
#include "engine/manifest.h"
#include "engine/segment_builder.h"
#include "engine/segment_format.h"
#include "engine/snapshot.h"

namespace zerofs::engine {
namespace {

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(KeysTest, ExtentKeysSortNumerically) {
  EXPECT_LT(ExtentKey(1, 2), ExtentKey(1, 256));
  EXPECT_LT(ExtentKey(1, UINT64_MAX), ExtentKey(2, 0));
  uint64_t ino = 0, index = 0;
  ASSERT_TRUE(ParseExtentKey(ExtentKey(7, 9), &ino, &index));
  EXPECT_EQ(ino, 7u);
  EXPECT_EQ(index, 9u);
  EXPECT_FALSE(ParseExtentKey("Exyz", &ino, &index));
}

TEST(KeysTest, FrameCacheKeysAreShortAndDistinct) {
  // Short enough for std::string to keep inline; one key per (segment, offset).
  std::set<std::string> seen;
  for (uint64_t seg : {0ull, 1ull, 256ull, ~0ull}) {
    for (uint64_t off : {0ull, 1ull, 256ull, (1ull << 40) + 7, (1ull << 56) - 1}) {
      const std::string k = FrameCacheKey(seg, off);
      EXPECT_EQ(k.size(), 15u);
      EXPECT_TRUE(seen.insert(k).second) << seg << "@" << off;
    }
  }
}

TEST(KeysTest, ValuesRoundTripAndRejectGarbage) {
  ExtentPointer p{3, 4096, 1234, 32768, 7};
  auto back = ExtentPointer::Decode(p.Encode());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->segment_id, 3u);
  EXPECT_EQ(back->offset, 4096u);
  EXPECT_EQ(back->frame_index, 7u);
  SegmentStats s{100, 90, 80, 5, 4};
  EXPECT_EQ(*SegmentStats::Decode(s.Encode()), s);
  GlobalStats g{11, 12};
  EXPECT_EQ(*GlobalStats::Decode(g.Encode()), g);
  std::string enc = p.Encode();
  EXPECT_EQ(ExtentPointer::Decode(enc.substr(0, enc.size() - 1)).error().code(), Code::kCorruption);
  enc[0] = 9;  // unknown version
  EXPECT_FALSE(ExtentPointer::Decode(enc).ok());
  EXPECT_FALSE(SegmentStats::Decode("").ok());
  EXPECT_FALSE(GlobalStats::Decode("short").ok());
}

TEST(JournalTest, RoundTripsEveryRecordType) {
  JournalWriter w;
  w.Add(JournalRecord::Put("k1", "v1"));
  w.Add(JournalRecord::Delete("k2"));
  w.Add(JournalRecord::ExtentPut(5, 6, 7, 8, 9, 10));
  w.Add(JournalRecord::ExtentDelete(5, 1, UINT64_MAX));
  w.Add(JournalRecord::SegmentInfo(100, 50, 3));
  auto recs = DecodeJournal(w.body());
  ASSERT_TRUE(recs.ok()) << recs.error().ToString();
  ASSERT_EQ(recs->size(), 5u);
  EXPECT_EQ((*recs)[0].key, "k1");
  EXPECT_EQ((*recs)[0].value, "v1");
  EXPECT_EQ((*recs)[1].type, RecordType::kDelete);
  EXPECT_EQ((*recs)[2].offset, 8u);
  EXPECT_EQ((*recs)[2].logical_length, 10u);
  EXPECT_EQ((*recs)[3].end, UINT64_MAX);
  EXPECT_EQ((*recs)[4].object_size, 100u);
}

TEST(JournalTest, SkipsUnknownHighTypesAndRejectsLowOnes) {
  JournalWriter w;
  w.Add(JournalRecord::Put("a", "b"));
  std::string body = w.body();
  std::string skippable = body;
  skippable.push_back(static_cast<char>(0x90));
  skippable.append("\x02\x00\x00\x00zz", 6);
  auto ok = DecodeJournal(skippable);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 1u);
  std::string bad = body;
  bad.push_back(0x40);
  bad.append("\x00\x00\x00\x00", 4);
  EXPECT_EQ(DecodeJournal(bad).error().code(), Code::kCorruption);
}

TEST(JournalTest, TruncatedOrGarbageJournalIsAnError) {
  JournalWriter w;
  w.Add(JournalRecord::Put("key", "value"));
  w.Add(JournalRecord::ExtentPut(1, 2, 3, 4, 5, 6));
  const std::string body = w.body();
  for (size_t n = 0; n < body.size(); n++) {
    auto r = DecodeJournal(body.substr(0, n));
    // A cut exactly at a record boundary is a valid shorter journal.
    if (r.ok()) {
      EXPECT_LT(r->size(), 2u);
    }
  }
  EXPECT_FALSE(DecodeJournal(std::string("\x02\x00", 2)).ok());  // version 2
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; i++) DecodeJournal(RandomBytes(rng, rng() % 64)).Ignore();
}

TEST(SegmentFormatTest, FooterRoundTripAndValidation) {
  SegmentFooter f;
  f.frame_count = 2;
  f.segment_id = 0x1234;
  f.epoch = 9;
  f.journal_offset = 100;
  f.journal_length = 50;
  f.directory_offset = 150;
  f.directory_length = 30;
  const std::string enc = f.Encode();
  ASSERT_EQ(enc.size(), kFooterSize);
  auto back = SegmentFooter::Decode(enc, 0x1234, 244);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->epoch, 9u);
  EXPECT_FALSE(SegmentFooter::Decode(enc, 0x1235, 244).ok());  // wrong id
  EXPECT_FALSE(SegmentFooter::Decode(enc, 0x1234, 200).ok());  // outside object
  EXPECT_FALSE(SegmentFooter::Decode(enc.substr(1), 0x1234, 244).ok());
  for (size_t i = 0; i < enc.size(); i++) {
    std::string flipped = enc;
    flipped[i] ^= 0x01;
    EXPECT_FALSE(SegmentFooter::Decode(flipped, 0x1234, 244).ok()) << "byte " << i;
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; i++) {
    EXPECT_FALSE(SegmentFooter::Decode(RandomBytes(rng, kFooterSize), 1, 1000).ok());
  }
}

TEST(SegmentFormatTest, DirectoryRoundTripAndGarbage) {
  std::vector<DirectoryEntry> d = {{0, 100, 1, 2, 300}, {100, 50, 3, 4, 60}};
  auto back = DecodeDirectory(EncodeDirectory(d));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, d);
  std::string enc = EncodeDirectory(d);
  EXPECT_FALSE(DecodeDirectory(enc.substr(0, enc.size() - 1)).ok());
  EXPECT_FALSE(DecodeDirectory(std::string("\xff\xff\xff\xff", 4)).ok());
}

TEST(SegmentFormatTest, ObjectKeys) {
  EXPECT_EQ(SegmentObjectKey(255), "segments/00000000000000ff");
  uint64_t id = 0;
  ASSERT_TRUE(ParseSegmentObjectKey("segments/00000000000000ff", &id));
  EXPECT_EQ(id, 255u);
  EXPECT_FALSE(ParseSegmentObjectKey("segments/00000000000000fg", &id));
  EXPECT_FALSE(ParseSegmentObjectKey("segments/ff", &id));
}

TEST(SegmentBuilderTest, FinishedSegmentParsesBack) {
  crypto::SecretKey data = crypto::SecretKey::Random();
  crypto::SecretKey meta = crypto::SecretKey::Random();
  SegmentBuilder b(42, 3);
  std::string enc;
  crypto::Encode(crypto::Codec::kZstd, 3, std::string(5000, 'a'), &enc);
  JournalRecord r = b.AddFrame(data, enc, 10, 20, 5000);
  b.AddRecord(r);
  b.AddRecord(JournalRecord::Put("meta", std::string(3000, 'm')));
  SegmentBuilder::Finished finished = b.Finish(meta, crypto::Codec::kZstd, 3);
  const std::string_view bytes = finished.bytes.view();
  EXPECT_EQ(finished.info.object_size, bytes.size());
  auto footer = SegmentFooter::Decode(bytes.substr(bytes.size() - kFooterSize), 42, bytes.size());
  ASSERT_TRUE(footer.ok()) << footer.error().ToString();
  EXPECT_EQ(footer->frame_count, 1u);
  EXPECT_EQ(footer->epoch, 3u);
  auto journal = OpenBlob(meta, bytes.substr(footer->journal_offset, footer->journal_length),
                          JournalAd(42), "journal");
  ASSERT_TRUE(journal.ok());
  auto recs = DecodeJournal(*journal);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 3u);
  EXPECT_EQ(recs->back().type, RecordType::kSegmentInfo);
  EXPECT_EQ(recs->back().object_size, bytes.size());
  auto frame = crypto::Open(data, bytes.substr(r.offset, r.sealed_length), FrameAd(42, 0, 10, 20));
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(*crypto::Decode(*frame, 32768), std::string(5000, 'a'));
  // The frame is bound to its place.
  EXPECT_FALSE(
      crypto::Open(data, bytes.substr(r.offset, r.sealed_length), FrameAd(42, 0, 10, 21)).ok());
}

TEST(ManifestTest, RoundTripAndTamper) {
  crypto::SecretKey meta = crypto::SecretKey::Random();
  Manifest m;
  m.epoch = 5;
  m.snapshot_id = 2;
  m.horizon = 17;
  m.updated_ms = 123;
  m.checkpoints.push_back(Checkpoint{"nightly", 1, 10, 99});
  const std::string enc = m.Encode(meta);
  auto back = Manifest::Decode(enc, meta);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, m);
  for (size_t i = 0; i < enc.size(); i += 7) {
    std::string t = enc;
    t[i] ^= 0x20;
    EXPECT_EQ(Manifest::Decode(t, meta).error().code(), Code::kCorruption);
  }
  EXPECT_FALSE(Manifest::Decode(enc.substr(0, 20), meta).ok());
  EXPECT_FALSE(Manifest::Decode(enc, crypto::SecretKey::Random()).ok());
  EXPECT_FALSE(Manifest::Decode("", meta).ok());
}

TEST(SnapshotDescriptorTest, RoundTripAndRejectsBadNames) {
  crypto::SecretKey meta = crypto::SecretKey::Random();
  SnapshotDescriptor d;
  d.horizon = 9;
  d.created_ms = 1;
  d.files.push_back(SnapshotFile{"000012.sst", SnapshotFile::kObject, 100, "sst/ab-000012.sst"});
  d.files.push_back(SnapshotFile{"CURRENT", SnapshotFile::kInline, 16, "MANIFEST-000005\n"});
  auto back = SnapshotDescriptor::Decode(d.Encode(meta, 3), meta, 3);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->files, d.files);
  EXPECT_FALSE(SnapshotDescriptor::Decode(d.Encode(meta, 3), meta, 4).ok());  // moved
  SnapshotDescriptor evil = d;
  evil.files[1].name = "../escape";
  EXPECT_EQ(SnapshotDescriptor::Decode(evil.Encode(meta, 3), meta, 3).error().code(),
            Code::kCorruption);
}

}  // namespace
}  // namespace zerofs::engine
