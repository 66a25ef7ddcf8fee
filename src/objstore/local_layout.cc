#include "objstore/local_layout.h"

#include <openssl/sha.h>
#include <sys/random.h>

#include <cstdint>

#include "base/coding.h"

namespace zerofs::objstore {
namespace {

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; i++) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 0xf]);
  }
  return out;
}

}  // namespace

const char* InvalidKeyReason(std::string_view key) {
  if (key.empty()) return "empty key";
  if (key.front() == '/') return "key starts with '/'";
  if (key.find('\0') != std::string_view::npos) return "key contains a NUL byte";
  size_t start = 0;
  while (true) {
    size_t end = key.find('/', start);
    std::string_view part = key.substr(start, end == std::string_view::npos ? end : end - start);
    if (part.empty()) return "key has an empty component";
    if (part == "." || part == "..") return "key has a '.' or '..' component";
    if (IsReservedName(part)) return "key component uses the reserved prefix '.zerofs-'";
    if (end == std::string_view::npos) return nullptr;
    start = end + 1;
  }
}

std::string NewTempName() {
  unsigned char bytes[8];
  // getrandom on 8 bytes never blocks after boot and is never partial.
  if (getrandom(bytes, sizeof(bytes), 0) != static_cast<ssize_t>(sizeof(bytes))) {
    // Uniqueness (not secrecy) is all that matters; O_EXCL catches a clash.
    static thread_local uint64_t fallback = reinterpret_cast<uintptr_t>(&fallback);
    fallback = fallback * 6364136223846793005u + 1442695040888963407u;
    for (size_t i = 0; i < sizeof(bytes); i++)
      bytes[i] = static_cast<unsigned char>(fallback >> (8 * i));
  }
  return std::string(kTempPrefix) + Hex(bytes, sizeof(bytes));
}

std::string EtagOfStat(const struct stat& st) {
  std::string buf;
  PutLE64(&buf, static_cast<uint64_t>(st.st_ino));
  PutLE64(&buf, static_cast<uint64_t>(st.st_size));
  PutLE64(&buf, StatNanos(st.st_mtim));
  PutLE64(&buf, StatNanos(st.st_ctim));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(buf.data()), buf.size(), digest);
  return Hex(digest, 16);
}

}  // namespace zerofs::objstore
