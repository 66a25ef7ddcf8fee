#include "cache/disk_cache_file.h"

#include <cstdio>
#include <string>

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

namespace {

std::string SeqName(uint64_t seq, const char* suffix) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%016llx%s", static_cast<unsigned long long>(seq), suffix);
  return buf;
}

std::optional<uint64_t> SeqOfName(std::string_view name, std::string_view suffix) {
  constexpr size_t kDigits = 16;
  if (name.size() != kDigits + suffix.size() || name.substr(kDigits) != suffix) {
    return std::nullopt;
  }
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

constexpr std::string_view kIndexMagic = "ZFSCIDX1";

}  // namespace

std::string LogFileName(uint64_t seq) { return SeqName(seq, ".log"); }
std::optional<uint64_t> SeqOfLogFileName(std::string_view name) { return SeqOfName(name, ".log"); }
std::string LogIndexFileName(uint64_t seq) { return SeqName(seq, ".idx"); }
std::optional<uint64_t> SeqOfLogIndexFileName(std::string_view name) {
  return SeqOfName(name, ".idx");
}

std::string EncodeLogIndex(uint64_t log_size, const std::vector<LogRecord>& records) {
  std::string out(kIndexMagic);
  PutLE64(&out, log_size);
  PutLE32(&out, static_cast<uint32_t>(records.size()));
  for (const LogRecord& r : records) {
    PutLE64(&out, r.offset);
    PutLE32(&out, static_cast<uint32_t>(r.size));
    PutLE16(&out, static_cast<uint16_t>(r.key.size()));
    out.append(r.key);
  }
  PutLE32(&out, Crc32c(out));
  return out;
}

Result<std::vector<LogRecord>> DecodeLogIndex(std::string_view bytes, uint64_t* log_size) {
  auto bad = [](const char* what) {
    return Error(Code::kCorruption, std::string("cache log index: ") + what);
  };
  if (bytes.size() < kIndexMagic.size() + 8 + 4 + 4 ||
      bytes.substr(0, kIndexMagic.size()) != kIndexMagic) {
    return bad("bad magic");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - 4);
  if (Crc32c(body) != LoadLE32(bytes.data() + body.size())) return bad("checksum mismatch");
  Decoder d(body.substr(kIndexMagic.size()));
  uint32_t count = 0;
  if (!d.GetLE64(log_size) || !d.GetLE32(&count)) return bad("truncated");
  std::vector<LogRecord> records;
  uint64_t end = 0;
  for (uint32_t i = 0; i < count; i++) {
    LogRecord r;
    uint32_t size = 0;
    uint16_t key_length = 0;
    std::string_view key;
    if (!d.GetLE64(&r.offset) || !d.GetLE32(&size) || !d.GetLE16(&key_length) ||
        !d.GetRaw(key_length, &key)) {
      return bad("truncated");
    }
    r.size = size;
    r.key = key;
    if (key.empty() || key.size() > kMaxKeyBytes || r.size < kEntryHeaderSize + key.size() ||
        r.offset < end || r.offset > *log_size || r.size > *log_size - r.offset) {
      return bad("record out of place");
    }
    end = r.offset + r.size;
    records.push_back(std::move(r));
  }
  if (!d.done()) return bad("trailing bytes");
  return records;
}

}  // namespace zerofs::cache
