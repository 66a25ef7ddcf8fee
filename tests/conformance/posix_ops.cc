#include "posix_ops.h"

#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace zerofs::conformance {
namespace {

// Ops report failures as -errno; this turns a -1/errno syscall result into it.
int64_t Ret(int64_t r) { return r < 0 ? -errno : r; }

const char* Rel(const std::string& path) { return path.empty() ? "." : path.c_str(); }

TimeSpec ToTime(const struct timespec& ts) { return {ts.tv_sec, ts.tv_nsec}; }

void ToStat(const struct stat& s, Stat* st) {
  st->ino = s.st_ino;
  st->mode = s.st_mode;
  st->nlink = s.st_nlink;
  st->uid = s.st_uid;
  st->gid = s.st_gid;
  st->rdev = s.st_rdev;
  st->size = s.st_size;
  st->blocks = s.st_blocks;
  st->atime = ToTime(s.st_atim);
  st->mtime = ToTime(s.st_mtim);
  st->ctime = ToTime(s.st_ctim);
}

}  // namespace

class PosixOps::CredScope {
 public:
  CredScope(const PosixOps& ops, const Cred& c) : active_(ops.switch_creds_) {
    if (!active_) return;
    int saved = errno;
    syscall(SYS_setgroups, c.groups.size(), c.groups.data());
    syscall(SYS_setfsgid, c.gid);
    syscall(SYS_setfsuid, c.uid);
    errno = saved;
  }
  ~CredScope() {
    if (!active_) return;
    // Preserve the errno of the call made under these credentials.
    int saved = errno;
    syscall(SYS_setfsuid, 0);
    syscall(SYS_setfsgid, 0);
    syscall(SYS_setgroups, 0, nullptr);
    errno = saved;
  }
  CredScope(const CredScope&) = delete;
  CredScope& operator=(const CredScope&) = delete;

 private:
  bool active_;
};

PosixOps::PosixOps(const std::string& root) {
  umask(0);
  root_fd_ = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd_ >= 0) Probe();
}

PosixOps::~PosixOps() {
  for (auto& [h, dir] : dirs_) closedir(dir);
  if (root_fd_ >= 0) ::close(root_fd_);
}

std::string PosixOps::ProcPath(const std::string& path) const {
  return "/proc/self/fd/" + std::to_string(root_fd_) + "/" + path;
}

int PosixOps::mkdir(const Cred& c, const std::string& path, uint32_t mode) {
  CredScope s(*this, c);
  return Ret(::mkdirat(root_fd_, Rel(path), mode));
}

int PosixOps::mknod(const Cred& c, const std::string& path, uint32_t mode, uint64_t rdev) {
  CredScope s(*this, c);
  return Ret(::mknodat(root_fd_, Rel(path), mode, rdev));
}

int PosixOps::symlink(const Cred& c, const std::string& target, const std::string& path) {
  CredScope s(*this, c);
  return Ret(::symlinkat(target.c_str(), root_fd_, Rel(path)));
}

int PosixOps::readlink(const Cred& c, const std::string& path, std::string* target) {
  CredScope s(*this, c);
  char buf[PATH_MAX + 1];
  ssize_t n = ::readlinkat(root_fd_, Rel(path), buf, sizeof(buf));
  if (n < 0) return -errno;
  target->assign(buf, n);
  return static_cast<int>(n);
}

int PosixOps::link(const Cred& c, const std::string& from, const std::string& to) {
  CredScope s(*this, c);
  return Ret(::linkat(root_fd_, Rel(from), root_fd_, Rel(to), 0));
}

int PosixOps::unlink(const Cred& c, const std::string& path) {
  CredScope s(*this, c);
  return Ret(::unlinkat(root_fd_, Rel(path), 0));
}

int PosixOps::rmdir(const Cred& c, const std::string& path) {
  CredScope s(*this, c);
  return Ret(::unlinkat(root_fd_, Rel(path), AT_REMOVEDIR));
}

