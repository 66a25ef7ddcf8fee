#include "objstore/local_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "base/coding.h"
#include "objstore/local_layout.h"
#include "objstore/local_list.h"
#include "objstore/scoped_fd.h"

namespace zerofs::objstore {

namespace {

std::string ErrnoText(int err) {
  char buf[128];
  return strerror_r(err, buf, sizeof(buf));  // GNU variant: returns the text
}

// The one errno -> Code table of this backend.
Code CodeForErrno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Code::kNotFound;
    case EEXIST:
      return Code::kAlreadyExists;
    case EACCES:
    case EPERM:
    case EROFS:
      return Code::kPermissionDenied;
    case EISDIR:
    case ENAMETOOLONG:
    case EINVAL:
      return Code::kInvalidArgument;
    default:
      return Code::kIoError;  // ENOSPC, EIO, EDQUOT, ...
  }
}

struct timespec FromNanos(uint64_t ns) {
  struct timespec ts;
  ts.tv_sec = static_cast<time_t>(ns / 1000000000u);
  ts.tv_nsec = static_cast<long>(ns % 1000000000u);
  return ts;
}

uint64_t NowNanos() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return StatNanos(ts);
}

// Sets the mtime of `fd` to `ns` (leaving atime alone).
int SetMtime(int fd, uint64_t ns) {
  struct timespec times[2] = {{0, UTIME_OMIT}, FromNanos(ns)};
  return futimens(fd, times) == 0 ? 0 : errno;
}

int WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

// Splits "a/b/c" into "a/b" and "c".
std::pair<std::string, std::string> SplitKey(std::string_view key) {
  size_t slash = key.rfind('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

// Unlinks a temporary file on scope exit unless it has been committed.
class TempFileGuard {
 public:
  TempFileGuard(int dir, const std::string& name) : dir_(dir), name_(name) {}
  ~TempFileGuard() {
    if (armed_) unlinkat(dir_, name_.c_str(), 0);
  }
  void Disarm() { armed_ = false; }

 private:
  int dir_;
  const std::string& name_;
  bool armed_ = true;
};

}  // namespace

Result<std::shared_ptr<LocalStore>> LocalStore::Open(const std::string& root_arg) {
  std::string root = root_arg;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  const std::string url = "file://" + root;
  if (root.empty() || root.front() != '/') {
    return Error(Code::kInvalidArgument, url + ": the path must be absolute");
  }
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  struct stat st;
  if (stat(root.c_str(), &st) != 0) {
    int err = ec ? ec.value() : errno;
    return Error(CodeForErrno(err), url + ": cannot create directory: " + ErrnoText(err));
  }
  if (!S_ISDIR(st.st_mode)) {
    return Error(Code::kInvalidArgument, url + ": not a directory");
  }
  int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return Error(CodeForErrno(err), url + ": cannot open directory: " + ErrnoText(err));
  }
  // Creating the lock file doubles as the writability check.
  int lock = openat(fd, std::string(kLockFileName).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) {
    int err = errno;
    close(fd);
    return Error(CodeForErrno(err), url + ": not writable: " + ErrnoText(err));
  }
  close(lock);
  return std::shared_ptr<LocalStore>(new LocalStore(std::move(root), fd));
}

LocalStore::LocalStore(std::string root, int root_fd)
    : root_(std::move(root)), url_("file://" + root_), root_fd_(root_fd) {}

LocalStore::~LocalStore() { close(root_fd_); }

Error LocalStore::ErrnoError(const char* op, std::string_view key, int err) const {
  return KeyError(op, key, CodeForErrno(err), ErrnoText(err));
}

Error LocalStore::KeyError(const char* op, std::string_view key, Code code,
                           std::string_view why) const {
  std::string context = std::string(op) + " " + url_ + "/";
  context.append(key);
  context += ": ";
  context.append(why);
  return Error(code, std::move(context));
}

Status LocalStore::CheckKey(const char* op, std::string_view key) const {
  if (const char* why = InvalidKeyReason(key)) {
    return KeyError(op, key, Code::kInvalidArgument, why);
  }
  return OkStatus();
}

