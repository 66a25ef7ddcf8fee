// The one place where errno values become NBD wire errors (transmission
// NBD_E* values and handshake NBD_REP_ERR_* replies). Every other file passes
// fs errors through unchanged and calls these.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace zerofs::nbd {

// What a wire error may depend on besides the errno.
struct ErrorContext {
  bool fast_zero = false;   // the request carried NBD_CMD_FLAG_FAST_ZERO
  bool structured = false;  // structured replies were negotiated
};

// errno -> NBD_E* for a transmission reply. Never 0; unknown values EIO.
// ENOTSUP/EOPNOTSUPP is only NBD_ENOTSUP for a FAST_ZERO request (the spec
// reserves it for that) and EINVAL otherwise; EOVERFLOW only with
// structured replies, EINVAL otherwise.
uint32_t ToNbdError(int err, const ErrorContext& ctx = {});
uint32_t ToNbdError(const Error& e, const ErrorContext& ctx = {});

// errno from looking up or opening an export -> NBD_REP_ERR_* for INFO/GO.
uint32_t ToOptionReplyError(int err);

}  // namespace zerofs::nbd
