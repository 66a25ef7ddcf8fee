// CRC-32C (Castagnoli), used for plaintext footers and local cache files where
// an AEAD tag is not available. Not a security measure: authenticity comes from
// the AEAD frames (crypto/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace zerofs {

uint32_t Crc32c(const void* data, size_t n, uint32_t init = 0);
inline uint32_t Crc32c(std::string_view s) { return Crc32c(s.data(), s.size()); }

}  // namespace zerofs
