// The persisted inode record (value of key "I" BE64 ino; layout in
// docs/format/fs_keys.md). Versioned: DecodeFrom accepts every version it
// knows and EncodeTo always writes the newest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fs/filesystem.h"

namespace zerofs::fs {

constexpr uint8_t kInodeRecordVersion = 1;

// Cookies 1 and 2 are "." and ".."; real entries start here.
constexpr uint64_t kFirstEntryCookie = 3;

struct InodeRecord {
  FileType type = FileType::kRegular;
  uint32_t mode = 0;  // 07777 bits
  uint32_t nlink = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;
  Timespec atime, mtime, ctime, btime;
  uint32_t rdev_major = 0;
  uint32_t rdev_minor = 0;
  uint64_t generation = 0;
  // Directories: the parent directory (the root's is itself). Others: 0.
  InodeId parent = 0;
  // Directories: the cookie the next inserted entry gets (monotonic, never
  // reused). Others: 0.
  uint64_t next_cookie = 0;
  // Symlinks: the target.
  std::string target;

  bool is_dir() const { return type == FileType::kDirectory; }

  void EncodeTo(std::string* dst) const;
  // False for damaged bytes or an unknown version.
  static bool DecodeFrom(std::string_view src, InodeRecord* rec);

  Attr ToAttr(InodeId ino) const;
  // Sets mtime and ctime to `now`.
  void Touch(const Timespec& now) { mtime = ctime = now; }
};

}  // namespace zerofs::fs
