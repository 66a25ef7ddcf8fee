// Sealed, encoded blobs: the wrapping of every metadata object the engine
// writes (journals, directories, manifests, snapshot descriptors):
//   sealed box (meta key, AD) of  codec[1] || body
// See docs/FORMAT.md, "Sealed box" and "Encoded blob".
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/aead.h"
#include "crypto/codec.h"

namespace zerofs::engine {

// Largest decoded metadata blob accepted (a journal of a full segment or a
// snapshot descriptor with inline MANIFEST stays far below this).
constexpr size_t kMaxBlobBytes = 1ull << 30;

// Encodes `body` with `codec`, seals it bound to `ad`, appends to *out.
void SealBlob(const crypto::SecretKey& key, crypto::Codec codec, int level, std::string_view body,
              std::string_view ad, std::string* out);

// Opens and decodes a blob; kCorruption naming `what` on any failure.
Result<std::string> OpenBlob(const crypto::SecretKey& key, std::string_view sealed,
                             std::string_view ad, const std::string& what,
                             size_t max_size = kMaxBlobBytes);

}  // namespace zerofs::engine
