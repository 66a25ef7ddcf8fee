#include "actor.h"

#include <algorithm>
#include <cerrno>

namespace zerofs::conformance {

int64_t Actor::pread(int64_t h, std::string* out, size_t len, int64_t off) {
  out->assign(len, '\0');
  int64_t n = ops_.pread(cred_, h, out->data(), len, off);
  out->resize(n < 0 ? 0 : static_cast<size_t>(n));
  return n;
}

int Actor::put(const std::string& p, std::string_view data, uint32_t mode) {
  int64_t h = creat(p, mode);
  if (h < 0) return static_cast<int>(h);
  int64_t n = data.empty() ? 0 : pwrite(h, data, 0);
  int r = close(h);
  if (n < 0) return static_cast<int>(n);
  if (static_cast<size_t>(n) != data.size()) return -EIO;
  return r;
}

int Actor::get(const std::string& p, std::string* out) {
  int64_t h = open(p, O_RDONLY);
  if (h < 0) return static_cast<int>(h);
  out->clear();
  std::string chunk;
  int64_t n;
  while ((n = pread(h, &chunk, 1 << 16, static_cast<int64_t>(out->size()))) > 0) *out += chunk;
  close(h);
  return n < 0 ? static_cast<int>(n) : 0;
}

std::vector<std::string> Actor::ls(const std::string& p) {
  std::vector<std::string> names;
  if (readdir(p, &names) < 0) names.clear();
  std::sort(names.begin(), names.end());
  return names;
}

Stat Actor::st(const std::string& p) {
  Stat s;
  if (stat(p, &s) < 0) s = Stat{};
  return s;
}

Stat Actor::lst(const std::string& p) {
  Stat s;
  if (lstat(p, &s) < 0) s = Stat{};
  return s;
}

}  // namespace zerofs::conformance
