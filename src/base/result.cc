#include "base/result.h"

#include <cstring>

namespace zerofs {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      return "NotFound";
    case Code::kAlreadyExists:
      return "AlreadyExists";
    case Code::kPreconditionFailed:
      return "PreconditionFailed";
    case Code::kCorruption:
      return "Corruption";
    case Code::kIoError:
      return "IOError";
    case Code::kInvalidArgument:
      return "InvalidArgument";
    case Code::kPermissionDenied:
      return "PermissionDenied";
    case Code::kFenced:
      return "Fenced";
    case Code::kUnavailable:
      return "Unavailable";
    case Code::kPosix:
      return "Posix";
  }
  return "Unknown";
}

int Error::DefaultErrno(Code code) {
  switch (code) {
    case Code::kOk:
      return 0;
    case Code::kNotFound:
      return ENOENT;
    case Code::kAlreadyExists:
      return EEXIST;
    case Code::kPreconditionFailed:
      return EAGAIN;
    case Code::kInvalidArgument:
      return EINVAL;
    case Code::kPermissionDenied:
      return EACCES;
    case Code::kFenced:
      return EROFS;
    case Code::kCorruption:
    case Code::kIoError:
    case Code::kUnavailable:
    case Code::kPosix:
      return EIO;
  }
  return EIO;
}

std::string Error::ToString() const {
  std::string s = CodeName(code_);
  if (code_ == Code::kPosix) {
    s = std::strerror(sys_errno_);
  }
  if (!context_.empty()) {
    s += ": ";
    s += context_;
  }
  return s;
}

}  // namespace zerofs
