// Keys and values of the local metadata index (RocksDB). Byte layouts are in
// docs/FORMAT.md, "Local metadata index"; any change here updates it.
//
// The first byte of every key is its kind:
//   'M' caller metadata, 'E' extent pointer, 'S' segment stats,
//   'B' stored bytes per inode, 'Z' engine state.
// Integers inside keys are big-endian so that bytewise order is numeric order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zerofs::engine {

constexpr char kMetaPrefix = 'M';
constexpr char kExtentPrefix = 'E';
constexpr char kSegmentStatsPrefix = 'S';
constexpr char kStatePrefix = 'Z';
constexpr char kInodeBytesPrefix = 'B';

// 'Z' keys.
constexpr std::string_view kAppliedKey = "Zapplied";  // LE64 last segment applied
constexpr std::string_view kStatsKey = "Zstats";      // GlobalStats
// Present once the 'B' counters cover every extent (indexes made before
// they existed are recounted at open: engine/inode_bytes.h).
constexpr std::string_view kInodeBytesKey = "Zinodebytes";

std::string MetaKey(std::string_view caller_key);
std::string ExtentKey(uint64_t ino, uint64_t index);
std::string SegmentStatsKey(uint64_t segment_id);
// 'B' + BE64 inode -> LE64 logical bytes of the inode's stored extents
// (absent = 0).
std::string InodeBytesKey(uint64_t ino);

// Splits an 'E' key. False if `key` is not a well-formed extent key.
bool ParseExtentKey(std::string_view key, uint64_t* ino, uint64_t* index);

// The memory cache's key for the decoded frame at `offset` of a segment
// (memory only, never stored). REQUIRES: offset < 2^56.
std::string FrameCacheKey(uint64_t segment_id, uint64_t offset);

// Where an extent's sealed frame lives.
struct ExtentPointer {
  uint64_t segment_id = 0;
  uint64_t offset = 0;  // of the sealed frame within the segment object
  uint32_t sealed_length = 0;
  uint32_t logical_length = 0;
  uint32_t frame_index = 0;

  std::string Encode() const;
  // kCorruption on a malformed or unknown-version value.
  static Result<ExtentPointer> Decode(std::string_view value);
};

// Per-segment liveness, maintained by the Applier.
struct SegmentStats {
  uint64_t object_size = 0;  // from SEGMENT_INFO
  uint64_t frame_bytes = 0;  // from SEGMENT_INFO
  uint64_t live_bytes = 0;   // sealed bytes of frames still referenced
  uint32_t frames = 0;       // from SEGMENT_INFO
  uint32_t live_frames = 0;

  std::string Encode() const;
  static Result<SegmentStats> Decode(std::string_view value);
  bool operator==(const SegmentStats&) const = default;
};

// Engine-wide counters ("Zstats").
struct GlobalStats {
  uint64_t live_logical_bytes = 0;
  uint64_t live_stored_bytes = 0;

  std::string Encode() const;
  static Result<GlobalStats> Decode(std::string_view value);
  bool operator==(const GlobalStats&) const = default;
};

}  // namespace zerofs::engine
