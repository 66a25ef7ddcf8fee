// libFuzzer target for the key file parser. Built by fuzz/CMakeLists.txt
// (ZEROFS_FUZZ=ON, clang); run with scripts/fuzz.sh [SECONDS] key_file_fuzz.
// Parsing must never crash. Inputs are also tried with a recomputed checksum
// so the fuzzer reaches the checks behind it; when the resulting parameters
// are cheap, the full open runs too and must fail (no fuzzed file holds a
// key wrapped under the fixed password).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/coding.h"
#include "base/crc32c.h"
#include "crypto/key_file.h"
#include "crypto/key_file_format.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zerofs::crypto;
  using zerofs::Code;
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  auto parsed = ParseKeyFile(in);
  if (!parsed.ok()) Check(parsed.error().code() == Code::kCorruption);

  if (size < zerofs::crypto::kKeyFileChecksumBytes) return 0;
  std::string fixed(in.substr(0, size - kKeyFileChecksumBytes));
  zerofs::PutLE32(&fixed, zerofs::Crc32c(fixed));
  auto reparsed = ParseKeyFile(fixed);
  if (!reparsed.ok()) {
    Check(reparsed.error().code() == Code::kCorruption);
    return 0;
  }
  Check(KdfParamsInRange(reparsed->params));
  if (reparsed->params.opslimit <= 2 && reparsed->params.memlimit <= (64u << 10)) {
    auto key = OpenKeyFile(fixed, "fuzz password");
    Check(!key.ok() && key.error().code() == Code::kPermissionDenied);
  }
  return 0;
}
