#include "engine/segment_format.h"

#include <cstdio>

#include "base/coding.h"
#include "base/crc32c.h"

namespace zerofs::engine {

namespace {

Error Bad(uint64_t id, const std::string& what) {
  return Error(Code::kCorruption, SegmentObjectKey(id) + ": " + what);
}

}  // namespace

std::string SegmentObjectKey(uint64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(id));
  return std::string(kSegmentsPrefix) + buf;
}

bool ParseHexKey(std::string_view key, std::string_view prefix, uint64_t* id) {
  if (key.size() != prefix.size() + 16 || key.substr(0, prefix.size()) != prefix) return false;
  uint64_t v = 0;
  for (char c : key.substr(prefix.size())) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return false;
    }
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  *id = v;
  return true;
}

bool ParseSegmentObjectKey(std::string_view key, uint64_t* id) {
  return ParseHexKey(key, kSegmentsPrefix, id);
}

std::string SegmentFooter::Encode() const {
  std::string f;
  f.reserve(kFooterSize);
  f.append(kFooterMagic);
  PutLE16(&f, kSegmentVersion);
  PutLE16(&f, 0);  // flags
  PutLE32(&f, frame_count);
  PutLE64(&f, segment_id);
  PutLE64(&f, epoch);
  PutLE64(&f, journal_offset);
  PutLE32(&f, journal_length);
  PutLE64(&f, directory_offset);
  PutLE32(&f, directory_length);
  PutLE32(&f, 0);  // reserved
  PutLE32(&f, Crc32c(f.data(), f.size()));
  return f;
}

Result<SegmentFooter> SegmentFooter::Decode(std::string_view bytes, uint64_t expected_id,
                                            uint64_t object_size) {
  if (bytes.size() != kFooterSize) {
    return Bad(expected_id, "footer is " + std::to_string(bytes.size()) + " bytes, want 64");
  }
  if (bytes.substr(0, 8) != kFooterMagic) return Bad(expected_id, "bad footer magic");
  if (LoadLE32(bytes.data() + 60) != Crc32c(bytes.data(), 60)) {
    return Bad(expected_id, "footer checksum mismatch");
  }
  Decoder d(bytes.substr(8));
  uint16_t version = 0, flags = 0;
  SegmentFooter f;
  d.GetLE16(&version);
  d.GetLE16(&flags);
  d.GetLE32(&f.frame_count);
  d.GetLE64(&f.segment_id);
  d.GetLE64(&f.epoch);
  d.GetLE64(&f.journal_offset);
  d.GetLE32(&f.journal_length);
  d.GetLE64(&f.directory_offset);
  d.GetLE32(&f.directory_length);
  if (!d.ok()) return Bad(expected_id, "truncated footer");
  if (version != kSegmentVersion) {
    return Bad(expected_id, "unsupported segment version " + std::to_string(version));
  }
  if (f.segment_id != expected_id) {
    return Bad(expected_id, "footer names segment " + std::to_string(f.segment_id));
  }
  if (object_size < kFooterSize) return Bad(expected_id, "object shorter than its footer");
  const uint64_t body_end = object_size - kFooterSize;
  auto inside = [body_end](uint64_t off, uint64_t len) {
    return off <= body_end && len <= body_end - off;
  };
  if (!inside(f.journal_offset, f.journal_length) ||
      !inside(f.directory_offset, f.directory_length)) {
    return Bad(expected_id, "footer offsets outside the object");
  }
  return f;
}

std::string EncodeDirectory(const std::vector<DirectoryEntry>& entries) {
  std::string b;
  b.reserve(4 + entries.size() * 32);
  PutLE32(&b, static_cast<uint32_t>(entries.size()));
  for (const DirectoryEntry& e : entries) {
    PutLE64(&b, e.offset);
    PutLE32(&b, e.sealed_length);
    PutLE64(&b, e.ino);
    PutLE64(&b, e.index);
    PutLE32(&b, e.logical_length);
  }
  return b;
}

Result<std::vector<DirectoryEntry>> DecodeDirectory(std::string_view body) {
  Decoder d(body);
  uint32_t count = 0;
  if (!d.GetLE32(&count)) return Error(Code::kCorruption, "directory: truncated");
  constexpr size_t kEntrySize = 32;
  if (count > d.remaining() / kEntrySize) {
    return Error(Code::kCorruption, "directory: count exceeds its length");
  }
  std::vector<DirectoryEntry> entries(count);
  for (DirectoryEntry& e : entries) {
    d.GetLE64(&e.offset);
    d.GetLE32(&e.sealed_length);
    d.GetLE64(&e.ino);
    d.GetLE64(&e.index);
    d.GetLE32(&e.logical_length);
  }
  if (!d.done()) return Error(Code::kCorruption, "directory: trailing or missing bytes");
  return entries;
}

std::string FrameAd(uint64_t segment_id, uint32_t frame_index, uint64_t ino, uint64_t index) {
  std::string ad = "ZFSF";
  PutLE64(&ad, segment_id);
  PutLE32(&ad, frame_index);
  PutLE64(&ad, ino);
  PutLE64(&ad, index);
  return ad;
}

std::string JournalAd(uint64_t segment_id) {
  std::string ad = "ZFSJ";
  PutLE64(&ad, segment_id);
  return ad;
}

std::string DirectoryAd(uint64_t segment_id) {
  std::string ad = "ZFSD";
  PutLE64(&ad, segment_id);
  return ad;
}

}  // namespace zerofs::engine