int PosixOps::rename(const Cred& c, const std::string& from, const std::string& to) {
  CredScope s(*this, c);
  return Ret(::renameat(root_fd_, Rel(from), root_fd_, Rel(to)));
}

int PosixOps::rename2(const Cred& c, const std::string& from, const std::string& to,
                      unsigned flags) {
  CredScope s(*this, c);
  return Ret(::renameat2(root_fd_, Rel(from), root_fd_, Rel(to), flags));
}

int64_t PosixOps::open(const Cred& c, const std::string& path, int flags, uint32_t mode) {
  CredScope s(*this, c);
  return Ret(::openat(root_fd_, Rel(path), flags | O_CLOEXEC, mode));
}

int PosixOps::close(const Cred& c, int64_t h) {
  auto it = dirs_.find(h);
  if (it != dirs_.end()) {
    closedir(it->second);  // owns a dup of h
    dirs_.erase(it);
  }
  return Ret(::close(static_cast<int>(h)));
}

int64_t PosixOps::pread(const Cred& c, int64_t h, void* buf, size_t len, int64_t off) {
  CredScope s(*this, c);
  return Ret(::pread(static_cast<int>(h), buf, len, off));
}

int64_t PosixOps::pwrite(const Cred& c, int64_t h, const void* buf, size_t len, int64_t off) {
  CredScope s(*this, c);
  return Ret(::pwrite(static_cast<int>(h), buf, len, off));
}

int64_t PosixOps::write(const Cred& c, int64_t h, const void* buf, size_t len) {
  CredScope s(*this, c);
  return Ret(::write(static_cast<int>(h), buf, len));
}

int PosixOps::ftruncate(const Cred& c, int64_t h, int64_t size) {
  CredScope s(*this, c);
  return Ret(::ftruncate(static_cast<int>(h), size));
}

int PosixOps::fsync(const Cred& c, int64_t h, bool datasync) {
  CredScope s(*this, c);
  return Ret(datasync ? ::fdatasync(static_cast<int>(h)) : ::fsync(static_cast<int>(h)));
}

int PosixOps::fallocate(const Cred& c, int64_t h, int mode, int64_t off, int64_t len) {
  CredScope s(*this, c);
  return Ret(::fallocate(static_cast<int>(h), mode, off, len));
}

int PosixOps::fstat(const Cred& c, int64_t h, Stat* st) {
  CredScope s(*this, c);
  struct stat sb;
  if (::fstat(static_cast<int>(h), &sb) < 0) return -errno;
  ToStat(sb, st);
  return 0;
}

int PosixOps::readdir_chunk(const Cred& c, int64_t h, size_t max, std::vector<DirEntry>* out) {
  CredScope s(*this, c);
  auto it = dirs_.find(h);
  if (it == dirs_.end()) {
    int fd = ::dup(static_cast<int>(h));
    if (fd < 0) return -errno;
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      int e = errno;
      ::close(fd);
      return -e;
    }
    it = dirs_.emplace(h, dir).first;
  }
  int n = 0;
  while (static_cast<size_t>(n) < max) {
    errno = 0;
    struct dirent* d = ::readdir(it->second);
    if (d == nullptr) {
      if (errno != 0) return -errno;
      break;
    }
    std::string name = d->d_name;
    if (name == "." || name == "..") continue;
    out->push_back({std::move(name), d->d_ino});
    ++n;
  }
  return n;
}

int PosixOps::stat(const Cred& c, const std::string& path, Stat* st) {
  CredScope s(*this, c);
  struct stat sb;
  if (::fstatat(root_fd_, Rel(path), &sb, 0) < 0) return -errno;
  ToStat(sb, st);
  return 0;
}

int PosixOps::lstat(const Cred& c, const std::string& path, Stat* st) {
  CredScope s(*this, c);
  struct stat sb;
  if (::fstatat(root_fd_, Rel(path), &sb, AT_SYMLINK_NOFOLLOW) < 0) return -errno;
  ToStat(sb, st);
  return 0;
}

