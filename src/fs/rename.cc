// Rename in all its cases (contract in filesystem.h), in one transaction.
//
// Lock order: rename_mu (only when a directory changes parent), then the
// stripes of both parents, the source and the target. Entries are read
// once without locks to learn the inodes, then read again under the locks;
// if they changed meanwhile the whole operation starts over.
#include <cerrno>
#include <mutex>

#include "fs/internal.h"

namespace zerofs::fs {

namespace {

// EINVAL if `ancestor` is `dir` or one of its ancestors.
// REQUIRES: rename_mu held, so directory parent pointers cannot change.
Status CheckNotAncestor(FileSystem::Impl* fs, InodeId ancestor, InodeId dir) {
  InodeId cur = dir;
  for (int depth = 0; depth < (1 << 20); depth++) {
    if (cur == ancestor) return Error::Posix(EINVAL);
    if (cur == kRootInode) return OkStatus();
    ZFS_ASSIGN_OR_RETURN(InodeRecord rec, fs->Load(cur));
    cur = rec.parent;
  }
  return Error(Code::kCorruption, "directory parent chain does not reach the root");
}

bool SameEntry(const std::optional<EntryValue>& a, const std::optional<EntryValue>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->ino == b->ino && a->cookie == b->cookie);
}

}  // namespace

