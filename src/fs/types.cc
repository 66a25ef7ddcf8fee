// Small helpers of the public types in filesystem.h.
#include <sys/sysmacros.h>

#include <algorithm>
#include <ctime>

#include <dirent.h>

#include "fs/filesystem.h"

namespace zerofs::fs {

bool Cred::InGroup(uint32_t g) const {
  return gid == g || std::find(groups.begin(), groups.end(), g) != groups.end();
}

uint32_t FileTypeToMode(FileType type) {
  switch (type) {
    case FileType::kRegular:
      return S_IFREG;
    case FileType::kDirectory:
      return S_IFDIR;
    case FileType::kSymlink:
      return S_IFLNK;
    case FileType::kCharDevice:
      return S_IFCHR;
    case FileType::kBlockDevice:
      return S_IFBLK;
    case FileType::kFifo:
      return S_IFIFO;
    case FileType::kSocket:
      return S_IFSOCK;
  }
  return 0;
}

std::optional<FileType> FileTypeFromMode(uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return FileType::kRegular;
    case S_IFDIR:
      return FileType::kDirectory;
    case S_IFLNK:
      return FileType::kSymlink;
    case S_IFCHR:
      return FileType::kCharDevice;
    case S_IFBLK:
      return FileType::kBlockDevice;
    case S_IFIFO:
      return FileType::kFifo;
    case S_IFSOCK:
      return FileType::kSocket;
  }
  return std::nullopt;
}

uint8_t FileTypeToDirentType(FileType type) {
  switch (type) {
    case FileType::kRegular:
      return DT_REG;
    case FileType::kDirectory:
      return DT_DIR;
    case FileType::kSymlink:
      return DT_LNK;
    case FileType::kCharDevice:
      return DT_CHR;
    case FileType::kBlockDevice:
      return DT_BLK;
    case FileType::kFifo:
      return DT_FIFO;
    case FileType::kSocket:
      return DT_SOCK;
  }
  return DT_UNKNOWN;
}

Timespec Timespec::Now() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return Timespec{static_cast<int64_t>(ts.tv_sec), static_cast<uint32_t>(ts.tv_nsec)};
}

dev_t Attr::rdev() const { return makedev(rdev_major, rdev_minor); }

}  // namespace zerofs::fs
