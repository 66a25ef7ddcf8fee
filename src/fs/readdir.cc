// ReadDir: paged listing by cookie (see directory.h for why cookies are
// stable while the directory changes).
#include <algorithm>
#include <cerrno>

#include "fs/internal.h"

namespace zerofs::fs {

namespace {
constexpr uint64_t kDotCookie = 1;
constexpr uint64_t kDotDotCookie = 2;
}  // namespace

Result<ReadDirResult> FileSystem::ReadDir(const Cred& cred, InodeId dir, uint64_t cookie,
                                          const ReadDirOptions& options) {
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(dir));
  if (!rec.is_dir()) return Error::Posix(ENOTDIR);
  ZFS_RETURN_IF_ERROR(CheckAccess(cred, rec, kAccessRead));
  const size_t max = std::max<size_t>(1, options.max_entries);
  ReadDirResult out;
  if (cookie < kDotCookie) {
    out.entries.push_back({".", dir, FileType::kDirectory, kDotCookie, std::nullopt});
  }
  if (cookie < kDotDotCookie && out.entries.size() < max) {
    out.entries.push_back({"..", rec.parent, FileType::kDirectory, kDotDotCookie, std::nullopt});
  }
  if (out.entries.size() < max) {
    bool more = false;
    ZFS_ASSIGN_OR_RETURN(auto rows, ScanEntries(engine_, dir, std::max(cookie, kDotDotCookie),
                                                max - out.entries.size(), &more));
    for (auto& e : rows) out.entries.push_back(std::move(e));
    out.eof = !more;
  }
  if (options.with_attrs) {
    for (DirEntry& e : out.entries) {
      auto attr = impl_->Load(e.ino);
      if (attr.ok()) {
        e.attr = impl_->AttrOf(e.ino, *attr);
      } else if (attr.error().sys_errno() != ESTALE) {
        return attr.error();
      }
    }
  }
  if (impl_->NeedsAtime(rec, Timespec::Now())) impl_->TouchAtime(dir);
  return out;
}

}  // namespace zerofs::fs