Status FileSystem::Rename(const Cred& cred, InodeId src_dir, std::string_view src_name,
                          InodeId dst_dir, std::string_view dst_name, uint32_t flags) {
  ZFS_RETURN_IF_ERROR(ValidateName(src_name, options_.name_max));
  ZFS_RETURN_IF_ERROR(ValidateName(dst_name, options_.name_max));
  if ((flags & ~(kRenameNoReplace | kRenameExchange)) != 0 ||
      flags == (kRenameNoReplace | kRenameExchange)) {
    return Error::Posix(EINVAL);
  }
  if (IsDotOrDotDot(src_name) || IsDotOrDotDot(dst_name)) return Error::Posix(EBUSY);
  const bool exchange = flags & kRenameExchange;
  Impl* fs = impl_.get();

  for (;;) {
    ZFS_ASSIGN_OR_RETURN(auto peek_src, FindEntry(engine_, src_dir, src_name));
    ZFS_ASSIGN_OR_RETURN(auto peek_dst, FindEntry(engine_, dst_dir, dst_name));
    bool moves_dir =
        src_dir != dst_dir && ((peek_src && peek_src->type == FileType::kDirectory) ||
                               (exchange && peek_dst && peek_dst->type == FileType::kDirectory));
    std::unique_lock<std::mutex> rename_lock(fs->rename_mu, std::defer_lock);
    if (moves_dir) rename_lock.lock();
    InodeLocks locks(
        &fs->locks, {src_dir, dst_dir, peek_src ? peek_src->ino : 0, peek_dst ? peek_dst->ino : 0});

    ZFS_ASSIGN_OR_RETURN(InodeRecord sparent, fs->Load(src_dir));
    ZFS_ASSIGN_OR_RETURN(InodeRecord dparent_own, fs->Load(dst_dir));
    if (!sparent.is_dir() || !dparent_own.is_dir()) return Error::Posix(ENOTDIR);
    ZFS_RETURN_IF_ERROR(CheckAccess(cred, sparent, kAccessExec));
    ZFS_RETURN_IF_ERROR(CheckAccess(cred, dparent_own, kAccessExec));
    ZFS_RETURN_IF_ERROR(fs->CheckWritable());
    // One record object per distinct parent, so both sides' changes land.
    InodeRecord& dparent = src_dir == dst_dir ? sparent : dparent_own;

    ZFS_ASSIGN_OR_RETURN(auto src, FindEntry(engine_, src_dir, src_name));
    ZFS_ASSIGN_OR_RETURN(auto dst, FindEntry(engine_, dst_dir, dst_name));
    if (!src || dparent.nlink == 0) return Error::Posix(ENOENT);
    if (!SameEntry(src, peek_src) || !SameEntry(dst, peek_dst)) continue;
    if (dst && dst->ino == src->ino) return OkStatus();  // links to one inode
    if ((flags & kRenameNoReplace) && dst) return Error::Posix(EEXIST);
    if (exchange && !dst) return Error::Posix(ENOENT);

    ZFS_ASSIGN_OR_RETURN(InodeRecord srec, fs->Load(src->ino));
    std::optional<InodeRecord> drec;
    if (dst) {
      ZFS_ASSIGN_OR_RETURN(drec, fs->Load(dst->ino));
    }
    ZFS_RETURN_IF_ERROR(CheckDelete(cred, sparent, srec));
    if (drec) {
      ZFS_RETURN_IF_ERROR(CheckDelete(cred, dparent, *drec));
    } else {
      ZFS_RETURN_IF_ERROR(CheckAccess(cred, dparent, kAccessWrite | kAccessExec));
    }
    if (src_dir != dst_dir) {
      // A directory that changes parent rewrites its "..".
      if (srec.is_dir()) ZFS_RETURN_IF_ERROR(CheckAccess(cred, srec, kAccessWrite));
      if (exchange && drec->is_dir()) ZFS_RETURN_IF_ERROR(CheckAccess(cred, *drec, kAccessWrite));
    }
    if (!exchange && drec) {
      if (srec.is_dir() && !drec->is_dir()) return Error::Posix(ENOTDIR);
      if (!srec.is_dir() && drec->is_dir()) return Error::Posix(EISDIR);
    }
    if (src_dir != dst_dir) {
      if (srec.is_dir()) ZFS_RETURN_IF_ERROR(CheckNotAncestor(fs, src->ino, dst_dir));
      if (exchange && drec->is_dir()) ZFS_RETURN_IF_ERROR(CheckNotAncestor(fs, dst->ino, src_dir));
    } else if (srec.is_dir() && dst_dir == src->ino) {
      return Error::Posix(EINVAL);
    }
    if (!exchange && drec && drec->is_dir()) {
      ZFS_ASSIGN_OR_RETURN(bool empty, DirIsEmpty(engine_, dst->ino));
      if (!empty) return Error::Posix(ENOTEMPTY);
    }

    Timespec now = Timespec::Now();
    engine::Transaction txn;
    std::vector<StatsDelta> deltas;
    if (exchange) {
      if (src_dir != dst_dir) {
        // Each directory that moves takes its ".." link along.
        int sdelta = (drec->is_dir() ? 1 : 0) - (srec.is_dir() ? 1 : 0);
        if (sdelta > 0 && sparent.nlink >= options_.link_max) return Error::Posix(EMLINK);
        if (sdelta < 0 && dparent.nlink >= options_.link_max) return Error::Posix(EMLINK);
        sparent.nlink += sdelta;
        dparent.nlink -= sdelta;
        if (srec.is_dir()) srec.parent = dst_dir;
        if (drec->is_dir()) drec->parent = src_dir;
      }
      RepointEntry(&txn, src_dir, src_name, *src, dst->ino, dst->type);
      RepointEntry(&txn, dst_dir, dst_name, *dst, src->ino, src->type);
      drec->ctime = now;
      Impl::Store(&txn, dst->ino, *drec);
    } else {
      if (srec.is_dir() && src_dir != dst_dir && !(drec && drec->is_dir()) &&
          dparent.nlink >= options_.link_max) {
        return Error::Posix(EMLINK);
      }
      RemoveEntry(&txn, src_dir, src_name, *src);
      if (dst) {
        // The target name keeps its cookie: a listing in progress sees it once.
        RepointEntry(&txn, dst_dir, dst_name, *dst, src->ino, src->type);
        if (drec->is_dir()) dparent.nlink--;
        fs->DropLink(&txn, &deltas, dst->ino, &*drec, now);
      } else {
        AddEntry(&txn, dst_dir, &dparent, dst_name, src->ino, src->type);
      }
      if (srec.is_dir() && src_dir != dst_dir) {
        sparent.nlink--;
        dparent.nlink++;
        srec.parent = dst_dir;
      }
    }
    srec.ctime = now;
    Impl::Store(&txn, src->ino, srec);
    sparent.Touch(now);
    dparent.Touch(now);
    Impl::Store(&txn, src_dir, sparent);
    if (src_dir != dst_dir) Impl::Store(&txn, dst_dir, dparent);
    fs->AddBufferedExtents(&txn, src->ino);
    if (exchange) fs->AddBufferedExtents(&txn, dst->ino);
    return fs->Commit(std::move(txn), deltas);
  }
}

}  // namespace zerofs::fs
