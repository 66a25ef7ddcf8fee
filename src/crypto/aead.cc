#include "crypto/aead.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace zerofs::crypto {

static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);

namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

SecretKey::SecretKey() { bytes_.fill(0); }

SecretKey::SecretKey(const std::array<uint8_t, kKeyBytes>& bytes) : bytes_(bytes) {}

SecretKey::SecretKey(const SecretKey& other) : bytes_(other.bytes_) {}

SecretKey& SecretKey::operator=(const SecretKey& other) {
  bytes_ = other.bytes_;
  return *this;
}

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

SecretKey SecretKey::Random() {
  EnsureSodiumInitialized();
  SecretKey key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  return key;
}

void Seal(const SecretKey& key, std::string_view plaintext, std::string_view ad, std::string* out) {
  const size_t start = out->size();
  out->resize(start + kSealOverhead + plaintext.size());
  SealTo(key, plaintext, ad, out->data() + start);
}

void SealTo(const SecretKey& key, std::string_view plaintext, std::string_view ad, char* out) {
  EnsureSodiumInitialized();
  auto* nonce = reinterpret_cast<unsigned char*>(out);
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long sealed_len = 0;
  // Cannot fail for inputs that fit in memory (the only limit is ~256 GiB).
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &sealed_len, Bytes(plaintext),
                                             plaintext.size(), Bytes(ad), ad.size(),
                                             /*nsec=*/nullptr, nonce, key.data());
}

Result<std::string> Open(const SecretKey& key, std::string_view sealed, std::string_view ad) {
  std::string plaintext;
  ZFS_RETURN_IF_ERROR(OpenTo(key, sealed, ad, &plaintext));
  return plaintext;
}

Status OpenTo(const SecretKey& key, std::string_view sealed, std::string_view ad,
              std::string* plaintext) {
  EnsureSodiumInitialized();
  if (sealed.size() < kSealOverhead) {
    return Error(Code::kCorruption, "authentication failed: sealed box of " +
                                        std::to_string(sealed.size()) + " bytes is too short");
  }
  plaintext->resize(sealed.size() - kSealOverhead);
  const unsigned char* nonce = Bytes(sealed);
  unsigned long long plaintext_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext->data()), &plaintext_len, /*nsec=*/nullptr,
          nonce + kNonceBytes, sealed.size() - kNonceBytes, Bytes(ad), ad.size(), nonce,
          key.data()) != 0) {
    plaintext->clear();
    return Error(Code::kCorruption, "authentication failed");
  }
  return OkStatus();
}

}  // namespace zerofs::crypto
