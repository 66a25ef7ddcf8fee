// Unlink and Rmdir: operations that remove a name.
#include <cerrno>
#include <optional>

#include "fs/internal.h"

namespace zerofs::fs {

namespace {

// Removes entry `name` of `dir`; `want_dir` selects rmdir rules.
Status RemoveName(FileSystem::Impl* fs, const Cred& cred, InodeId dir, std::string_view name,
                  bool want_dir) {
  // The child is only known after reading the entry, so read it, lock both
  // inodes, and start over if the entry changed before the locks were held.
  for (;;) {
    ZFS_ASSIGN_OR_RETURN(auto peek, FindEntry(fs->engine, dir, name));
    InodeLocks lock(&fs->locks, {dir, peek ? peek->ino : 0});
    ZFS_ASSIGN_OR_RETURN(InodeRecord parent, fs->Load(dir));
    if (!parent.is_dir()) return Error::Posix(ENOTDIR);
    ZFS_RETURN_IF_ERROR(CheckAccess(cred, parent, kAccessExec));
    ZFS_RETURN_IF_ERROR(fs->CheckWritable());
    ZFS_ASSIGN_OR_RETURN(auto entry, FindEntry(fs->engine, dir, name));
    if (!entry) return Error::Posix(ENOENT);
    if (!peek || peek->ino != entry->ino) continue;
    ZFS_ASSIGN_OR_RETURN(InodeRecord child, fs->Load(entry->ino));
    ZFS_RETURN_IF_ERROR(CheckDelete(cred, parent, child));
    if (want_dir && !child.is_dir()) return Error::Posix(ENOTDIR);
    if (!want_dir && child.is_dir()) return Error::Posix(EISDIR);
    if (want_dir) {
      ZFS_ASSIGN_OR_RETURN(bool empty, DirIsEmpty(fs->engine, entry->ino));
      if (!empty) return Error::Posix(ENOTEMPTY);
      parent.nlink--;
    }
    Timespec now = Timespec::Now();
    engine::Transaction txn;
    std::vector<StatsDelta> deltas;
    RemoveEntry(&txn, dir, name, *entry);
    fs->DropLink(&txn, &deltas, entry->ino, &child, now);
    parent.Touch(now);
    FileSystem::Impl::Store(&txn, dir, parent);
    return fs->Commit(std::move(txn), deltas);
  }
}

}  // namespace

Status FileSystem::Unlink(const Cred& cred, InodeId dir, std::string_view name) {
  ZFS_RETURN_IF_ERROR(ValidateName(name, options_.name_max));
  if (IsDotOrDotDot(name)) return Error::Posix(EISDIR);
  return RemoveName(impl_.get(), cred, dir, name, /*want_dir=*/false);
}

Status FileSystem::Rmdir(const Cred& cred, InodeId dir, std::string_view name) {
  ZFS_RETURN_IF_ERROR(ValidateName(name, options_.name_max));
  if (name == ".") return Error::Posix(EINVAL);
  if (name == "..") return Error::Posix(ENOTEMPTY);
  return RemoveName(impl_.get(), cred, dir, name, /*want_dir=*/true);
}

}  // namespace zerofs::fs
