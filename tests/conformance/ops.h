// The seam between the conformance cases and a filesystem under test.
//
// Ops is a narrow, syscall-shaped view of a POSIX filesystem: every call names
// the caller's credentials explicitly and returns 0 (or a value) on success and
// -errno on failure, exactly as the Linux system call would. The cases are
// written only against this interface, so the same rules can be checked on the
// local disk (posix_ops.h), on the in-process fs core, and through NFS/9P/FUSE
// mounts.
//
// Conventions every backend follows:
//   - Paths are relative to the backend root, '/'-separated, never absolute;
//     "." is the root itself. Trailing slashes are passed through unchanged.
//   - Flags and mode bits use the host's (Linux) O_*, S_IF*, XATTR_*, FALLOC_FL_*
//     values; rdev uses the Linux dev_t encoding (makedev()).
//   - No umask is applied: a created object gets exactly the requested mode,
//     then the usual kernel rules (setgid-directory inheritance) apply.
//   - Handles are opaque non-negative ids returned by open(); each handle call
//     still carries the caller's credentials, because some rules (suid/sgid
//     clearing on write) depend on who writes, not on who opened.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace zerofs::conformance {

// Caller identity for one call. groups are the supplementary groups; gid need
// not be repeated there.
struct Cred {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> groups;
};

struct TimeSpec {
  int64_t sec = 0;
  int64_t nsec = 0;  // or kUtimeNow / kUtimeOmit in utimens()
  friend bool operator==(const TimeSpec&, const TimeSpec&) = default;
};

inline constexpr int64_t kUtimeNow = UTIME_NOW;
inline constexpr int64_t kUtimeOmit = UTIME_OMIT;

// chown()/lchown() id that leaves the current value alone (the -1 of chown(2)).
inline constexpr uint32_t kKeepId = 0xFFFFFFFFu;

struct Stat {
  uint64_t ino = 0;
  uint32_t mode = 0;  // file type and permission bits
  uint64_t nlink = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t rdev = 0;
  int64_t size = 0;
  int64_t blocks = 0;  // 512-byte units actually allocated
  TimeSpec atime, mtime, ctime;
};

struct StatVfs {
  uint64_t bsize = 0;
  uint64_t frsize = 0;
  uint64_t blocks = 0;  // in frsize units
  uint64_t bfree = 0;
  uint64_t bavail = 0;
  uint64_t files = 0;
  uint64_t ffree = 0;
  uint64_t namemax = 0;
};

struct DirEntry {
  std::string name;
  uint64_t ino = 0;
};

// What a backend can do. Cases list the feature names they need and are
// reported as skipped when one is missing. Known names: see feature_names.h.
struct Features {
  std::set<std::string> names;
  // Largest st_nlink the backend allows (EMLINK beyond it); 0 if unknown.
  uint64_t link_max = 0;
  // How long to wait so that a later change gets a strictly later timestamp.
  int64_t time_granularity_ns = 20'000'000;
};

class Ops {
 public:
  virtual ~Ops() = default;

  virtual Features features() = 0;

  // Objects.
  virtual int mkdir(const Cred& c, const std::string& path, uint32_t mode) = 0;
  virtual int mknod(const Cred& c, const std::string& path, uint32_t mode, uint64_t rdev) = 0;
  virtual int symlink(const Cred& c, const std::string& target, const std::string& path) = 0;
  // Returns the target length; *target receives the bytes.
  virtual int readlink(const Cred& c, const std::string& path, std::string* target) = 0;
  virtual int link(const Cred& c, const std::string& from, const std::string& to) = 0;
  virtual int unlink(const Cred& c, const std::string& path) = 0;
  virtual int rmdir(const Cred& c, const std::string& path) = 0;
  virtual int rename(const Cred& c, const std::string& from, const std::string& to) = 0;
  // renameat2(2); flags are RENAME_NOREPLACE / RENAME_EXCHANGE.
  virtual int rename2(const Cred& c, const std::string& from, const std::string& to,
                      unsigned flags) = 0;

  // Handles. open() returns a handle id >= 0.
  virtual int64_t open(const Cred& c, const std::string& path, int flags, uint32_t mode) = 0;
  int64_t creat(const Cred& c, const std::string& path, uint32_t mode) {
    return open(c, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
  }
  virtual int close(const Cred& c, int64_t h) = 0;
  virtual int64_t pread(const Cred& c, int64_t h, void* buf, size_t len, int64_t off) = 0;
  virtual int64_t pwrite(const Cred& c, int64_t h, const void* buf, size_t len, int64_t off) = 0;
  // Writes at the handle's file offset (honours O_APPEND) and advances it.
  virtual int64_t write(const Cred& c, int64_t h, const void* buf, size_t len) = 0;
  virtual int ftruncate(const Cred& c, int64_t h, int64_t size) = 0;
  virtual int fsync(const Cred& c, int64_t h, bool datasync) = 0;
  // mode: 0 or FALLOC_FL_* (PUNCH_HOLE must be combined with KEEP_SIZE).
  virtual int fallocate(const Cred& c, int64_t h, int mode, int64_t off, int64_t len) = 0;
  virtual int fstat(const Cred& c, int64_t h, Stat* st) = 0;
  // Next entries of a directory opened with O_RDONLY|O_DIRECTORY, without "."
  // and "..". Appends at most max entries; returns how many (0 at the end).
  virtual int readdir_chunk(const Cred& c, int64_t h, size_t max, std::vector<DirEntry>* out) = 0;

  // Attributes.
  virtual int stat(const Cred& c, const std::string& path, Stat* st) = 0;
  virtual int lstat(const Cred& c, const std::string& path, Stat* st) = 0;
  virtual int chmod(const Cred& c, const std::string& path, uint32_t mode) = 0;
  virtual int chown(const Cred& c, const std::string& path, uint32_t uid, uint32_t gid) = 0;
  virtual int lchown(const Cred& c, const std::string& path, uint32_t uid, uint32_t gid) = 0;
  // times[0] is atime, times[1] mtime; nsec may be kUtimeNow or kUtimeOmit.
  virtual int utimens(const Cred& c, const std::string& path, const TimeSpec times[2],
                      bool nofollow) = 0;
  virtual int truncate(const Cred& c, const std::string& path, int64_t size) = 0;
  virtual int statvfs(const Cred& c, const std::string& path, StatVfs* out) = 0;

  // Extended attributes (follow symlinks, like setxattr(2)). flags: 0,
  // XATTR_CREATE or XATTR_REPLACE. getxattr returns the value size.
  virtual int setxattr(const Cred& c, const std::string& path, const std::string& name,
                       const std::string& value, int flags) = 0;
  virtual int getxattr(const Cred& c, const std::string& path, const std::string& name,
                       std::string* value) = 0;
  virtual int listxattr(const Cred& c, const std::string& path,
                        std::vector<std::string>* names) = 0;
  virtual int removexattr(const Cred& c, const std::string& path, const std::string& name) = 0;

  // Every name in a directory except "." and "..", in backend order. The
  // default opens the directory and drains readdir_chunk().
  virtual int readdir(const Cred& c, const std::string& path, std::vector<std::string>* names);
};

}  // namespace zerofs::conformance
