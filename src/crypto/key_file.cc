#include "crypto/key_file.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "crypto/key_file_format.h"
#include "crypto/sodium_init.h"

namespace zerofs::crypto {

static_assert(kKeyFileSaltBytes == crypto_pwhash_argon2id_SALTBYTES);
static_assert(kMinOpslimit == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(kMinMemlimit == crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(crypto_kdf_KEYBYTES == kKeyBytes);

namespace {

constexpr char kSubkeyContext[crypto_kdf_CONTEXTBYTES + 1] = "zerofsv1";
constexpr uint64_t kDataSubkeyId = 1;
constexpr uint64_t kMetaSubkeyId = 2;

constexpr char kWrongPassword[] = "wrong encryption password";

// The key-encryption key: Argon2id13(password, salt, params).
Result<SecretKey> DeriveWrappingKey(std::string_view password, const Salt& salt,
                                    const KdfParams& params) {
  EnsureSodiumInitialized();
  SecretKey kek;
  const char* pw = password.empty() ? "" : password.data();
  if (crypto_pwhash(kek.mutable_data(), kKeyBytes, pw, password.size(), salt.data(),
                    params.opslimit, static_cast<size_t>(params.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error(Code::kIoError, "key file: Argon2id key derivation failed (out of memory? " +
                                     std::to_string(params.memlimit) + " bytes needed)");
  }
  return kek;
}

Status CheckNewKeyFileArgs(std::string_view password, const KdfParams& params) {
  if (password.empty()) {
    return Error(Code::kInvalidArgument, "encryption password must not be empty");
  }
  if (!KdfParamsInRange(params)) {
    return Error(Code::kInvalidArgument, "KDF parameters out of range (opslimit " +
                                             std::to_string(params.opslimit) + ", memlimit " +
                                             std::to_string(params.memlimit) + ")");
  }
  return OkStatus();
}

// Wraps `data_key` under `password` with a fresh salt.
Result<std::string> WrapDataKey(const SecretKey& data_key, std::string_view password,
                                const KdfParams& params) {
  ZFS_RETURN_IF_ERROR(CheckNewKeyFileArgs(password, params));
  EnsureSodiumInitialized();
  Salt salt;
  randombytes_buf(salt.data(), salt.size());
  ZFS_ASSIGN_OR_RETURN(SecretKey kek, DeriveWrappingKey(password, salt, params));
  const std::string header = EncodeKeyFileHeader(params, salt);
  std::string wrapped;
  Seal(kek, std::string_view(reinterpret_cast<const char*>(data_key.data()), kKeyBytes), header,
       &wrapped);
  return FinishKeyFile(header, wrapped);
}

}  // namespace

KdfParams KdfParams::Default() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}

KdfParams KdfParams::Interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

KdfParams KdfParamsFromEnv() {
  const char* fast = std::getenv("ZEROFS_TEST_FAST_KDF");
  if (fast != nullptr && std::strcmp(fast, "1") == 0) return KdfParams::Interactive();
  return KdfParams::Default();
}

Result<NewKeyFile> CreateKeyFile(std::string_view password, const KdfParams& params) {
  SecretKey data_key = SecretKey::Random();
  ZFS_ASSIGN_OR_RETURN(std::string bytes, WrapDataKey(data_key, password, params));
  return NewKeyFile{std::move(bytes), data_key};
}

Result<SecretKey> OpenKeyFile(std::string_view file_bytes, std::string_view password) {
  ZFS_ASSIGN_OR_RETURN(KeyFileContents c, ParseKeyFile(file_bytes));
  ZFS_ASSIGN_OR_RETURN(SecretKey kek, DeriveWrappingKey(password, c.salt, c.params));
  auto plain = Open(kek, c.wrapped_key, c.header);
  // The structure and checksum are intact, so a failed tag means the password
  // derived a different key (or someone forged the checksum).
  if (!plain.ok()) return Error(Code::kPermissionDenied, kWrongPassword);
  std::string& bytes = plain.value();
  if (bytes.size() != kKeyBytes) {
    sodium_memzero(bytes.data(), bytes.size());
    return Error(Code::kCorruption, "key file: wrapped key has the wrong length");
  }
  SecretKey data_key;
  std::memcpy(data_key.mutable_data(), bytes.data(), kKeyBytes);
  sodium_memzero(bytes.data(), bytes.size());
  return data_key;
}

Result<std::string> RewrapKeyFile(std::string_view file_bytes, std::string_view old_password,
                                  std::string_view new_password, const KdfParams& params) {
  // Validate the new arguments first so a bad call costs no Argon2id run.
  ZFS_RETURN_IF_ERROR(CheckNewKeyFileArgs(new_password, params));
  ZFS_ASSIGN_OR_RETURN(SecretKey data_key, OpenKeyFile(file_bytes, old_password));
  return WrapDataKey(data_key, new_password, params);
}

Subkeys DeriveSubkeys(const SecretKey& data_key) {
  EnsureSodiumInitialized();
  Subkeys s;
  // Cannot fail: the subkey length is within crypto_kdf's bounds.
  crypto_kdf_derive_from_key(s.data.mutable_data(), kKeyBytes, kDataSubkeyId, kSubkeyContext,
                             data_key.data());
  crypto_kdf_derive_from_key(s.meta.mutable_data(), kKeyBytes, kMetaSubkeyId, kSubkeyContext,
                             data_key.data());
  return s;
}

}  // namespace zerofs::crypto
