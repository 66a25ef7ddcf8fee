// The directory walks behind LocalStore::List and LocalStore::SweepTempFiles.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zerofs::objstore {

struct LocalEntry {
  std::string key;
  struct stat st;
};

// Appends to `*out`, in bytewise key order, the first `limit` regular files
// under the directory `root_fd` whose keys start with `prefix` and sort after
// `after` (all keys if `after` is empty). Reserved names (local_layout.h) and
// anything that is neither a directory nor a regular file are skipped, as are
// files that vanish during the walk. Only directories that can hold matching
// keys are opened.
//
// Returns 0, or the errno of the first failure with `*failed_path` set to the
// relative path that failed.
//
// Why the order is right: within a directory, entries are sorted by their name
// with '/' appended to directories. No sibling name contains '/', so the keys
// under directory "d" are exactly the keys between the siblings that sort
// before and after "d/", and a depth-first walk emits keys in bytewise order.
int WalkLocalTree(int root_fd, std::string_view prefix, std::string_view after, size_t limit,
                  std::vector<LocalEntry>* out, std::string* failed_path);

// Removes the temporary files (local_layout.h) under the directory `dir_fd`,
// recursively, whose mtime is before `cutoff_ns`; closes `dir_fd`. Adds the
// number removed to `*removed`. Returns 0 or the errno of the first failure.
int SweepLocalTree(int dir_fd, uint64_t cutoff_ns, size_t* removed);

}  // namespace zerofs::objstore
