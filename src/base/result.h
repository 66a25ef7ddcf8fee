// Error values for every layer (no exceptions on the data path).
//
// An Error carries a Code that says what kind of failure it is, the POSIX errno
// the fs layer reports for it, whether retrying the same call may succeed, and
// a human-readable context string ("GET file:///srv/zfs/manifest: ...").
//
// Result<T> holds either a T or an Error; Status is Result<void>. Both are
// [[nodiscard]]: a deliberately ignored status is spelled `.Ignore()` so it can
// be found with grep.
#pragma once

#include <cassert>
#include <cerrno>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace zerofs {

enum class Code : unsigned char {
  kOk = 0,
  kNotFound,            // object, key or file does not exist (ENOENT)
  kAlreadyExists,       // conditional create lost: object exists (EEXIST)
  kPreconditionFailed,  // compare-and-swap lost: ETag changed
  kCorruption,          // bytes failed authentication or parsing (EIO)
  kIoError,             // local or remote I/O failure (EIO)
  kInvalidArgument,     // bad input or bad configuration (EINVAL)
  kPermissionDenied,    // credentials refused by a store (EACCES)
  kFenced,              // another writer owns the store (EROFS)
  kUnavailable,         // store unreachable or overloaded (EIO, retryable)
  kPosix,               // a filesystem error; the errno is in sys_errno()
};

const char* CodeName(Code code);

class [[nodiscard]] Error {
 public:
  Error(Code code, std::string context, bool retryable = false)
      : code_(code),
        sys_errno_(DefaultErrno(code)),
        retryable_(retryable),
        context_(std::move(context)) {}

  // A filesystem-level failure reported to clients as `err` (ENOENT, EEXIST...).
  static Error Posix(int err, std::string context = {}) {
    Error e(Code::kPosix, std::move(context));
    e.sys_errno_ = err;
    return e;
  }

  Code code() const { return code_; }
  int sys_errno() const { return sys_errno_; }
  bool retryable() const { return retryable_; }
  const std::string& context() const { return context_; }

  // "NotFound: GET file:///x/manifest" style text for logs and CLI output.
  std::string ToString() const;

  // Prepends "what: " to the context, for adding a caller's view of a failure.
  Error Wrap(const std::string& what) const {
    Error e = *this;
    e.context_ = context_.empty() ? what : what + ": " + context_;
    return e;
  }

 private:
  static int DefaultErrno(Code code);

  Code code_;
  int sys_errno_;
  bool retryable_;
  std::string context_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  void Ignore() const {}

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}  // NOLINT

  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *e_;
  }
  void Ignore() const {}

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

inline Status OkStatus() { return Status(); }

}  // namespace zerofs

// Evaluates `expr` (a Status or Result); on failure returns its Error from the
// enclosing function.
#define ZFS_RETURN_IF_ERROR(expr)                      \
  do {                                                 \
    auto&& zfs_status_ = (expr);                       \
    if (!zfs_status_.ok()) return zfs_status_.error(); \
  } while (0)

#define ZFS_CONCAT_INNER_(a, b) a##b
#define ZFS_CONCAT_(a, b) ZFS_CONCAT_INNER_(a, b)

// `ZFS_ASSIGN_OR_RETURN(auto x, Call());` declares x from a Result or returns
// the Error from the enclosing function.
#define ZFS_ASSIGN_OR_RETURN(lhs, expr) \
  ZFS_ASSIGN_OR_RETURN_IMPL_(ZFS_CONCAT_(zfs_result_, __LINE__), lhs, expr)
#define ZFS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.error();               \
  lhs = std::move(tmp).value()
