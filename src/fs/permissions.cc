#include "fs/permissions.h"

#include <sys/stat.h>

#include <cerrno>

namespace zerofs::fs {

uint32_t GrantedAccess(const Cred& cred, const InodeRecord& rec) {
  if (cred.is_root()) {
    bool any_x = rec.is_dir() || (rec.mode & 0111) != 0;
    return kAccessRead | kAccessWrite | (any_x ? kAccessExec : 0);
  }
  uint32_t bits;
  if (cred.uid == rec.uid) {
    bits = rec.mode >> 6;
  } else if (cred.InGroup(rec.gid)) {
    bits = rec.mode >> 3;
  } else {
    bits = rec.mode;
  }
  return bits & 07;
}

Status CheckAccess(const Cred& cred, const InodeRecord& rec, uint32_t mask) {
  if ((GrantedAccess(cred, rec) & mask) != mask) return Error::Posix(EACCES);
  return OkStatus();
}

Status CheckOwner(const Cred& cred, const InodeRecord& rec) {
  if (cred.is_root() || cred.uid == rec.uid) return OkStatus();
  return Error::Posix(EPERM);
}

Status CheckDelete(const Cred& cred, const InodeRecord& dir, const InodeRecord& child) {
  ZFS_RETURN_IF_ERROR(CheckAccess(cred, dir, kAccessWrite | kAccessExec));
  if ((dir.mode & S_ISVTX) && !cred.is_root() && cred.uid != dir.uid && cred.uid != child.uid) {
    return Error::Posix(EPERM);
  }
  return OkStatus();
}

Status CheckChown(const Cred& cred, const InodeRecord& rec, uint32_t new_uid, uint32_t new_gid) {
  if (cred.is_root()) return OkStatus();
  if (cred.uid != rec.uid) return Error::Posix(EPERM);
  if (new_uid != rec.uid) return Error::Posix(EPERM);
  if (new_gid != rec.gid && !cred.InGroup(new_gid)) return Error::Posix(EPERM);
  return OkStatus();
}

uint32_t ChmodResult(const Cred& cred, const InodeRecord& rec, uint32_t mode) {
  mode &= 07777;
  if (!cred.is_root() && !rec.is_dir() && !cred.InGroup(rec.gid)) mode &= ~S_ISGID;
  return mode;
}

uint32_t KillSuid(uint32_t mode) {
  mode &= ~S_ISUID;
  if (mode & S_IXGRP) mode &= ~S_ISGID;
  return mode;
}

NewOwnership InheritOwnership(const Cred& cred, const InodeRecord& parent, FileType type,
                              uint32_t mode) {
  NewOwnership o{cred.uid, cred.gid, mode & 07777};
  if (parent.mode & S_ISGID) {
    o.gid = parent.gid;
    if (type == FileType::kDirectory) o.mode |= S_ISGID;
  }
  if (type != FileType::kDirectory && (o.mode & S_ISGID) && !cred.is_root() &&
      !cred.InGroup(o.gid)) {
    o.mode &= ~S_ISGID;
  }
  return o;
}

}  // namespace zerofs::fs
