// Path resolution over the fs core, as path_resolution(7) describes it:
// component by component with Lookup (which checks search permission),
// following symlinks in the middle of a path always and at the end on
// request, ELOOP after kMaxSymlinkFollows, ENOTDIR for a non-directory in
// the middle (or before a trailing slash), ENAMETOOLONG over PATH_MAX.
// Absolute paths and absolute symlink targets start at `root`.
#pragma once

#include <string>

#include "fs/filesystem.h"

namespace zerofs::conformance_fs {

struct Resolved {
  fs::InodeId parent = 0;  // directory holding the last component
  std::string name;        // last component ("." for the root itself)
  fs::InodeId ino = 0;     // 0 when the last component does not exist
  fs::Attr attr;           // valid when ino != 0
  bool trailing_slash = false;
};

// Returns 0 or -errno. A missing last component is not an error (ino == 0),
// a missing earlier one is -ENOENT.
int Resolve(fs::FileSystem* fs, const fs::Cred& cred, fs::InodeId root, const std::string& path,
            bool follow_last, Resolved* out);

}  // namespace zerofs::conformance_fs
