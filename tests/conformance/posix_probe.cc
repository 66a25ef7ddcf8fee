// Feature probing for PosixOps: the local disk differs between machines (ext4,
// tmpfs, xfs, btrfs, noatime mounts, containers without CAP_MKNOD), so each
// feature is tried once in a scratch directory instead of being assumed.
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "feature_names.h"
#include "posix_ops.h"

namespace zerofs::conformance {

void PosixOps::Probe() {
  Features& f = features_;
  const Cred kRoot;
  const std::string dir = ".probe-" + std::to_string(getpid());
  if (mkdir(kRoot, dir, 0777) < 0) return;
  const std::string file = dir + "/f";
  int64_t h = open(kRoot, file, O_CREAT | O_RDWR, 0600);
  if (h < 0) return;

  if (geteuid() == 0) {
    // Every case path starts with a lookup in the root, so other users need
    // search permission on it (mktemp -d makes it 0700).
    struct stat rs;
    if (::fstat(root_fd_, &rs) == 0 && (rs.st_mode & 0111) != 0111) {
      ::fchmod(root_fd_, (rs.st_mode & 07777) | 0111);
    }
    // A non-root fsuid must lose DAC override: the 0600 file becomes unreadable.
    switch_creds_ = true;
    int64_t h2 = open(Cred{1001, 1001, {}}, file, O_RDONLY, 0);
    if (h2 == -EACCES) {
      f.names.insert(kFeatRoot);
    } else {
      if (h2 >= 0) close(kRoot, h2);
      switch_creds_ = false;
    }
  }
  if (setxattr(kRoot, file, "user.probe", "1", 0) == 0) f.names.insert(kFeatXattr);
  if (mknod(kRoot, dir + "/c", S_IFCHR | 0600, makedev(1, 3)) == 0) {
    f.names.insert(kFeatMknodDev);
  }
  if (mknod(kRoot, dir + "/p", S_IFIFO | 0600, 0) == 0 &&
      mknod(kRoot, dir + "/s", S_IFSOCK | 0600, 0) == 0) {
    f.names.insert(kFeatSpecial);
  }
  if (mkdir(kRoot, dir + "/d", 0777) == 0 && mkdir(kRoot, dir + "/d/e", 0777) == 0) {
    Stat st;
    if (stat(kRoot, dir + "/d", &st) == 0 && st.nlink == 3) f.names.insert(kFeatDirNlink);
  }

  // Nanoseconds and atime: set an old atime with a nanosecond part, read it
  // back, then read the file and look for a fresh atime.
  const char byte = 'x';
  pwrite(kRoot, h, &byte, 1, 0);
  TimeSpec times[2] = {{1000000, 123456789}, {kUtimeNow, kUtimeNow}};
  Stat st;
  if (utimens(kRoot, file, times, false) == 0 && stat(kRoot, file, &st) == 0) {
    if (st.atime == times[0]) f.names.insert(kFeatNsecTimes);
    char c;
    if (pread(kRoot, h, &c, 1, 0) == 1 && stat(kRoot, file, &st) == 0 &&
        st.atime.sec != times[0].sec) {
      f.names.insert(kFeatAtime);
    }
  }

  constexpr int64_t kFar = 8 << 20;
  if (pwrite(kRoot, h, &byte, 1, kFar) == 1 && fstat(kRoot, h, &st) == 0 &&
      st.blocks * 512 < kFar / 2) {
    f.names.insert(kFeatSparseBlocks);
  }
  if (fallocate(kRoot, h, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096) == 0) {
    f.names.insert(kFeatPunchHole);
  }
  close(kRoot, h);
  if (rename2(kRoot, file, dir + "/g", RENAME_NOREPLACE) == 0 &&
      rename2(kRoot, dir + "/g", file, RENAME_NOREPLACE) == 0) {
    f.names.insert(kFeatRenameFlags);
  }

  // pathconf() only knows the real limit for some filesystems (it answers a
  // generic 127 for tmpfs, which has none), so trust it only for those.
  struct statfs fs;
  if (::fstatfs(root_fd_, &fs) == 0 &&
      (fs.f_type == EXT4_SUPER_MAGIC || fs.f_type == XFS_SUPER_MAGIC ||
       fs.f_type == BTRFS_SUPER_MAGIC)) {
    long link_max = fpathconf(root_fd_, _PC_LINK_MAX);
    if (link_max > 0) {
      f.link_max = static_cast<uint64_t>(link_max);
      f.names.insert(kFeatLinkMax);
    }
  }

  for (const char* name : {"f", "c", "p", "s", "d/e", "d"}) {
    std::string p = dir + "/" + name;
    if (rmdir(kRoot, p) < 0) unlink(kRoot, p);
  }
  rmdir(kRoot, dir);
}

}  // namespace zerofs::conformance
