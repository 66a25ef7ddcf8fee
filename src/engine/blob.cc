#include "engine/blob.h"

namespace zerofs::engine {

void SealBlob(const crypto::SecretKey& key, crypto::Codec codec, int level, std::string_view body,
              std::string_view ad, std::string* out) {
  std::string encoded;
  crypto::Encode(codec, level, body, &encoded);
  crypto::Seal(key, encoded, ad, out);
}

Result<std::string> OpenBlob(const crypto::SecretKey& key, std::string_view sealed,
                             std::string_view ad, const std::string& what, size_t max_size) {
  auto plain = crypto::Open(key, sealed, ad);
  if (!plain.ok()) {
    return Error(Code::kCorruption, what + ": " + plain.error().context());
  }
  auto decoded = crypto::Decode(*plain, max_size);
  if (!decoded.ok()) {
    return Error(Code::kCorruption, what + ": " + decoded.error().context());
  }
  return std::move(decoded).value();
}

}  // namespace zerofs::engine
