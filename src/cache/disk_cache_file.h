// The bytes of one disk-cache entry file and its file name (docs/FORMAT.md,
// "Disk cache"). Pure functions: no I/O.
//
// An entry holds bytes that are already sealed (encrypted and authenticated)
// by whoever caches them; the CRC-32C here only tells a torn or bit-rotted
// file from a good one before the bytes are used, so that it is dropped and
// refetched instead of reported as corruption of the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zerofs::cache {

// Frozen: part of the disk cache format version 1.
inline constexpr std::string_view kEntryMagic = "ZFSCACHE";
inline constexpr uint32_t kEntryVersion = 1;
inline constexpr size_t kEntryHeaderSize = 32;
// Longest key an entry can carry (its escaped form is the file name).
inline constexpr size_t kMaxKeyBytes = 80;

struct EntryHeader {
  uint16_t key_length = 0;
  uint64_t value_length = 0;
  uint32_t crc = 0;
};

// Header, key and value, ready to be written as one file.
std::string EncodeEntry(std::string_view key, std::string_view value);

// Checks the fixed header against the file's size. kCorruption if the magic,
// version or lengths are wrong.
Result<EntryHeader> DecodeEntryHeader(std::string_view header, uint64_t file_size);

// The value of a whole entry file, checked against `key` and its CRC.
Result<std::string> DecodeEntry(std::string_view file, std::string_view key);

// A file name for `key`: bytes outside [A-Za-z0-9_-] become %XX, so a name
// never contains '.', '/' or NUL and never collides with a temporary file.
// nullopt if the key is empty or longer than kMaxKeyBytes.
std::optional<std::string> EntryFileName(std::string_view key);
// The key a file name stands for; nullopt if it is not one EntryFileName makes.
std::optional<std::string> KeyFromFileName(std::string_view name);
// The shard directory ("00".."ff") an entry lives in.
std::string ShardOf(std::string_view key);

}  // namespace zerofs::cache
