// libFuzzer target for the codec decoder. Built by fuzz/CMakeLists.txt
// (ZEROFS_FUZZ=ON, clang); run with scripts/fuzz.sh [SECONDS] codec_fuzz.
// Decode must never crash, never return more than max_size bytes, and every
// codec must round-trip arbitrary input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/codec.h"

namespace {

constexpr size_t kMaxSize = 64 * 1024;

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using zerofs::Code;
  using zerofs::crypto::Codec;
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  auto decoded = zerofs::crypto::Decode(in, kMaxSize);
  if (decoded.ok()) {
    Check(decoded->size() <= kMaxSize);
  } else {
    Check(decoded.error().code() == Code::kCorruption);
  }

  if (size <= kMaxSize) {
    for (Codec codec : {Codec::kRaw, Codec::kZstd, Codec::kLz4}) {
      std::string encoded;
      zerofs::crypto::Encode(codec, 1, in, &encoded);
      Check(encoded.size() <= size + 1 + 4);
      auto back = zerofs::crypto::Decode(encoded, kMaxSize);
      Check(back.ok() && *back == in);
    }
  }
  return 0;
}
