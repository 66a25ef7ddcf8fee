// The key file: the bucket's random 256-bit data key, wrapped by a key that
// Argon2id derives from the user's password. Stored as object "zerofs.key"
// (byte layout: docs/format/key_file.md). Changing the password rewraps the
// same data key, so no data is rewritten.
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

// Interactive() when the environment has ZEROFS_TEST_FAST_KDF=1, else Default().
KdfParams KdfParamsFromEnv();

// Creates a new data key and the key file bytes wrapping it under `password`.
// kInvalidArgument for an empty password or parameters outside the accepted
// range (opslimit 1..100, memlimit 8 KiB..4 GiB); kIoError if Argon2id cannot
// allocate `params.memlimit` bytes.
struct NewKeyFile {
  std::string file_bytes;
  SecretKey data_key;
};
Result<NewKeyFile> CreateKeyFile(std::string_view password, const KdfParams& params);

// Unwraps the data key. A wrong password gives kPermissionDenied with the
// message "wrong encryption password"; damaged bytes give kCorruption (the
// file carries a checksum, so damage is not mistaken for a wrong password).
Result<SecretKey> OpenKeyFile(std::string_view file_bytes, std::string_view password);

// Returns new key file bytes holding the same data key under `new_password`,
// with a fresh salt and `params`. Errors as for OpenKeyFile and CreateKeyFile.
Result<std::string> RewrapKeyFile(std::string_view file_bytes, std::string_view old_password,
                                  std::string_view new_password, const KdfParams& params);

// Subkeys derived from the data key (BLAKE2b KDF, libsodium crypto_kdf).
struct Subkeys {
  SecretKey data;  // extent frames
  SecretKey meta;  // journals, segment directories, snapshots, manifest
};
Subkeys DeriveSubkeys(const SecretKey& data_key);

}  // namespace zerofs::crypto
