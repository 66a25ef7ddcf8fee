#include "config/password.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace zerofs::config {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

void FillRandom(unsigned char* buf, size_t n) {
  while (n > 0) {
    ssize_t got = getrandom(buf, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::perror("zerofs: getrandom");
      std::abort();
    }
    buf += got;
    n -= static_cast<size_t>(got);
  }
}

}  // namespace

std::string GeneratePassword(size_t length) {
  // Rejection sampling: 62 * 4 = 248, so bytes >= 248 are redrawn to keep
  // every character equally likely.
  constexpr unsigned kLimit = 256 - 256 % kAlphabet.size();
  std::string out;
  out.reserve(length);
  unsigned char buf[64];
  while (out.size() < length) {
    FillRandom(buf, sizeof(buf));
    for (unsigned char b : buf) {
      if (b >= kLimit || out.size() == length) continue;
      out += kAlphabet[b % kAlphabet.size()];
    }
  }
  return out;
}

}  // namespace zerofs::config
