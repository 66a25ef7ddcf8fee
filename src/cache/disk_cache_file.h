// The bytes of one disk-cache record and the names of log files
// (docs/FORMAT.md, "Disk cache"). Pure functions: no I/O.
//
// A record holds bytes that are already sealed (encrypted and authenticated)
// by whoever caches them; the CRC-32C here only tells a torn or bit-rotted
// record from a good one before the bytes are used, so that it is dropped
// and refetched instead of reported as corruption of the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace zerofs::cache {

// Frozen: part of the disk cache format version 2 (version 1 stored the
// same bytes, with version 1, one entry per file).
inline constexpr std::string_view kEntryMagic = "ZFSCACHE";
inline constexpr uint32_t kEntryVersion = 2;
inline constexpr size_t kEntryHeaderSize = 32;
// Longest key an entry can carry.
inline constexpr size_t kMaxKeyBytes = 80;

struct EntryHeader {
  uint16_t key_length = 0;
  uint64_t value_length = 0;
  uint32_t crc = 0;
};

// Header, key and value: one record, ready to be appended to a log.
std::string EncodeEntry(std::string_view key, std::string_view value);

// Checks the header at the start of `header` (which must hold the fixed 32
// bytes and the key), its checksum, and that the whole record fits in
// `available` bytes. kCorruption if anything is wrong.
Result<EntryHeader> DecodeEntryHeader(std::string_view header, uint64_t available);

// Size of the whole record a valid header describes.
inline uint64_t RecordSize(const EntryHeader& h) {
  return kEntryHeaderSize + h.key_length + h.value_length;
}

// The value of exactly one record, checked against `key` and its CRC.
Result<std::string> DecodeEntry(std::string_view record, std::string_view key);

// The name of log file `seq` ("<16 hex digits>.log"), and the sequence
// number a name stands for (nullopt if it is not one LogFileName makes).
std::string LogFileName(uint64_t seq);
std::optional<uint64_t> SeqOfLogFileName(std::string_view name);
// The same for the index of log `seq` ("<16 hex digits>.idx").
std::string LogIndexFileName(uint64_t seq);
std::optional<uint64_t> SeqOfLogIndexFileName(std::string_view name);

// Where one record of a log is.
struct LogRecord {
  std::string key;
  uint64_t offset = 0;
  uint64_t size = 0;
  bool operator==(const LogRecord&) const = default;
};

// The index of a log that is no longer appended to: its records, so that
// opening the cache reads this small file instead of every record's header.
// `log_size` is the size of the log it covers.
std::string EncodeLogIndex(uint64_t log_size, const std::vector<LogRecord>& records);
// kCorruption if the index is damaged or a record lies outside `log_size`
// or overlaps the one before.
Result<std::vector<LogRecord>> DecodeLogIndex(std::string_view bytes, uint64_t* log_size);

}  // namespace zerofs::cache
