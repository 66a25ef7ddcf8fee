// Attribute conversions.
#include "mount/attr.h"

#include <time.h>

#include "mount/fuse.h"
#include "ninep/wire.h"

namespace zerofs::mount {

struct stat ToStat(const ninep::Rgetattr& a) {
  struct stat st {};
  st.st_ino = a.qid.path;
  st.st_mode = a.mode;
  st.st_nlink = a.nlink;
  st.st_uid = a.uid;
  st.st_gid = a.gid;
  st.st_rdev = a.rdev;
  st.st_size = static_cast<off_t>(a.size);
  st.st_blksize = a.blksize ? static_cast<blksize_t>(a.blksize) : 4096;
  st.st_blocks = static_cast<blkcnt_t>(a.blocks);
  st.st_atim = {static_cast<time_t>(a.atime_sec), static_cast<long>(a.atime_nsec)};
  st.st_mtim = {static_cast<time_t>(a.mtime_sec), static_cast<long>(a.mtime_nsec)};
  st.st_ctim = {static_cast<time_t>(a.ctime_sec), static_cast<long>(a.ctime_nsec)};
  return st;
}

namespace {

// Whether `t` is within a second of the current time.
bool IsAboutNow(const timespec& t) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  long long d = static_cast<long long>(now.tv_sec) - static_cast<long long>(t.tv_sec);
  return d >= -1 && d <= 1;
}

}  // namespace

ninep::Tsetattr ToSetattr(const struct stat& attr, int to_set) {
  // With the write-back cache the kernel keeps mtime itself and sends it as
  // an explicit time where the caller asked for "now" (truncate,
  // utimensat(UTIME_NOW)); an explicit time is owner-only, "now" is allowed to
  // any writer. A current mtime next to a size change or an atime of "now"
  // is that case: send it as "now".
  if ((to_set & FUSE_SET_ATTR_MTIME) && !(to_set & FUSE_SET_ATTR_MTIME_NOW) &&
      (to_set & (FUSE_SET_ATTR_SIZE | FUSE_SET_ATTR_ATIME_NOW)) && IsAboutNow(attr.st_mtim)) {
    to_set |= FUSE_SET_ATTR_MTIME_NOW;
  }
  ninep::Tsetattr t;
  if (to_set & FUSE_SET_ATTR_MODE) {
    t.valid |= ninep::kSetattrMode;
    t.mode = attr.st_mode & 07777;
  }
  if (to_set & FUSE_SET_ATTR_UID) {
    t.valid |= ninep::kSetattrUid;
    t.uid = attr.st_uid;
  }
  if (to_set & FUSE_SET_ATTR_GID) {
    t.valid |= ninep::kSetattrGid;
    t.gid = attr.st_gid;
  }
  if (to_set & FUSE_SET_ATTR_SIZE) {
    t.valid |= ninep::kSetattrSize;
    t.size = static_cast<uint64_t>(attr.st_size);
  }
  if (to_set & FUSE_SET_ATTR_ATIME_NOW) {
    t.valid |= ninep::kSetattrAtime;
  } else if (to_set & FUSE_SET_ATTR_ATIME) {
    t.valid |= ninep::kSetattrAtime | ninep::kSetattrAtimeSet;
    t.atime_sec = static_cast<uint64_t>(attr.st_atim.tv_sec);
    t.atime_nsec = static_cast<uint64_t>(attr.st_atim.tv_nsec);
  }
  if (to_set & FUSE_SET_ATTR_MTIME_NOW) {
    t.valid |= ninep::kSetattrMtime;
  } else if (to_set & FUSE_SET_ATTR_MTIME) {
    t.valid |= ninep::kSetattrMtime | ninep::kSetattrMtimeSet;
    t.mtime_sec = static_cast<uint64_t>(attr.st_mtim.tv_sec);
    t.mtime_nsec = static_cast<uint64_t>(attr.st_mtim.tv_nsec);
  }
  if (to_set & FUSE_SET_ATTR_CTIME) t.valid |= ninep::kSetattrCtime;
  return t;
}

}  // namespace zerofs::mount
