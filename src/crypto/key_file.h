// The key file: the bucket's random 256-bit data key, wrapped by a key that
// Argon2id derives from the user's password. Stored as object "zerofs.key"
// (docs/FORMAT.md, "Key file"). Changing the password rewraps the same data
// key, so no data is rewritten.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/aead.h"

namespace zerofs::crypto {

struct KdfParams {
  uint64_t opslimit;
  uint64_t memlimit;  // bytes
  // libsodium's "moderate" profile: ~0.5 s and 256 MiB on one core.
  static KdfParams Default();
  // Cheaper profile for tests (env ZEROFS_TEST_FAST_KDF=1 selects it).
  static KdfParams Interactive();
};

// Creates a new data key and the key file bytes wrapping it under `password`.
struct NewKeyFile {
  std::string file_bytes;
  SecretKey data_key;
};
Result<NewKeyFile> CreateKeyFile(std::string_view password, const KdfParams& params);

// Unwraps the data key. A wrong password gives kPermissionDenied with the
// message "wrong encryption password"; damaged bytes give kCorruption.
Result<SecretKey> OpenKeyFile(std::string_view file_bytes, std::string_view password);

// Returns new key file bytes holding the same data key under `new_password`.
Result<std::string> RewrapKeyFile(std::string_view file_bytes, std::string_view old_password,
                                  std::string_view new_password, const KdfParams& params);

// Subkeys derived from the data key (BLAKE2b KDF, libsodium crypto_kdf).
struct Subkeys {
  SecretKey data;  // extent frames
  SecretKey meta;  // journals, segment directories, snapshots, manifest
};
Subkeys DeriveSubkeys(const SecretKey& data_key);

}  // namespace zerofs::crypto