Result<ScopedFd> LocalStore::OpenParent(const char* op, std::string_view key, bool create) const {
  std::string parent = SplitKey(key).first;
  const char* path = parent.empty() ? "." : parent.c_str();
  int fd = openat(root_fd_, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && create) {
    // Create each missing level, making each new entry durable in its parent.
    for (size_t end = 0; end != std::string::npos;) {
      end = parent.find('/', end + 1);
      std::string level = parent.substr(0, end);
      if (mkdirat(root_fd_, level.c_str(), 0755) == 0) {
        std::string up = SplitKey(level).first;
        int up_fd =
            openat(root_fd_, up.empty() ? "." : up.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (up_fd >= 0) {
          fsync(up_fd);
          close(up_fd);
        }
      } else if (errno != EEXIST) {
        return ErrnoError(op, key, errno);
      }
    }
    fd = openat(root_fd_, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  if (fd < 0) {
    int err = errno;
    if (err == ENOTDIR && create) {
      return KeyError(op, key, Code::kInvalidArgument, "a parent of the key is an object");
    }
    return ErrnoError(op, key, err);
  }
  return ScopedFd(fd);
}

Result<ScopedFd> LocalStore::LockStore(const char* op, std::string_view key, bool exclusive) const {
  // A fresh open file description per call: flock excludes those from each
  // other even within one process, so threads need no extra mutex.
  ScopedFd lock(
      openat(root_fd_, std::string(kLockFileName).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (lock.get() < 0) return ErrnoError(op, key, errno);
  while (flock(lock.get(), exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno != EINTR) return ErrnoError(op, key, errno);
  }
  return lock;  // closing the descriptor releases the lock
}

Result<ScopedFd> LocalStore::OpenObject(const char* op, std::string_view key,
                                        struct stat* st) const {
  ZFS_RETURN_IF_ERROR(CheckKey(op, key));
  ScopedFd fd(openat(root_fd_, std::string(key).c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoError(op, key, errno);
  if (fstat(fd.get(), st) != 0) return ErrnoError(op, key, errno);
  if (!S_ISREG(st->st_mode)) return ErrnoError(op, key, ENOENT);  // a directory
  return fd;
}

namespace {

// How many bytes of an object of `size` a range asks for (clipped; length 0
// means to the end).
uint64_t ClippedLength(uint64_t size, uint64_t offset, uint64_t length) {
  const uint64_t n = offset < size ? size - offset : 0;
  return length != 0 ? std::min(n, length) : n;
}

}  // namespace

Status LocalStore::ReadAt(std::string_view key, int fd, uint64_t offset, uint64_t n,
                          char* dst) const {
  for (uint64_t done = 0; done < n;) {
    ssize_t got = pread(fd, dst + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("GET", key, errno);
    }
    if (got == 0) return KeyError("GET", key, Code::kIoError, "object shrank while being read");
    done += static_cast<uint64_t>(got);
  }
  return OkStatus();
}

Result<GetResult> LocalStore::Get(std::string_view key, std::optional<ByteRange> range) {
  struct stat st;
  ZFS_ASSIGN_OR_RETURN(ScopedFd fd, OpenObject("GET", key, &st));
  GetResult result;
  result.object_size = static_cast<uint64_t>(st.st_size);
  result.etag = EtagOfStat(st);
  const uint64_t offset = range ? range->offset : 0;
  const uint64_t n = ClippedLength(result.object_size, offset, range ? range->length : 0);
  result.data.resize(n);
  ZFS_RETURN_IF_ERROR(ReadAt(key, fd.get(), offset, n, result.data.data()));
  return result;
}

Result<std::string_view> LocalStore::ReadRange(std::string_view key, ByteRange range,
                                               RangeBuffer* buf) {
  struct stat st;
  ZFS_ASSIGN_OR_RETURN(ScopedFd fd, OpenObject("GET", key, &st));
  const uint64_t n = ClippedLength(static_cast<uint64_t>(st.st_size), range.offset, range.length);
  char* dst = buf->Prepare(n);
  ZFS_RETURN_IF_ERROR(ReadAt(key, fd.get(), range.offset, n, dst));
  return std::string_view(dst, n);
}

Result<ObjectInfo> LocalStore::Head(std::string_view key) {
  ZFS_RETURN_IF_ERROR(CheckKey("HEAD", key));
  struct stat st;
  if (fstatat(root_fd_, std::string(key).c_str(), &st, 0) != 0)
    return ErrnoError("HEAD", key, errno);
  if (!S_ISREG(st.st_mode)) return ErrnoError("HEAD", key, ENOENT);
  return ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size), EtagOfStat(st)};
}

Result<std::string> LocalStore::Put(std::string_view key, std::string_view data,
                                    const PutOptions& options) {
  ZFS_RETURN_IF_ERROR(CheckKey("PUT", key));
  ZFS_ASSIGN_OR_RETURN(ScopedFd dir, OpenParent("PUT", key, /*create=*/true));
  const std::string name = SplitKey(key).second;
  // Fail fast before writing what may be hundreds of MiB; Commit decides.
  ZFS_RETURN_IF_ERROR(CheckCondition(key, dir.get(), name, options));
  std::string tmp;
  ScopedFd fd;
  while (fd.get() < 0) {
    tmp = NewTempName();
    fd = ScopedFd(openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0 && errno != EEXIST) return ErrnoError("PUT", key, errno);
  }
  TempFileGuard guard(dir.get(), tmp);
  if (int err = WriteAll(fd.get(), data)) return ErrnoError("PUT", key, err);
  // The file system's own timestamps tick per jiffy; a fine-grained mtime
  // keeps ETags of quickly successive versions apart.
  if (options.mode != PutMode::kIfMatch) {
    if (int err = SetMtime(fd.get(), NowNanos())) return ErrnoError("PUT", key, err);
  }
  if (fsync(fd.get()) != 0) return ErrnoError("PUT", key, errno);

  ZFS_RETURN_IF_ERROR(Commit(key, dir.get(), fd.get(), tmp, name, options));
  guard.Disarm();
  if (fsync(dir.get()) != 0) return ErrnoError("PUT", key, errno);
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return ErrnoError("PUT", key, errno);
  return EtagOfStat(st);
}

Status LocalStore::CheckCondition(std::string_view key, int dir, const std::string& name,
                                  const PutOptions& options) const {
  if (options.mode == PutMode::kOverwrite) return OkStatus();
  struct stat st;
  if (fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    int err = errno;
    if (err != ENOENT) return ErrnoError("PUT", key, err);
    if (options.mode == PutMode::kIfNoneMatch) return OkStatus();
    return KeyError("PUT", key, Code::kPreconditionFailed, "object does not exist (If-Match)");
  }
  if (options.mode == PutMode::kIfNoneMatch) {
    return KeyError("PUT", key, Code::kAlreadyExists, "object exists (If-None-Match)");
  }
  if (!S_ISREG(st.st_mode) || EtagOfStat(st) != options.etag) {
    return KeyError("PUT", key, Code::kPreconditionFailed, "ETag does not match (If-Match)");
  }
  return OkStatus();
}

Status LocalStore::Commit(std::string_view key, int dir, int fd, const std::string& tmp,
                          const std::string& name, const PutOptions& options) {
  switch (options.mode) {
    case PutMode::kOverwrite: {
      ZFS_ASSIGN_OR_RETURN(ScopedFd lock, LockStore("PUT", key, /*exclusive=*/false));
      if (renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) return ErrnoError("PUT", key, errno);
      return OkStatus();
    }
    case PutMode::kIfNoneMatch:
      if (linkat(dir, tmp.c_str(), dir, name.c_str(), 0) != 0) {
        int err = errno;
        if (err == EEXIST) {
          return KeyError("PUT", key, Code::kAlreadyExists, "object exists (If-None-Match)");
        }
        return ErrnoError("PUT", key, err);
      }
      // The object is in place; a leftover link named tmp would only be swept.
      unlinkat(dir, tmp.c_str(), 0);
      return OkStatus();
    case PutMode::kIfMatch:
      return CommitIfMatch(key, dir, fd, tmp, name, options);
  }
  return KeyError("PUT", key, Code::kInvalidArgument, "unknown put mode");
}

Status LocalStore::CommitIfMatch(std::string_view key, int dir, int fd, const std::string& tmp,
                                 const std::string& name, const PutOptions& options) {
  ZFS_ASSIGN_OR_RETURN(ScopedFd lock, LockStore("PUT", key, /*exclusive=*/true));
  ZFS_RETURN_IF_ERROR(CheckCondition(key, dir, name, options));
  const std::string& expected = options.etag;
  struct stat st;

  // Stamp an mtime later than every earlier CAS in this store, as stored by
  // this file system (which may round it).
  char buf[8] = {};
  uint64_t last = pread(lock.get(), buf, sizeof(buf), 0) == sizeof(buf) ? LoadLE64(buf) : 0;
  uint64_t stamp = std::max(NowNanos(), last + 1);
  for (uint64_t step = 1;; step = std::min<uint64_t>(step * 10, 1000000000u), stamp += step) {
    if (int err = SetMtime(fd, stamp)) return ErrnoError("PUT", key, err);
    if (fstat(fd, &st) != 0) return ErrnoError("PUT", key, errno);
    if (StatNanos(st.st_mtim) > last) break;
  }
  std::string record;
  PutLE64(&record, StatNanos(st.st_mtim));
  if (pwrite(lock.get(), record.data(), record.size(), 0) != static_cast<ssize_t>(record.size())) {
    return ErrnoError("PUT", key, errno);
  }
  if (fsync(fd) != 0) return ErrnoError("PUT", key, errno);
  if (renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) return ErrnoError("PUT", key, errno);

  // The new file is a different inode, so its ETag differs; make sure anyway,
  // because a CAS that leaves the ETag unchanged would let a stale writer win.
  for (int i = 0;; i++) {
    if (fstat(fd, &st) != 0) return ErrnoError("PUT", key, errno);
    if (EtagOfStat(st) != expected) break;
    if (i == 100) return KeyError("PUT", key, Code::kIoError, "ETag does not change");
    if (int err = SetMtime(fd, StatNanos(st.st_mtim) + 1000000u))
      return ErrnoError("PUT", key, err);
  }
  return OkStatus();
}

Result<ListPage> LocalStore::List(std::string_view prefix, std::string_view token,
                                  size_t max_keys) {
  if (max_keys == 0) {
    return KeyError("LIST", prefix, Code::kInvalidArgument, "max_keys must be positive");
  }
  std::vector<LocalEntry> entries;
  std::string failed;
  if (int err = WalkLocalTree(root_fd_, prefix, token, max_keys + 1, &entries, &failed)) {
    return ErrnoError("LIST", failed, err);
  }
  ListPage page;
  bool more = entries.size() > max_keys;
  if (more) entries.resize(max_keys);
  page.objects.reserve(entries.size());
  for (LocalEntry& e : entries) {
    page.objects.push_back(
        ObjectInfo{std::move(e.key), static_cast<uint64_t>(e.st.st_size), EtagOfStat(e.st)});
  }
  if (more) page.next_token = page.objects.back().key;
  return page;
}

Status LocalStore::Delete(std::string_view key) {
  ZFS_RETURN_IF_ERROR(CheckKey("DELETE", key));
  Result<ScopedFd> parent = OpenParent("DELETE", key, /*create=*/false);
  if (!parent.ok()) {
    if (parent.error().code() == Code::kNotFound) return OkStatus();
    return parent.error();
  }
  ScopedFd dir = std::move(parent).value();
  {
    ZFS_ASSIGN_OR_RETURN(ScopedFd lock, LockStore("DELETE", key, /*exclusive=*/false));
    if (unlinkat(dir.get(), SplitKey(key).second.c_str(), 0) != 0) {
      int err = errno;
      if (err == ENOENT || err == EISDIR) return OkStatus();  // no such object
      return ErrnoError("DELETE", key, err);
    }
  }
  if (fsync(dir.get()) != 0) return ErrnoError("DELETE", key, errno);
  return OkStatus();
}

Result<size_t> LocalStore::SweepTempFiles(std::chrono::seconds older_than) {
  uint64_t age = static_cast<uint64_t>(std::max<int64_t>(older_than.count(), 0)) * 1000000000u;
  uint64_t now = NowNanos();
  uint64_t cutoff = now > age ? now - age : 0;
  size_t removed = 0;
  int fd = openat(root_fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("SWEEP", "", errno);
  if (int err = SweepLocalTree(fd, cutoff, &removed)) return ErrnoError("SWEEP", "", err);
  return removed;
}

}  // namespace zerofs::objstore
