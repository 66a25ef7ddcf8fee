#include "crypto/sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace zerofs::crypto {

void EnsureSodiumInitialized() {
  // A function-local static is initialised once even with concurrent callers.
  static const bool initialized = [] {
    if (sodium_init() < 0) {
      std::fprintf(stderr, "zerofs: fatal: libsodium initialisation failed (sodium_init)\n");
      std::abort();
    }
    return true;
  }();
  (void)initialized;
}

}  // namespace zerofs::crypto
