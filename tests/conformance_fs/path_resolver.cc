#include "path_resolver.h"

#include <cerrno>
#include <vector>

namespace zerofs::conformance_fs {

namespace {

constexpr size_t kPathMax = 4096;

int Err(const Error& e) { return -(e.sys_errno() ? e.sys_errno() : EIO); }

int Walk(fs::FileSystem* fs, const fs::Cred& cred, fs::InodeId root, fs::InodeId start,
         const std::string& path, bool follow_last, int* follows, Resolved* out) {
  if (path.empty()) return -ENOENT;
  if (path.size() >= kPathMax) return -ENAMETOOLONG;
  std::vector<std::string> comps;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    if (slash > pos) comps.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  fs::InodeId cur = path[0] == '/' ? root : start;
  out->trailing_slash = path.back() == '/';
  if (comps.empty()) comps.push_back(".");
  for (size_t i = 0; i < comps.size(); i++) {
    const std::string& comp = comps[i];
    const bool last = i + 1 == comps.size();
    auto attr = fs->Lookup(cred, cur, comp);
    if (!attr.ok()) {
      if (last && attr.error().sys_errno() == ENOENT) {
        out->parent = cur;
        out->name = comp;
        out->ino = 0;
        return 0;
      }
      return Err(attr.error());
    }
    if (attr->type == fs::FileType::kSymlink && (!last || follow_last || out->trailing_slash)) {
      auto target = fs::ReadlinkForResolution(fs, attr->ino, *follows);
      if (!target.ok()) return Err(target.error());
      ++*follows;
      Resolved inner;
      int r = Walk(fs, cred, root, cur, *target, /*follow_last=*/true, follows, &inner);
      if (r < 0) return r;
      if (last) {
        inner.trailing_slash = inner.trailing_slash || out->trailing_slash;
        *out = inner;
        if (out->ino != 0 && out->trailing_slash && out->attr.type != fs::FileType::kDirectory) {
          return -ENOTDIR;
        }
        return 0;
      }
      if (inner.ino == 0) return -ENOENT;
      if (inner.attr.type != fs::FileType::kDirectory) return -ENOTDIR;
      cur = inner.ino;
      continue;
    }
    if (last) {
      out->parent = cur;
      out->name = comp;
      out->ino = attr->ino;
      out->attr = *attr;
      if (out->trailing_slash && attr->type != fs::FileType::kDirectory) return -ENOTDIR;
      return 0;
    }
    if (attr->type != fs::FileType::kDirectory) return -ENOTDIR;
    cur = attr->ino;
  }
  return 0;
}

}  // namespace

int Resolve(fs::FileSystem* fs, const fs::Cred& cred, fs::InodeId root, const std::string& path,
            bool follow_last, Resolved* out) {
  int follows = 0;
  return Walk(fs, cred, root, root, path, follow_last, &follows, out);
}

}  // namespace zerofs::conformance_fs
