#include "base/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace zerofs {
namespace {

constexpr uint32_t kPoly = 0x82F63B78u;  // reflected Castagnoli polynomial

constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[i] = c;
  }
  return t;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

// `c` is the running register (already inverted).
uint32_t UpdateTable(uint32_t c, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; i++) c = kTable[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__)
// The SSE4.2 crc32 instruction computes the same (reflected) CRC-32C, about
// 17x faster than the table (2.9 against 0.17 GB/s on the 2-core bench
// VM); the disk cache computes one over every entry it writes and reads.
__attribute__((target("sse4.2"))) uint32_t UpdateSse42(uint32_t c, const unsigned char* p,
                                                       size_t n) {
  uint64_t c64 = c;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c64 = _mm_crc32_u64(c64, word);
  }
  c = static_cast<uint32_t>(c64);
  for (; n > 0; p++, n--) c = _mm_crc32_u8(c, *p);
  return c;
}

bool HaveSse42() {
  static const bool have = [] {
    __builtin_cpu_init();  // may run before the CPU model's own constructor
    return __builtin_cpu_supports("sse4.2") != 0;
  }();
  return have;
}
#endif

}  // namespace

uint32_t Crc32c(const void* data, size_t n, uint32_t init) {
  const auto* p = static_cast<const unsigned char*>(data);
#if defined(__x86_64__)
  if (HaveSse42()) return ~UpdateSse42(~init, p, n);
#endif
  return ~UpdateTable(~init, p, n);
}

}  // namespace zerofs
