// Compression codecs for frames and metadata blobs.
//
// Encoded layout: codec[1] || body. The codec byte travels inside the sealed
// payload, so the configured codec can change at any time: readers decode
// whatever each frame says. Values are frozen (docs/FORMAT.md, "Codec byte").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"

namespace zerofs::crypto {

enum class Codec : uint8_t {
  kRaw = 0,  // stored as is (used whenever compression does not shrink)
  kZstd = 1,
  kLz4 = 2,
};

// zstd levels accepted by Encode and ParseCompression.
constexpr int kDefaultZstdLevel = 3;
constexpr int kMinZstdLevel = 1;
constexpr int kMaxZstdLevel = 19;

// Parses "zstd", "lz4", "none"/"raw" (config value `[storage] compression`).
Result<Codec> ParseCodec(std::string_view name);
// Like ParseCodec, and also accepts "zstd-N" (N in 1..19). Returns the codec
// and its level: N for "zstd-N", kDefaultZstdLevel for "zstd", 0 otherwise.
Result<std::pair<Codec, int>> ParseCompression(std::string_view name);
// "raw", "zstd", "lz4", or "unknown" for a value outside the enum.
const char* CodecName(Codec c);

// Compresses `in` with `codec` (falls back to kRaw if the output would not be
// smaller) and appends codec byte + body to *out. `level` is used by zstd only
// and is clamped to [kMinZstdLevel, kMaxZstdLevel]; lz4 ignores it.
// Body layouts: raw = the bytes; zstd = one zstd frame with its content size
// recorded; lz4 = LE32 decoded length || LZ4 block.
// REQUIRES: `in` does not point into *out.
void Encode(Codec codec, int level, std::string_view in, std::string* out);

// Decodes codec byte + body. Fails with kCorruption on an unknown codec, a
// malformed body, or a decoded size above `max_size`.
Result<std::string> Decode(std::string_view in, size_t max_size);

// Like Decode, into *out (replacing its contents). A string that is already
// at least as long as the result is overwritten in place, not zero-filled
// first: callers that recycle extent-sized strings save the fill (~8% of a
// cold read's CPU with lz4). On failure *out holds unspecified bytes.
// REQUIRES: `in` does not point into *out.
Status DecodeTo(std::string_view in, size_t max_size, std::string* out);

}  // namespace zerofs::crypto
