// ExtentRecycler: the strings of decoded extents, reused once nobody holds
// them any more.
//
// Why: a decoded extent is a 32 KiB std::string, and a new one is
// zero-filled before the decoder overwrites it (C++20 has no
// resize_and_overwrite): that fill was ~8% of a cold sequential read's CPU
// with lz4. During a scan extents leave the memory cache as fast as new
// ones are decoded, so their strings come back here and the next decode
// overwrites one in place (crypto::DecodeTo).
//
// Process-wide and thread-safe; holds at most kMaxPooled idle strings
// (2 MiB). An extent made by Share returns to the pool when its last holder
// lets it go, which may be after its engine has closed: the pool lives
// until the process exits.
#pragma once

#include <memory>
#include <string>

namespace zerofs::engine {

class ExtentRecycler {
 public:
  static constexpr size_t kMaxPooled = 64;

  // A string to decode into: an old extent's (its bytes are garbage), or a
  // new empty one.
  static std::unique_ptr<std::string> Take();

  // `s` as a shared extent whose string comes back to the pool when the
  // last reference goes.
  static std::shared_ptr<const std::string> Share(std::unique_ptr<std::string> s);

  // Idle strings now (tests).
  static size_t Pooled();
};

}  // namespace zerofs::engine