int PosixOps::chmod(const Cred& c, const std::string& path, uint32_t mode) {
  CredScope s(*this, c);
  return Ret(::fchmodat(root_fd_, Rel(path), mode, 0));
}

int PosixOps::chown(const Cred& c, const std::string& path, uint32_t uid, uint32_t gid) {
  CredScope s(*this, c);
  return Ret(::fchownat(root_fd_, Rel(path), uid, gid, 0));
}

int PosixOps::lchown(const Cred& c, const std::string& path, uint32_t uid, uint32_t gid) {
  CredScope s(*this, c);
  return Ret(::fchownat(root_fd_, Rel(path), uid, gid, AT_SYMLINK_NOFOLLOW));
}

int PosixOps::utimens(const Cred& c, const std::string& path, const TimeSpec times[2],
                      bool nofollow) {
  CredScope s(*this, c);
  struct timespec ts[2];
  for (int i = 0; i < 2; ++i) {
    ts[i].tv_sec = times[i].sec;
    ts[i].tv_nsec = times[i].nsec;
  }
  return Ret(::utimensat(root_fd_, Rel(path), ts, nofollow ? AT_SYMLINK_NOFOLLOW : 0));
}

int PosixOps::truncate(const Cred& c, const std::string& path, int64_t size) {
  CredScope s(*this, c);
  return Ret(::truncate(ProcPath(path).c_str(), size));
}

int PosixOps::statvfs(const Cred& c, const std::string& path, StatVfs* out) {
  CredScope s(*this, c);
  struct statvfs v;
  if (::statvfs(ProcPath(path).c_str(), &v) < 0) return -errno;
  out->bsize = v.f_bsize;
  out->frsize = v.f_frsize;
  out->blocks = v.f_blocks;
  out->bfree = v.f_bfree;
  out->bavail = v.f_bavail;
  out->files = v.f_files;
  out->ffree = v.f_ffree;
  out->namemax = v.f_namemax;
  return 0;
}

int PosixOps::setxattr(const Cred& c, const std::string& path, const std::string& name,
                       const std::string& value, int flags) {
  CredScope s(*this, c);
  return Ret(::setxattr(ProcPath(path).c_str(), name.c_str(), value.data(), value.size(), flags));
}

int PosixOps::getxattr(const Cred& c, const std::string& path, const std::string& name,
                       std::string* value) {
  CredScope s(*this, c);
  std::string p = ProcPath(path);
  for (;;) {
    ssize_t n = ::getxattr(p.c_str(), name.c_str(), nullptr, 0);
    if (n < 0) return -errno;
    value->resize(n);
    ssize_t m = ::getxattr(p.c_str(), name.c_str(), value->data(), value->size());
    if (m >= 0) {
      value->resize(m);
      return static_cast<int>(m);
    }
    if (errno != ERANGE) return -errno;  // grew between the calls: retry
  }
}

int PosixOps::listxattr(const Cred& c, const std::string& path, std::vector<std::string>* names) {
  CredScope s(*this, c);
  std::string p = ProcPath(path);
  std::string buf;
  for (;;) {
    ssize_t n = ::listxattr(p.c_str(), nullptr, 0);
    if (n < 0) return -errno;
    buf.resize(n);
    ssize_t m = ::listxattr(p.c_str(), buf.data(), buf.size());
    if (m >= 0) {
      buf.resize(m);
      break;
    }
    if (errno != ERANGE) return -errno;
  }
  names->clear();
  size_t start = 0;
  while (start < buf.size()) {
    size_t end = buf.find('\0', start);
    if (end == std::string::npos) end = buf.size();
    names->push_back(buf.substr(start, end - start));
    start = end + 1;
  }
  return 0;
}

int PosixOps::removexattr(const Cred& c, const std::string& path, const std::string& name) {
  CredScope s(*this, c);
  return Ret(::removexattr(ProcPath(path).c_str(), name.c_str()));
}

}  // namespace zerofs::conformance
