#include "cache/disk_cache_file.h"

#include <cstdio>

#include "base/coding.h"
#include "base/crc32c.h"

namespace zerofs::cache {

namespace {

// Header layout (little-endian): magic[8] version:u32 key_length:u16
// reserved:u16 value_length:u64 crc:u32 reserved:u32. The CRC covers the
// header's first 24 bytes, the key and the value.
constexpr size_t kCrcOffset = 24;

uint32_t EntryCrc(std::string_view head24, std::string_view key, std::string_view value) {
  uint32_t crc = Crc32c(head24.data(), head24.size());
  crc = Crc32c(key.data(), key.size(), crc);
  return Crc32c(value.data(), value.size(), crc);
}

bool Plain(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
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
  PutLE32(&out, 0);
  out.append(key);
  out.append(value);
  return out;
}

Result<EntryHeader> DecodeEntryHeader(std::string_view header, uint64_t file_size) {
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
  if (h.key_length == 0 || h.key_length > kMaxKeyBytes || LoadLE16(p + 14) != 0 ||
      LoadLE32(p + 28) != 0) {
    return Error(Code::kCorruption, "cache entry: bad header");
  }
  if (file_size < kEntryHeaderSize + h.key_length ||
      h.value_length != file_size - kEntryHeaderSize - h.key_length) {
    return Error(Code::kCorruption, "cache entry: size does not match its header");
  }
  return h;
}

Result<std::string> DecodeEntry(std::string_view file, std::string_view key) {
  ZFS_ASSIGN_OR_RETURN(EntryHeader h, DecodeEntryHeader(file, file.size()));
  const std::string_view stored_key = file.substr(kEntryHeaderSize, h.key_length);
  if (stored_key != key) return Error(Code::kCorruption, "cache entry: holds another key");
  const std::string_view value = file.substr(kEntryHeaderSize + h.key_length);
  if (EntryCrc(file.substr(0, kCrcOffset), stored_key, value) != h.crc) {
    return Error(Code::kCorruption, "cache entry: checksum mismatch");
  }
  return std::string(value);
}

std::optional<std::string> EntryFileName(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyBytes) return std::nullopt;
  std::string name;
  for (char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    if (Plain(c)) {
      name.push_back(ch);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      name.append(buf, 3);
    }
  }
  return name;
}

std::optional<std::string> KeyFromFileName(std::string_view name) {
  std::string key;
  for (size_t i = 0; i < name.size(); i++) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (Plain(c)) {
      key.push_back(name[i]);
      continue;
    }
    if (c != '%' || i + 2 >= name.size()) return std::nullopt;
    const int hi = HexValue(name[i + 1]);
    const int lo = HexValue(name[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    const auto b = static_cast<unsigned char>(hi * 16 + lo);
    if (Plain(b)) return std::nullopt;  // not the canonical spelling
    key.push_back(static_cast<char>(b));
    i += 2;
  }
  if (key.empty() || key.size() > kMaxKeyBytes) return std::nullopt;
  return key;
}

std::string ShardOf(std::string_view key) {
  char buf[3];
  std::snprintf(buf, sizeof(buf), "%02x", Crc32c(key) & 0xff);
  return buf;
}

}  // namespace zerofs::cache
