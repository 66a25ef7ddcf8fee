// SetAttr: chmod, chown, truncate and utimes in one transaction.
#include <cerrno>

#include "fs/file_data.h"
#include "fs/internal.h"

namespace zerofs::fs {

Result<Attr> FileSystem::SetAttr(const Cred& cred, InodeId ino, const SetAttrRequest& req) {
  using TimeSet = SetAttrRequest::TimeSet;
  InodeLocks lock(&impl_->locks, {ino});
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  const bool any = req.mode || req.uid || req.gid || req.size ||
                   req.atime_set != TimeSet::kUnchanged || req.mtime_set != TimeSet::kUnchanged;
  if (!any) return impl_->AttrOf(ino, rec);
  ZFS_RETURN_IF_ERROR(impl_->CheckWritable());

  // Check everything before changing anything.
  if (req.mode) ZFS_RETURN_IF_ERROR(CheckOwner(cred, rec));
  const bool chown = req.uid || req.gid;
  if (chown) {
    ZFS_RETURN_IF_ERROR(
        CheckChown(cred, rec, req.uid.value_or(rec.uid), req.gid.value_or(rec.gid)));
  }
  if (req.size) {
    if (rec.is_dir()) return Error::Posix(EISDIR);
    if (rec.type != FileType::kRegular) return Error::Posix(EINVAL);
    if (!req.size_via_open_handle) ZFS_RETURN_IF_ERROR(CheckAccess(cred, rec, kAccessWrite));
    if (*req.size > kMaxFileSize) return Error::Posix(EFBIG);
    if (*req.size > rec.size) ZFS_RETURN_IF_ERROR(impl_->CheckSpace(0, *req.size - rec.size));
  }
  const bool explicit_time = req.atime_set == TimeSet::kValue || req.mtime_set == TimeSet::kValue;
  const bool now_time = req.atime_set == TimeSet::kNow || req.mtime_set == TimeSet::kNow;
  if (explicit_time) {
    ZFS_RETURN_IF_ERROR(CheckOwner(cred, rec));
  } else if (now_time && !cred.is_root() && cred.uid != rec.uid) {
    ZFS_RETURN_IF_ERROR(CheckAccess(cred, rec, kAccessWrite));
  }
  if (req.atime_set == TimeSet::kValue && req.atime.nsec >= 1'000'000'000) {
    return Error::Posix(EINVAL);
  }
  if (req.mtime_set == TimeSet::kValue && req.mtime.nsec >= 1'000'000'000) {
    return Error::Posix(EINVAL);
  }

  Timespec now = Timespec::Now();
  engine::Transaction txn;
  std::vector<StatsDelta> deltas;
  if (req.mode) rec.mode = ChmodResult(cred, rec, *req.mode);
  if (chown) {
    rec.uid = req.uid.value_or(rec.uid);
    rec.gid = req.gid.value_or(rec.gid);
    if (!rec.is_dir()) {
      rec.mode = KillSuid(rec.mode);
      ZFS_RETURN_IF_ERROR(impl_->KillCapabilities(&txn, ino));
    }
  }
  if (req.size) {
    // Resize rebuilds the new last extent from the engine's copy.
    if (*req.size < rec.size) ZFS_RETURN_IF_ERROR(impl_->WriteBackLocked(ino));
    ZFS_RETURN_IF_ERROR(Resize(engine_, &txn, ino, rec.size, *req.size));
    deltas.push_back({ino, 0, static_cast<int64_t>(*req.size) - static_cast<int64_t>(rec.size)});
    rec.size = *req.size;
    rec.mtime = now;
    if (!cred.is_root()) rec.mode = KillSuid(rec.mode);
    ZFS_RETURN_IF_ERROR(impl_->KillCapabilities(&txn, ino));
  }
  if (req.atime_set == TimeSet::kNow) rec.atime = now;
  if (req.atime_set == TimeSet::kValue) rec.atime = req.atime;
  if (req.mtime_set == TimeSet::kNow) rec.mtime = now;
  if (req.mtime_set == TimeSet::kValue) rec.mtime = req.mtime;
  rec.ctime = now;
  Impl::Store(&txn, ino, rec);
  ZFS_RETURN_IF_ERROR(impl_->Commit(std::move(txn), deltas));
  return impl_->AttrOf(ino, rec);
}

}  // namespace zerofs::fs
