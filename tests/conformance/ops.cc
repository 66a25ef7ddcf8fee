#include "ops.h"

namespace zerofs::conformance {

int Ops::readdir(const Cred& c, const std::string& path, std::vector<std::string>* names) {
  int64_t h = open(c, path, O_RDONLY | O_DIRECTORY, 0);
  if (h < 0) return static_cast<int>(h);
  names->clear();
  std::vector<DirEntry> chunk;
  int r;
  while ((r = readdir_chunk(c, h, 256, &chunk)) > 0) {
    for (auto& e : chunk) names->push_back(std::move(e.name));
    chunk.clear();
  }
  close(c, h);
  return r < 0 ? r : 0;
}

}  // namespace zerofs::conformance
