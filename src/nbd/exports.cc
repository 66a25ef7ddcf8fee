#include "nbd/exports.h"

#include <cerrno>

namespace zerofs::nbd {

namespace {

const fs::Cred kRootCred = fs::Cred::Root();

bool IsExportName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

}  // namespace

Result<fs::InodeId> Exports::Directory() {
  ZFS_ASSIGN_OR_RETURN(fs::Attr attr, fs_->Lookup(kRootCred, fs::kRootInode, kExportsDir));
  if (attr.type != fs::FileType::kDirectory) {
    return Error::Posix(ENOTDIR, "/" + std::string(kExportsDir) + " is not a directory");
  }
  return attr.ino;
}

Status Exports::EnsureDirectory() {
  auto dir = Directory();
  if (dir.ok()) return OkStatus();
  if (dir.error().sys_errno() != ENOENT) return dir.error();
  if (fs_->options().read_only) return OkStatus();
  auto made = fs_->Mkdir(kRootCred, fs::kRootInode, kExportsDir, 0755);
  if (!made.ok() && made.error().sys_errno() != EEXIST) {
    return made.error().Wrap("creating /" + std::string(kExportsDir));
  }
  return Directory().ok() ? OkStatus()
                          : Status(Error::Posix(
                                ENOTDIR, "/" + std::string(kExportsDir) + " is not a directory"));
}

Result<std::vector<std::string>> Exports::List() {
  std::vector<std::string> names;
  auto dir = Directory();
  if (!dir.ok()) {
    if (dir.error().sys_errno() == ENOENT) return names;
    return dir.error();
  }
  uint64_t cookie = 0;
  for (;;) {
    ZFS_ASSIGN_OR_RETURN(fs::ReadDirResult page, fs_->ReadDir(kRootCred, *dir, cookie));
    for (auto& e : page.entries) {
      cookie = e.cookie;
      if (e.type == fs::FileType::kRegular && IsExportName(e.name)) {
        names.push_back(std::move(e.name));
      }
    }
    if (page.eof || page.entries.empty()) break;
  }
  return names;
}

Result<ExportInfo> Exports::Find(std::string_view name) {
  std::string what = "export '" + std::string(name) + "'";
  if (!IsExportName(name) || name.size() > fs_->options().name_max) {
    return Error::Posix(ENOENT, what + ": no such export");
  }
  ZFS_ASSIGN_OR_RETURN(fs::InodeId dir, Directory());
  auto attr = fs_->Lookup(kRootCred, dir, name);
  if (!attr.ok()) {
    if (attr.error().sys_errno() == ENOENT) return Error::Posix(ENOENT, what + ": no such export");
    return attr.error().Wrap(what);
  }
  if (attr->type != fs::FileType::kRegular) {
    return Error::Posix(ENOENT, what + ": not a regular file");
  }
  return ExportInfo{std::string(name), attr->ino, attr->size};
}

}  // namespace zerofs::nbd
