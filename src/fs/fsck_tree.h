// Consistency check of the filesystem tree as stored in the engine: the
// invariants every operation of the core keeps. Used by the core's tests
// and by `zerofs fsck`. Reads everything through Engine::Scan in pages;
// memory is proportional to the number of inodes.
//
// Checked:
//  - every record decodes (inode, entry, cookie, stats, counter);
//  - every entry names an existing inode of the recorded type, inside an
//    existing directory, and has its cookie twin (and vice versa), with a
//    cookie below the directory's next_cookie;
//  - a non-directory's nlink equals the entries naming it;
//  - a directory other than the root has exactly one entry, its parent
//    pointer names that entry's directory, and nlink = 2 + subdirectories;
//    the root has no entry, is its own parent, nlink = 2 + subdirectories;
//  - an inode without entries exists only as a marked orphan (nlink 0);
//  - xattrs belong to existing inodes;
//  - the stats shards sum to the inode count and the bytes of regular files;
//  - the inode counter lies above every inode number.
// REQUIRES: no mutation runs concurrently (quiesce the FileSystem first).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/engine.h"

namespace zerofs::fs {

struct FsckReport {
  uint64_t inodes = 0;
  uint64_t directories = 0;
  uint64_t entries = 0;
  uint64_t orphans = 0;
  uint64_t xattrs = 0;
  std::vector<std::string> problems;  // empty when consistent

  bool ok() const { return problems.empty(); }
  std::string ToString() const;
};

// Errors only for engine failures; inconsistencies go into the report.
Result<FsckReport> CheckConsistency(engine::Engine* engine);

}  // namespace zerofs::fs
