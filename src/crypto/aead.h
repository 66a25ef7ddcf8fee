// Authenticated encryption for everything ZeroFS writes to a bucket:
// XChaCha20-Poly1305 (IETF) with a random 24-byte nonce per message.
//
// Sealed layout (docs/FORMAT.md, "Sealed box"):
//   nonce[24] || ciphertext[n] || tag[16]      (n = plaintext length)
// The associated data is never stored: the reader rebuilds it from where the
// bytes were found (object key, frame index, inode, extent), so moving sealed
// bytes to another place makes them fail authentication.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zerofs::crypto {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 24;
constexpr size_t kTagBytes = 16;
constexpr size_t kSealOverhead = kNonceBytes + kTagBytes;

// A 256-bit symmetric key. Zeroed on destruction.
class SecretKey {
 public:
  SecretKey();
  explicit SecretKey(const std::array<uint8_t, kKeyBytes>& bytes);
  SecretKey(const SecretKey&);
  SecretKey& operator=(const SecretKey&);
  ~SecretKey();

  static SecretKey Random();
  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* mutable_data() { return bytes_.data(); }

 private:
  std::array<uint8_t, kKeyBytes> bytes_;
};

// Encrypts `plaintext` bound to `ad`; appends the sealed box to *out.
// REQUIRES: neither `plaintext` nor `ad` points into *out.
void Seal(const SecretKey& key, std::string_view plaintext, std::string_view ad, std::string* out);
// Writes the sealed box (exactly kSealOverhead + plaintext.size() bytes) to
// `out`, which must not overlap `plaintext` or `ad`. For callers that reserve
// the box's place first and seal later, without holding a lock.
void SealTo(const SecretKey& key, std::string_view plaintext, std::string_view ad, char* out);

// Authenticates and decrypts a sealed box. kCorruption if the bytes, the key
// or the associated data do not match.
Result<std::string> Open(const SecretKey& key, std::string_view sealed, std::string_view ad);
// Open into *plaintext (resized to fit). Callers that open many boxes reuse
// one buffer: no allocation and no zero-fill of a fresh one per box.
// REQUIRES: `sealed` and `ad` do not point into *plaintext.
Status OpenTo(const SecretKey& key, std::string_view sealed, std::string_view ad,
              std::string* plaintext);

}  // namespace zerofs::crypto
