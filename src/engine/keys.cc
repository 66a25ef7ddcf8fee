#include "engine/keys.h"

#include "base/coding.h"

namespace zerofs::engine {

namespace {

constexpr uint8_t kValueVersion = 1;

Error BadValue(const char* what) {
  return Error(Code::kCorruption, std::string("malformed ") + what + " in the metadata index");
}

}  // namespace

std::string MetaKey(std::string_view caller_key) {
  std::string k;
  k.reserve(1 + caller_key.size());
  k.push_back(kMetaPrefix);
  k.append(caller_key);
  return k;
}

std::string ExtentKey(uint64_t ino, uint64_t index) {
  std::string k(1, kExtentPrefix);
  PutBE64(&k, ino);
  PutBE64(&k, index);
  return k;
}

std::string InodeBytesKey(uint64_t ino) {
  std::string k(1, kInodeBytesPrefix);
  PutBE64(&k, ino);
  return k;
}

std::string SegmentStatsKey(uint64_t segment_id) {
  std::string k(1, kSegmentStatsPrefix);
  PutBE64(&k, segment_id);
  return k;
}

std::string FrameCacheKey(uint64_t segment_id, uint64_t offset) {
  // 15 bytes: std::string keeps that inline (no allocation), and the key is
  // copied several times per frame read (claim, cache entry, ghost). A
  // segment offset never reaches 2^56 bytes, so 7 bytes of it suffice.
  char k[15];
  for (int i = 0; i < 8; i++) k[i] = static_cast<char>(segment_id >> (56 - 8 * i));
  for (int i = 0; i < 7; i++) k[8 + i] = static_cast<char>(offset >> (48 - 8 * i));
  return std::string(k, sizeof(k));
}

bool ParseExtentKey(std::string_view key, uint64_t* ino, uint64_t* index) {
  if (key.size() != 17 || key[0] != kExtentPrefix) return false;
  *ino = LoadBE64(key.data() + 1);
  *index = LoadBE64(key.data() + 9);
  return true;
}

std::string ExtentPointer::Encode() const {
  std::string v;
  PutU8(&v, kValueVersion);
  PutLE64(&v, segment_id);
  PutLE64(&v, offset);
  PutLE32(&v, sealed_length);
  PutLE32(&v, logical_length);
  PutLE32(&v, frame_index);
  return v;
}

Result<ExtentPointer> ExtentPointer::Decode(std::string_view value) {
  Decoder d(value);
  uint8_t version = 0;
  ExtentPointer p;
  if (!d.GetU8(&version) || version != kValueVersion || !d.GetLE64(&p.segment_id) ||
      !d.GetLE64(&p.offset) || !d.GetLE32(&p.sealed_length) || !d.GetLE32(&p.logical_length) ||
      !d.GetLE32(&p.frame_index) || !d.done()) {
    return BadValue("extent pointer");
  }
  return p;
}

std::string SegmentStats::Encode() const {
  std::string v;
  PutU8(&v, kValueVersion);
  PutLE64(&v, object_size);
  PutLE64(&v, frame_bytes);
  PutLE64(&v, live_bytes);
  PutLE32(&v, frames);
  PutLE32(&v, live_frames);
  return v;
}

Result<SegmentStats> SegmentStats::Decode(std::string_view value) {
  Decoder d(value);
  uint8_t version = 0;
  SegmentStats s;
  if (!d.GetU8(&version) || version != kValueVersion || !d.GetLE64(&s.object_size) ||
      !d.GetLE64(&s.frame_bytes) || !d.GetLE64(&s.live_bytes) || !d.GetLE32(&s.frames) ||
      !d.GetLE32(&s.live_frames) || !d.done()) {
    return BadValue("segment stats");
  }
  return s;
}

std::string GlobalStats::Encode() const {
  std::string v;
  PutLE64(&v, live_logical_bytes);
  PutLE64(&v, live_stored_bytes);
  return v;
}

Result<GlobalStats> GlobalStats::Decode(std::string_view value) {
  Decoder d(value);
  GlobalStats s;
  if (!d.GetLE64(&s.live_logical_bytes) || !d.GetLE64(&s.live_stored_bytes) || !d.done()) {
    return BadValue("global stats");
  }
  return s;
}

}  // namespace zerofs::engine
