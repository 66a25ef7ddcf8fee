#include "crypto/key_file_format.h"

#include <cassert>

#include "base/coding.h"
#include "base/crc32c.h"

namespace zerofs::crypto {

static_assert(kKeyFileMagic.size() == 8);
static_assert(kKeyFileHeaderBytes == 43);
static_assert(kKeyFileBytes == 119);

namespace {

Error KeyFileCorrupt(const std::string& what) {
  return Error(Code::kCorruption, "key file: " + what);
}

}  // namespace

bool KdfParamsInRange(const KdfParams& params) {
  return params.opslimit >= kMinOpslimit && params.opslimit <= kMaxOpslimit &&
         params.memlimit >= kMinMemlimit && params.memlimit <= kMaxMemlimit;
}

Result<KeyFileContents> ParseKeyFile(std::string_view file) {
  Decoder d(file);
  std::string_view magic;
  uint16_t version = 0;
  if (!d.GetRaw(kKeyFileMagic.size(), &magic) || magic != kKeyFileMagic) {
    return KeyFileCorrupt("not a ZeroFS key file (bad magic)");
  }
  if (!d.GetLE16(&version)) return KeyFileCorrupt("truncated before version");
  // The version is checked before the length: a later version may be longer.
  if (version != kKeyFileVersion) {
    return KeyFileCorrupt("unsupported key file version " + std::to_string(version));
  }
  if (file.size() != kKeyFileBytes) {
    return KeyFileCorrupt("expected " + std::to_string(kKeyFileBytes) + " bytes, found " +
                          std::to_string(file.size()));
  }
  const size_t covered = kKeyFileBytes - kKeyFileChecksumBytes;
  if (Crc32c(file.data(), covered) != LoadLE32(file.data() + covered)) {
    return KeyFileCorrupt("checksum mismatch (file is damaged)");
  }

  KeyFileContents c;
  uint8_t algorithm = 0;
  std::string_view salt;
  d.GetU8(&algorithm);
  d.GetLE64(&c.params.opslimit);
  d.GetLE64(&c.params.memlimit);
  d.GetRaw(kKeyFileSaltBytes, &salt);
  d.GetRaw(kWrappedKeyBytes, &c.wrapped_key);
  if (!d.ok() || d.remaining() != kKeyFileChecksumBytes) return KeyFileCorrupt("malformed");
  if (algorithm != kKdfArgon2id13) {
    return KeyFileCorrupt("unknown KDF algorithm " + std::to_string(algorithm));
  }
  if (!KdfParamsInRange(c.params)) {
    return KeyFileCorrupt("KDF parameters out of range (opslimit " +
                          std::to_string(c.params.opslimit) + ", memlimit " +
                          std::to_string(c.params.memlimit) + ")");
  }
  for (size_t i = 0; i < kKeyFileSaltBytes; i++) c.salt[i] = static_cast<uint8_t>(salt[i]);
  c.header = file.substr(0, kKeyFileHeaderBytes);
  return c;
}

std::string EncodeKeyFileHeader(const KdfParams& params, const Salt& salt) {
  std::string h;
  h.reserve(kKeyFileBytes);
  h.append(kKeyFileMagic);
  PutLE16(&h, kKeyFileVersion);
  PutU8(&h, kKdfArgon2id13);
  PutLE64(&h, params.opslimit);
  PutLE64(&h, params.memlimit);
  h.append(reinterpret_cast<const char*>(salt.data()), salt.size());
  assert(h.size() == kKeyFileHeaderBytes);
  return h;
}

std::string FinishKeyFile(std::string_view header, std::string_view wrapped_key) {
  assert(header.size() == kKeyFileHeaderBytes);
  assert(wrapped_key.size() == kWrappedKeyBytes);
  std::string file;
  file.reserve(kKeyFileBytes);
  file.append(header);
  file.append(wrapped_key);
  PutLE32(&file, Crc32c(file));
  return file;
}

}  // namespace zerofs::crypto
