// One caller acting inside a case's private directory: the Ops calls with the
// credentials bound and every path taken relative to the case directory, so a
// case reads like the rule it checks: CHECK_ERR(t.u1.unlink("d/f"), EACCES).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ops.h"

namespace zerofs::conformance {

class Actor {
 public:
  Actor(Ops& ops, Cred cred, std::string base)
      : ops_(ops), cred_(std::move(cred)), base_(std::move(base)) {}

  const Cred& cred() const { return cred_; }
  // The backend path of a case-relative path (symlink targets are not mapped).
  std::string P(const std::string& rel) const { return rel.empty() ? base_ : base_ + "/" + rel; }

  int mkdir(const std::string& p, uint32_t mode) { return ops_.mkdir(cred_, P(p), mode); }
  int mknod(const std::string& p, uint32_t mode, uint64_t rdev = 0) {
    return ops_.mknod(cred_, P(p), mode, rdev);
  }
  int symlink(const std::string& target, const std::string& p) {
    return ops_.symlink(cred_, target, P(p));
  }
  int readlink(const std::string& p, std::string* target) {
    return ops_.readlink(cred_, P(p), target);
  }
  int link(const std::string& from, const std::string& to) {
    return ops_.link(cred_, P(from), P(to));
  }
  int unlink(const std::string& p) { return ops_.unlink(cred_, P(p)); }
  int rmdir(const std::string& p) { return ops_.rmdir(cred_, P(p)); }
  int rename(const std::string& from, const std::string& to) {
    return ops_.rename(cred_, P(from), P(to));
  }
  int rename2(const std::string& from, const std::string& to, unsigned flags) {
    return ops_.rename2(cred_, P(from), P(to), flags);
  }

  int64_t open(const std::string& p, int flags, uint32_t mode = 0) {
    return ops_.open(cred_, P(p), flags, mode);
  }
  int64_t creat(const std::string& p, uint32_t mode) { return ops_.creat(cred_, P(p), mode); }
  int close(int64_t h) { return ops_.close(cred_, h); }
  // Reads up to len bytes at off into *out (resized to what was read).
  int64_t pread(int64_t h, std::string* out, size_t len, int64_t off);
  int64_t pwrite(int64_t h, std::string_view data, int64_t off) {
    return ops_.pwrite(cred_, h, data.data(), data.size(), off);
  }
  int64_t write(int64_t h, std::string_view data) {
    return ops_.write(cred_, h, data.data(), data.size());
  }
  int ftruncate(int64_t h, int64_t size) { return ops_.ftruncate(cred_, h, size); }
  int fsync(int64_t h, bool datasync = false) { return ops_.fsync(cred_, h, datasync); }
  int fallocate(int64_t h, int mode, int64_t off, int64_t len) {
    return ops_.fallocate(cred_, h, mode, off, len);
  }
  int fstat(int64_t h, Stat* st) { return ops_.fstat(cred_, h, st); }
  int readdir_chunk(int64_t h, size_t max, std::vector<DirEntry>* out) {
    return ops_.readdir_chunk(cred_, h, max, out);
  }

  // st may be null when only the result matters.
  int stat(const std::string& p, Stat* st) {
    Stat scratch;
    return ops_.stat(cred_, P(p), st ? st : &scratch);
  }
  int lstat(const std::string& p, Stat* st) {
    Stat scratch;
    return ops_.lstat(cred_, P(p), st ? st : &scratch);
  }
  int chmod(const std::string& p, uint32_t mode) { return ops_.chmod(cred_, P(p), mode); }
  int chown(const std::string& p, uint32_t uid, uint32_t gid) {
    return ops_.chown(cred_, P(p), uid, gid);
  }
  int lchown(const std::string& p, uint32_t uid, uint32_t gid) {
    return ops_.lchown(cred_, P(p), uid, gid);
  }
  int utimens(const std::string& p, TimeSpec atime, TimeSpec mtime, bool nofollow = false) {
    const TimeSpec times[2] = {atime, mtime};
    return ops_.utimens(cred_, P(p), times, nofollow);
  }
  int truncate(const std::string& p, int64_t size) { return ops_.truncate(cred_, P(p), size); }
  int statvfs(const std::string& p, StatVfs* out) { return ops_.statvfs(cred_, P(p), out); }
  int readdir(const std::string& p, std::vector<std::string>* names) {
    return ops_.readdir(cred_, P(p), names);
  }

  int setxattr(const std::string& p, const std::string& name, const std::string& value,
               int flags = 0) {
    return ops_.setxattr(cred_, P(p), name, value, flags);
  }
  int getxattr(const std::string& p, const std::string& name, std::string* value) {
    return ops_.getxattr(cred_, P(p), name, value);
  }
  int listxattr(const std::string& p, std::vector<std::string>* names) {
    return ops_.listxattr(cred_, P(p), names);
  }
  int removexattr(const std::string& p, const std::string& name) {
    return ops_.removexattr(cred_, P(p), name);
  }

  // Conveniences built from the calls above.
  // Creates (or truncates) p with mode and writes data; 0 or -errno.
  int put(const std::string& p, std::string_view data, uint32_t mode = 0644);
  // Reads the whole file; 0 or -errno.
  int get(const std::string& p, std::string* out);
  // Sorted names in directory p; empty on error.
  std::vector<std::string> ls(const std::string& p);
  // stat()/lstat() that yield a zeroed Stat on error (mode 0 fails any check).
  Stat st(const std::string& p);
  Stat lst(const std::string& p);

 private:
  Ops& ops_;
  Cred cred_;
  std::string base_;
};

}  // namespace zerofs::conformance
