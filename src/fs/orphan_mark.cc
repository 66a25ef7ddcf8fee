#include "fs/orphan_mark.h"

#include <cstdint>

namespace zerofs::fs {

namespace {
constexpr uint8_t kMarkV1 = 1;
constexpr uint8_t kMarkV2 = 2;
}  // namespace

std::string EncodeOrphanMark(const std::vector<std::string>& holders) {
  std::string out;
  out.push_back(static_cast<char>(kMarkV2));
  out.push_back(0);
  uint8_t n = 0;
  for (const std::string& h : holders) {
    if (h.size() != kHolderKeySize || n == kMaxMarkHolders) continue;
    out += h;
    n++;
  }
  out[1] = static_cast<char>(n);
  return out;
}

bool DecodeOrphanMark(std::string_view value, std::vector<std::string>* holders) {
  holders->clear();
  if (value.empty()) return false;
  const auto version = static_cast<uint8_t>(value[0]);
  if (version == kMarkV1) return value.size() == 1;
  if (version != kMarkV2 || value.size() < 2) return false;
  const auto n = static_cast<uint8_t>(value[1]);
  if (value.size() != 2 + size_t{n} * kHolderKeySize) return false;
  for (size_t i = 0; i < n; i++) {
    holders->emplace_back(value.substr(2 + i * kHolderKeySize, kHolderKeySize));
  }
  return true;
}

}  // namespace zerofs::fs
