#include "engine/journal.h"

#include "base/coding.h"

namespace zerofs::engine {

namespace {

Error BadJournal(const std::string& what) { return Error(Code::kCorruption, "journal: " + what); }

void EncodePayload(const JournalRecord& r, std::string* out) {
  switch (r.type) {
    case RecordType::kPut:
      PutBytes32(out, r.key);
      PutBytes32(out, r.value);
      break;
    case RecordType::kDelete:
      PutBytes32(out, r.key);
      break;
    case RecordType::kExtentPut:
      PutLE64(out, r.ino);
      PutLE64(out, r.first);
      PutLE32(out, r.frame_index);
      PutLE64(out, r.offset);
      PutLE32(out, r.sealed_length);
      PutLE32(out, r.logical_length);
      break;
    case RecordType::kExtentDelete:
      PutLE64(out, r.ino);
      PutLE64(out, r.first);
      PutLE64(out, r.end);
      break;
    case RecordType::kSegmentInfo:
      PutLE64(out, r.object_size);
      PutLE64(out, r.frame_bytes);
      PutLE32(out, r.frame_count);
      break;
  }
}

// Decodes the payload of a known type; false if malformed.
bool DecodePayload(RecordType type, std::string_view payload, JournalRecord* r) {
  Decoder d(payload);
  r->type = type;
  std::string_view a, b;
  switch (type) {
    case RecordType::kPut:
      if (!d.GetBytes32(&a) || !d.GetBytes32(&b)) return false;
      r->key.assign(a);
      r->value.assign(b);
      break;
    case RecordType::kDelete:
      if (!d.GetBytes32(&a)) return false;
      r->key.assign(a);
      break;
    case RecordType::kExtentPut:
      if (!d.GetLE64(&r->ino) || !d.GetLE64(&r->first) || !d.GetLE32(&r->frame_index) ||
          !d.GetLE64(&r->offset) || !d.GetLE32(&r->sealed_length) ||
          !d.GetLE32(&r->logical_length)) {
        return false;
      }
      break;
    case RecordType::kExtentDelete:
      if (!d.GetLE64(&r->ino) || !d.GetLE64(&r->first) || !d.GetLE64(&r->end)) return false;
      break;
    case RecordType::kSegmentInfo:
      if (!d.GetLE64(&r->object_size) || !d.GetLE64(&r->frame_bytes) ||
          !d.GetLE32(&r->frame_count)) {
        return false;
      }
      break;
    default:
      return false;
  }
  return d.done();
}

}  // namespace

JournalRecord JournalRecord::Put(std::string_view key, std::string_view value) {
  JournalRecord r;
  r.type = RecordType::kPut;
  r.key.assign(key);
  r.value.assign(value);
  return r;
}

JournalRecord JournalRecord::Delete(std::string_view key) {
  JournalRecord r;
  r.type = RecordType::kDelete;
  r.key.assign(key);
  return r;
}

JournalRecord JournalRecord::ExtentPut(uint64_t ino, uint64_t index, uint32_t frame_index,
                                       uint64_t offset, uint32_t sealed_length,
                                       uint32_t logical_length) {
  JournalRecord r;
  r.type = RecordType::kExtentPut;
  r.ino = ino;
  r.first = index;
  r.frame_index = frame_index;
  r.offset = offset;
  r.sealed_length = sealed_length;
  r.logical_length = logical_length;
  return r;
}

JournalRecord JournalRecord::ExtentDelete(uint64_t ino, uint64_t first, uint64_t end) {
  JournalRecord r;
  r.type = RecordType::kExtentDelete;
  r.ino = ino;
  r.first = first;
  r.end = end;
  return r;
}

JournalRecord JournalRecord::SegmentInfo(uint64_t object_size, uint64_t frame_bytes,
                                         uint32_t frame_count) {
  JournalRecord r;
  r.type = RecordType::kSegmentInfo;
  r.object_size = object_size;
  r.frame_bytes = frame_bytes;
  r.frame_count = frame_count;
  return r;
}

JournalWriter::JournalWriter() { PutLE16(&body_, kJournalVersion); }

void JournalWriter::Add(const JournalRecord& record) {
  std::string payload;
  EncodePayload(record, &payload);
  PutU8(&body_, static_cast<uint8_t>(record.type));
  PutBytes32(&body_, payload);
  count_++;
}

Result<std::vector<JournalRecord>> DecodeJournal(std::string_view body) {
  Decoder d(body);
  uint16_t version = 0;
  if (!d.GetLE16(&version)) return BadJournal("truncated header");
  if (version != kJournalVersion) {
    return BadJournal("unsupported version " + std::to_string(version));
  }
  std::vector<JournalRecord> records;
  while (!d.done()) {
    uint8_t type = 0;
    std::string_view payload;
    if (!d.GetU8(&type) || !d.GetBytes32(&payload)) {
      return BadJournal("truncated record " + std::to_string(records.size()));
    }
    if (type < static_cast<uint8_t>(RecordType::kPut) ||
        type > static_cast<uint8_t>(RecordType::kSegmentInfo)) {
      if (type & kSkippableRecordBit) continue;
      return BadJournal("unknown record type " + std::to_string(type));
    }
    JournalRecord r;
    if (!DecodePayload(static_cast<RecordType>(type), payload, &r)) {
      return BadJournal("malformed record " + std::to_string(records.size()) + " of type " +
                        std::to_string(type));
    }
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace zerofs::engine
