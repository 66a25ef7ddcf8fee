#include "nbd/errors.h"

#include <cerrno>

#include "nbd/wire.h"

namespace zerofs::nbd {

uint32_t ToNbdError(int err, const ErrorContext& ctx) {
  switch (err) {
    case EPERM:
    case EACCES:
    case EROFS:
      return kEPerm;
    case EIO:
      return kEIo;
    case ENOMEM:
      return kENoMem;
    case EINVAL:
    case EISDIR:
    case ENODEV:
      return kEInval;
    case ENOSPC:
    case EFBIG:
    case EDQUOT:
      return kENoSpc;
    case EOVERFLOW:
      return ctx.structured ? kEOverflow : kEInval;
    case ENOTSUP:
#if EOPNOTSUPP != ENOTSUP
    case EOPNOTSUPP:
#endif
      return ctx.fast_zero ? kENotSup : kEInval;
    case ESHUTDOWN:
      return kEShutdown;
    default:  // ESTALE (inode gone), ENOENT, engine failures...
      return kEIo;
  }
}

uint32_t ToNbdError(const Error& e, const ErrorContext& ctx) {
  return ToNbdError(e.sys_errno(), ctx);
}

uint32_t ToOptionReplyError(int err) {
  switch (err) {
    case EPERM:
    case EACCES:
      return kRepErrPolicy;
    case ESHUTDOWN:
      return kRepErrShutdown;
    default:  // ENOENT, ENOTDIR, EINVAL (bad name), ENAMETOOLONG, ESTALE, EIO...
      return kRepErrUnknown;
  }
}

}  // namespace zerofs::nbd
