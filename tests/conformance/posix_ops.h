// Ops on the real system calls of this machine, rooted at a directory.
//
// Every path call goes through an *at() syscall relative to the root fd (or,
// where Linux has no *at() form, through /proc/self/fd/<root>/path), so the
// permissions of the root's ancestors never matter.
//
// Credentials are switched per call on the calling thread with the raw
// setgroups, setfsgid and setfsuid syscalls (glibc's wrappers would broadcast
// to every thread). A non-zero fsuid makes Linux drop CAP_DAC_OVERRIDE,
// CAP_FOWNER, CAP_CHOWN, CAP_FSETID and CAP_MKNOD from the effective set, which
// is what makes an unprivileged caller behave like one. Only works as root;
// otherwise credentials are ignored and the "root" feature is off.
#pragma once

#include <dirent.h>

#include <map>
#include <string>

#include "ops.h"

namespace zerofs::conformance {

class PosixOps : public Ops {
 public:
  // REQUIRES: root names an existing directory. Sets the process umask to 0
  // and, as root, adds search permission for everyone on root.
  explicit PosixOps(const std::string& root);
  ~PosixOps() override;

  bool ok() const { return root_fd_ >= 0; }
  Features features() override { return features_; }

  int mkdir(const Cred& c, const std::string& path, uint32_t mode) override;
  int mknod(const Cred& c, const std::string& path, uint32_t mode, uint64_t rdev) override;
  int symlink(const Cred& c, const std::string& target, const std::string& path) override;
  int readlink(const Cred& c, const std::string& path, std::string* target) override;
  int link(const Cred& c, const std::string& from, const std::string& to) override;
  int unlink(const Cred& c, const std::string& path) override;
  int rmdir(const Cred& c, const std::string& path) override;
  int rename(const Cred& c, const std::string& from, const std::string& to) override;
  int rename2(const Cred& c, const std::string& from, const std::string& to,
              unsigned flags) override;

  int64_t open(const Cred& c, const std::string& path, int flags, uint32_t mode) override;
  int close(const Cred& c, int64_t h) override;
  int64_t pread(const Cred& c, int64_t h, void* buf, size_t len, int64_t off) override;
  int64_t pwrite(const Cred& c, int64_t h, const void* buf, size_t len, int64_t off) override;
  int64_t write(const Cred& c, int64_t h, const void* buf, size_t len) override;
  int ftruncate(const Cred& c, int64_t h, int64_t size) override;
  int fsync(const Cred& c, int64_t h, bool datasync) override;
  int fallocate(const Cred& c, int64_t h, int mode, int64_t off, int64_t len) override;
  int fstat(const Cred& c, int64_t h, Stat* st) override;
  int readdir_chunk(const Cred& c, int64_t h, size_t max, std::vector<DirEntry>* out) override;

  int stat(const Cred& c, const std::string& path, Stat* st) override;
  int lstat(const Cred& c, const std::string& path, Stat* st) override;
  int chmod(const Cred& c, const std::string& path, uint32_t mode) override;
  int chown(const Cred& c, const std::string& path, uint32_t uid, uint32_t gid) override;
  int lchown(const Cred& c, const std::string& path, uint32_t uid, uint32_t gid) override;
  int utimens(const Cred& c, const std::string& path, const TimeSpec times[2],
              bool nofollow) override;
  int truncate(const Cred& c, const std::string& path, int64_t size) override;
  int statvfs(const Cred& c, const std::string& path, StatVfs* out) override;

  int setxattr(const Cred& c, const std::string& path, const std::string& name,
               const std::string& value, int flags) override;
  int getxattr(const Cred& c, const std::string& path, const std::string& name,
               std::string* value) override;
  int listxattr(const Cred& c, const std::string& path, std::vector<std::string>* names) override;
  int removexattr(const Cred& c, const std::string& path, const std::string& name) override;

 private:
  // Switches the calling thread to c for one call and back to root after.
  class CredScope;

  // Fills features_; as root also makes the root directory searchable by all.
  void Probe();
  std::string ProcPath(const std::string& path) const;

  int root_fd_ = -1;
  bool switch_creds_ = false;
  Features features_;
  std::map<int64_t, DIR*> dirs_;  // handles that readdir_chunk() has started
};

}  // namespace zerofs::conformance
