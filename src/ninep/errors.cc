#include "ninep/errors.h"

#include <cerrno>

namespace zerofs::ninep {

namespace {
constexpr int kMaxLinuxErrno = 4095;  // the kernel's MAX_ERRNO
}  // namespace

uint32_t WireErrno(const Error& error) {
  int e = error.sys_errno();
  if (e <= 0 || e > kMaxLinuxErrno) e = EIO;
  return static_cast<uint32_t>(e);
}

}  // namespace zerofs::ninep
