// The journal: the list of index changes a segment carries, replayed on
// recovery. Byte layout: docs/FORMAT.md, "Segment" (journal body).
//
//   body   := LE16 version=1  record*
//   record := type[1] LE32 payload-length payload
//
// Record types are frozen. Types >= 0x80 are "skip if unknown"; an unknown
// type below 0x80 makes the journal unreadable (kCorruption).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace zerofs::engine {

enum class RecordType : uint8_t {
  kPut = 1,
  kDelete = 2,
  kExtentPut = 3,
  kExtentDelete = 4,
  kSegmentInfo = 5,
};

constexpr uint16_t kJournalVersion = 1;
constexpr uint8_t kSkippableRecordBit = 0x80;

// One decoded record. Only the fields of its type are meaningful.
struct JournalRecord {
  RecordType type = RecordType::kPut;
  // kPut, kDelete: the caller's key (no engine prefix) and value.
  std::string key;
  std::string value;
  // kExtentPut: the extent and where its frame is (in this segment).
  // kExtentDelete: ino and the range [first, end).
  uint64_t ino = 0;
  uint64_t first = 0;  // extent index (kExtentPut) or range start
  uint64_t end = 0;
  uint32_t frame_index = 0;
  uint64_t offset = 0;
  uint32_t sealed_length = 0;
  uint32_t logical_length = 0;
  // kSegmentInfo.
  uint64_t object_size = 0;
  uint64_t frame_bytes = 0;
  uint32_t frame_count = 0;

  static JournalRecord Put(std::string_view key, std::string_view value);
  static JournalRecord Delete(std::string_view key);
  static JournalRecord ExtentPut(uint64_t ino, uint64_t index, uint32_t frame_index,
                                 uint64_t offset, uint32_t sealed_length, uint32_t logical_length);
  static JournalRecord ExtentDelete(uint64_t ino, uint64_t first, uint64_t end);
  static JournalRecord SegmentInfo(uint64_t object_size, uint64_t frame_bytes,
                                   uint32_t frame_count);
};

// Appends records to a journal body.
class JournalWriter {
 public:
  JournalWriter();

  void Add(const JournalRecord& record);

  // Number of records added so far.
  size_t count() const { return count_; }
  const std::string& body() const { return body_; }

 private:
  std::string body_;
  size_t count_ = 0;
};

// Parses a journal body. Never reads out of bounds; kCorruption on a bad
// version, a truncated record, a malformed payload or an unknown type < 0x80.
Result<std::vector<JournalRecord>> DecodeJournal(std::string_view body);

}  // namespace zerofs::engine
