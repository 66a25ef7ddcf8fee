// Byte layout of a segment object (docs/FORMAT.md, "Segment"):
//
//   segment   := frame* journal directory footer
//   frame     := sealed box (data key) of encoded extent bytes
//   journal   := sealed box (meta key) of encoded journal body
//   directory := sealed box (meta key) of encoded directory body
//   footer    := 64 bytes, plaintext, CRC-32C protected
//
// This file holds the constants, the footer and directory codecs and the
// associated-data builders. SegmentBuilder (segment_builder.h) assembles
// segments; recovery parses them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace zerofs::engine {

constexpr size_t kFooterSize = 64;
constexpr std::string_view kFooterMagic{"ZFSSEG\x00\x01", 8};
constexpr uint16_t kSegmentVersion = 1;
constexpr std::string_view kSegmentsPrefix = "segments/";

// "segments/<id:016x>".
std::string SegmentObjectKey(uint64_t id);
// Inverse of SegmentObjectKey; false for any other key.
bool ParseSegmentObjectKey(std::string_view key, uint64_t* id);
// `prefix` followed by 16 lowercase hex digits (segment and snapshot keys).
bool ParseHexKey(std::string_view key, std::string_view prefix, uint64_t* id);

struct SegmentFooter {
  uint32_t frame_count = 0;
  uint64_t segment_id = 0;
  uint64_t epoch = 0;
  uint64_t journal_offset = 0;
  uint32_t journal_length = 0;
  uint64_t directory_offset = 0;
  uint32_t directory_length = 0;

  // Exactly kFooterSize bytes.
  std::string Encode() const;
  // Validates magic, version, CRC, the id (must equal `expected_id`) and that
  // the journal and directory lie inside [0, object_size - kFooterSize).
  // kCorruption otherwise.
  static Result<SegmentFooter> Decode(std::string_view bytes, uint64_t expected_id,
                                      uint64_t object_size);
};

struct DirectoryEntry {
  uint64_t offset = 0;
  uint32_t sealed_length = 0;
  uint64_t ino = 0;
  uint64_t index = 0;
  uint32_t logical_length = 0;
  bool operator==(const DirectoryEntry&) const = default;
};

std::string EncodeDirectory(const std::vector<DirectoryEntry>& entries);
Result<std::vector<DirectoryEntry>> DecodeDirectory(std::string_view body);

// Associated data of the boxes in a segment.
std::string FrameAd(uint64_t segment_id, uint32_t frame_index, uint64_t ino, uint64_t index);
std::string JournalAd(uint64_t segment_id);
std::string DirectoryAd(uint64_t segment_id);

}  // namespace zerofs::engine
