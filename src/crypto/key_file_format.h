// Byte layout of the key file, version 1. docs/format/key_file.md is the
// specification; this header holds only its constants and the pure
// encode/parse step (no key derivation, no decryption).
//
//   offset  size  field
//        0     8  magic "ZEROFSKF"
//        8     2  LE16 format version (1)
//       10     1  KDF algorithm id (1 = Argon2id v1.3)
//       11     8  LE64 opslimit
//       19     8  LE64 memlimit (bytes)
//       27    16  salt
//       43    72  wrapped data key: Seal(kek, data_key, ad = bytes [0, 43))
//      115     4  LE32 CRC-32C of bytes [0, 115)
//      119        end of file
//
// On-disk values are frozen: never change the meaning of a version or id.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/aead.h"
#include "crypto/key_file.h"

namespace zerofs::crypto {

inline constexpr std::string_view kKeyFileMagic = "ZEROFSKF";
constexpr uint16_t kKeyFileVersion = 1;
constexpr uint8_t kKdfArgon2id13 = 1;
constexpr size_t kKeyFileSaltBytes = 16;
constexpr size_t kKeyFileHeaderBytes = 8 + 2 + 1 + 8 + 8 + kKeyFileSaltBytes;  // 43
constexpr size_t kWrappedKeyBytes = kSealOverhead + kKeyBytes;                 // 72
constexpr size_t kKeyFileChecksumBytes = 4;
constexpr size_t kKeyFileBytes = kKeyFileHeaderBytes + kWrappedKeyBytes + kKeyFileChecksumBytes;

// Sanity bounds for KDF parameters found in a file (and accepted when
// creating one). The minimums are libsodium's Argon2id minimums; the maximums
// keep a damaged or hostile file from demanding unbounded CPU or memory.
constexpr uint64_t kMinOpslimit = 1;
constexpr uint64_t kMaxOpslimit = 100;
constexpr uint64_t kMinMemlimit = 8192;
constexpr uint64_t kMaxMemlimit = uint64_t{4} << 30;

using Salt = std::array<uint8_t, kKeyFileSaltBytes>;

// A structurally valid key file. The views point into the parsed bytes.
struct KeyFileContents {
  KdfParams params;
  Salt salt;
  std::string_view header;       // bytes [0, 43): associated data of the wrap
  std::string_view wrapped_key;  // the sealed data key
};

// True if both parameters lie within [kMin*, kMax*].
bool KdfParamsInRange(const KdfParams& params);

// Checks magic, version, length, checksum, algorithm and parameter bounds.
// Every failure is kCorruption; an unknown version says
// "unsupported key file version N".
Result<KeyFileContents> ParseKeyFile(std::string_view file);

// Returns the 43 header bytes for `params` and `salt`.
std::string EncodeKeyFileHeader(const KdfParams& params, const Salt& salt);

// Returns header || wrapped_key || checksum.
// REQUIRES: header.size() == kKeyFileHeaderBytes, wrapped_key.size() == kWrappedKeyBytes.
std::string FinishKeyFile(std::string_view header, std::string_view wrapped_key);

}  // namespace zerofs::crypto
