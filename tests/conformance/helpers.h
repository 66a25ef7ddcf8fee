// Small shared helpers for case bodies.
#pragma once

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "ops.h"

namespace zerofs::conformance {

// Mode bits that compare with plain numbers but print in octal in failures.
struct ModeBits {
  uint32_t bits;
  friend bool operator==(ModeBits m, uint32_t v) { return m.bits == v; }
  friend std::ostream& operator<<(std::ostream& os, ModeBits m) {
    return os << '0' << std::oct << m.bits << std::dec;
  }
};

// Permission and special bits of a mode, without the file type.
inline ModeBits Perm(const Stat& s) { return {s.mode & 07777}; }
inline uint32_t Type(const Stat& s) { return s.mode & S_IFMT; }

// A time well in the past, for "did this operation touch the timestamp" checks:
// set it with utimens first, then look for a change.
inline constexpr TimeSpec kOld{1000000000, 0};

// A name of exactly n bytes (NAME_MAX is 255).
inline std::string NameOf(size_t n, char c = 'n') { return std::string(n, c); }

inline bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

inline std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace zerofs::conformance
