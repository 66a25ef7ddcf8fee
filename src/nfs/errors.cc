#include "nfs/errors.h"

#include <cerrno>

namespace zerofs::nfs {

namespace {

struct ErrnoMapping {
  int err;
  Nfsstat3 status;
};

// The table. EBUSY (rmdir of the root, rename of "." or "..") has no NFSv3
// equivalent; ACCES tells the client the operation is refused.
constexpr ErrnoMapping kErrnoTable[] = {
    {EPERM, Nfsstat3::kPerm},
    {ENOENT, Nfsstat3::kNoent},
    {EIO, Nfsstat3::kIo},
    {ENXIO, Nfsstat3::kNxio},
    {EACCES, Nfsstat3::kAcces},
    {EEXIST, Nfsstat3::kExist},
    {EXDEV, Nfsstat3::kXdev},
    {ENODEV, Nfsstat3::kNodev},
    {ENOTDIR, Nfsstat3::kNotdir},
    {EISDIR, Nfsstat3::kIsdir},
    {EINVAL, Nfsstat3::kInval},
    {EFBIG, Nfsstat3::kFbig},
    {E2BIG, Nfsstat3::kFbig},
    {ENOSPC, Nfsstat3::kNospc},
    {EROFS, Nfsstat3::kRofs},
    {EMLINK, Nfsstat3::kMlink},
    {ENAMETOOLONG, Nfsstat3::kNametoolong},
    {ENOTEMPTY, Nfsstat3::kNotempty},
    {EDQUOT, Nfsstat3::kDquot},
    {ESTALE, Nfsstat3::kStale},
    {EBUSY, Nfsstat3::kAcces},
    {ELOOP, Nfsstat3::kInval},
    {EOPNOTSUPP, Nfsstat3::kNotsupp},
    {EAGAIN, Nfsstat3::kJukebox},
    {ENOMEM, Nfsstat3::kJukebox},
    {ETIMEDOUT, Nfsstat3::kJukebox},
};

}  // namespace

Nfsstat3 ErrnoToNfsstat3(int err) {
  for (const auto& m : kErrnoTable) {
    if (m.err == err) return m.status;
  }
  return Nfsstat3::kIo;
}

Nfsstat3 ToNfsstat3(const Error& error) {
  if (error.retryable()) return Nfsstat3::kJukebox;
  return ErrnoToNfsstat3(error.sys_errno());
}

Mountstat3 ToMountstat3(const Error& error) {
  switch (ToNfsstat3(error)) {
    case Nfsstat3::kPerm:
      return Mountstat3::kPerm;
    case Nfsstat3::kNoent:
    case Nfsstat3::kStale:
      return Mountstat3::kNoent;
    case Nfsstat3::kAcces:
      return Mountstat3::kAcces;
    case Nfsstat3::kNotdir:
      return Mountstat3::kNotdir;
    case Nfsstat3::kInval:
      return Mountstat3::kInval;
    case Nfsstat3::kNametoolong:
      return Mountstat3::kNametoolong;
    default:
      return Mountstat3::kIo;
  }
}

const char* Nfsstat3Name(Nfsstat3 s) {
  switch (s) {
    case Nfsstat3::kOk:
      return "NFS3_OK";
    case Nfsstat3::kPerm:
      return "NFS3ERR_PERM";
    case Nfsstat3::kNoent:
      return "NFS3ERR_NOENT";
    case Nfsstat3::kIo:
      return "NFS3ERR_IO";
    case Nfsstat3::kNxio:
      return "NFS3ERR_NXIO";
    case Nfsstat3::kAcces:
      return "NFS3ERR_ACCES";
    case Nfsstat3::kExist:
      return "NFS3ERR_EXIST";
    case Nfsstat3::kXdev:
      return "NFS3ERR_XDEV";
    case Nfsstat3::kNodev:
      return "NFS3ERR_NODEV";
    case Nfsstat3::kNotdir:
      return "NFS3ERR_NOTDIR";
    case Nfsstat3::kIsdir:
      return "NFS3ERR_ISDIR";
    case Nfsstat3::kInval:
      return "NFS3ERR_INVAL";
    case Nfsstat3::kFbig:
      return "NFS3ERR_FBIG";
    case Nfsstat3::kNospc:
      return "NFS3ERR_NOSPC";
    case Nfsstat3::kRofs:
      return "NFS3ERR_ROFS";
    case Nfsstat3::kMlink:
      return "NFS3ERR_MLINK";
    case Nfsstat3::kNametoolong:
      return "NFS3ERR_NAMETOOLONG";
    case Nfsstat3::kNotempty:
      return "NFS3ERR_NOTEMPTY";
    case Nfsstat3::kDquot:
      return "NFS3ERR_DQUOT";
    case Nfsstat3::kStale:
      return "NFS3ERR_STALE";
    case Nfsstat3::kRemote:
      return "NFS3ERR_REMOTE";
    case Nfsstat3::kBadhandle:
      return "NFS3ERR_BADHANDLE";
    case Nfsstat3::kNotSync:
      return "NFS3ERR_NOT_SYNC";
    case Nfsstat3::kBadCookie:
      return "NFS3ERR_BAD_COOKIE";
    case Nfsstat3::kNotsupp:
      return "NFS3ERR_NOTSUPP";
    case Nfsstat3::kToosmall:
      return "NFS3ERR_TOOSMALL";
    case Nfsstat3::kServerfault:
      return "NFS3ERR_SERVERFAULT";
    case Nfsstat3::kBadtype:
      return "NFS3ERR_BADTYPE";
    case Nfsstat3::kJukebox:
      return "NFS3ERR_JUKEBOX";
  }
  return "NFS3ERR_?";
}

}  // namespace zerofs::nfs
