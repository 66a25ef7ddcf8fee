#include "cache/disk_cache_file.h"

#include <cstdio>

#include "base/coding.h"
#include "base/crc32c.h"

namespace zerofs::cache {

namespace {

// Header layout (little-endian): magic[8] version:u32 key_length:u16
// reserved:u16 value_length:u64 crc:u32 header_crc:u32. The CRC covers the
// header's first 24 bytes, the key and the value; the header CRC covers
// the header's first 28 bytes and the key, so that a log can be walked
// record by record at open without reading the values.
constexpr size_t kCrcOffset = 24;
constexpr size_t kHeaderCrcOffset = 28;

uint32_t HeaderCrc(std::string_view head28, std::string_view key) {
  return Crc32c(key.data(), key.size(), Crc32c(head28.data(), head28.size()));
}

uint32_t EntryCrc(std::string_view head24, std::string_view key, std::string_view value) {
  uint32_t crc = Crc32c(head24.data(), head24.size());
  crc = Crc32c(key.data(), key.size(), crc);
  return Crc32c(value.data(), value.size(), crc);
}

}  // namespace

std::string EncodeEntry(std::string_view key, std::string_view value) {
  std::string out;
  out.reserve(kEntryHeaderSize + key.size() + value.size());
  out.append(kEntryMagic);
  PutLE32(&out, kEntryVersion);
  PutLE16(&out, static_cast<uint16_t>(key.size()));
  PutLE16(&out, 0);
  PutLE64(&out, value.size());
  PutLE32(&out, EntryCrc(out, key, value));
  PutLE32(&out, HeaderCrc(out, key));
  out.append(key);
  out.append(value);
  return out;
}

Result<EntryHeader> DecodeEntryHeader(std::string_view header, uint64_t available) {
  if (header.size() < kEntryHeaderSize) {
    return Error(Code::kCorruption, "cache entry shorter than its header");
  }
  if (header.substr(0, kEntryMagic.size()) != kEntryMagic) {
    return Error(Code::kCorruption, "cache entry: bad magic");
  }
  const char* p = header.data();
  if (LoadLE32(p + 8) != kEntryVersion) {
    return Error(Code::kCorruption,
                 "cache entry: unknown version " + std::to_string(LoadLE32(p + 8)));
  }
  EntryHeader h;
  h.key_length = LoadLE16(p + 12);
  h.value_length = LoadLE64(p + 16);
  h.crc = LoadLE32(p + kCrcOffset);
  if (h.key_length == 0 || h.key_length > kMaxKeyBytes || LoadLE16(p + 14) != 0) {
    return Error(Code::kCorruption, "cache entry: bad header");
  }
  if (header.size() < kEntryHeaderSize + h.key_length ||
      HeaderCrc(header.substr(0, kHeaderCrcOffset),
                header.substr(kEntryHeaderSize, h.key_length)) != LoadLE32(p + kHeaderCrcOffset)) {
    return Error(Code::kCorruption, "cache entry: header checksum mismatch");
  }
  if (available < kEntryHeaderSize + h.key_length ||
      h.value_length > available - kEntryHeaderSize - h.key_length) {
    return Error(Code::kCorruption, "cache entry: runs past the end of its log");
  }
  return h;
}

Result<std::string> DecodeEntry(std::string_view record, std::string_view key) {
  ZFS_ASSIGN_OR_RETURN(EntryHeader h, DecodeEntryHeader(record, record.size()));
  if (RecordSize(h) != record.size()) {
    return Error(Code::kCorruption, "cache entry: size does not match its header");
  }
  const std::string_view stored_key = record.substr(kEntryHeaderSize, h.key_length);
  if (stored_key != key) return Error(Code::kCorruption, "cache entry: holds another key");
  const std::string_view value = record.substr(kEntryHeaderSize + h.key_length);
  if (EntryCrc(record.substr(0, kCrcOffset), stored_key, value) != h.crc) {
    return Error(Code::kCorruption, "cache entry: checksum mismatch");
  }
  return std::string(value);
}

std::string LogFileName(uint64_t seq) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%016llx.log", static_cast<unsigned long long>(seq));
  return buf;
}

std::optional<uint64_t> SeqOfLogFileName(std::string_view name) {
  constexpr size_t kDigits = 16;
  if (name.size() != kDigits + 4 || name.substr(kDigits) != ".log") return std::nullopt;
  uint64_t seq = 0;
  for (size_t i = 0; i < kDigits; i++) {
    const char c = name[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      return std::nullopt;  // only the spelling LogFileName makes
    }
    seq = seq << 4 | static_cast<uint64_t>(v);
  }
  if (seq == 0) return std::nullopt;
  return seq;
}

}  // namespace zerofs::cache
