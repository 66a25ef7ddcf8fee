// The exports: every regular file in the filesystem's /.nbd directory is a
// block device of that file's size, named by its file name. Nothing is
// cached; each call asks the filesystem, so devices created, resized or
// removed over NFS or 9P are seen by the next client that connects.
//
// All methods block (they call fs::FileSystem): run them off the I/O threads.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "fs/filesystem.h"

namespace zerofs::nbd {

// Name of the exports directory under the filesystem root.
inline constexpr std::string_view kExportsDir = ".nbd";

struct ExportInfo {
  std::string name;
  fs::InodeId ino = 0;
  uint64_t size = 0;
};

class Exports {
 public:
  // REQUIRES: `fs` outlives this object.
  explicit Exports(fs::FileSystem* fs) : fs_(fs) {}

  // Creates /.nbd (mode 0755, owned by root) if it is missing. An existing
  // /.nbd that is not a directory is an error naming it. On a read-only
  // filesystem a missing /.nbd is left missing (there are no exports).
  Status EnsureDirectory();

  // Names of all exports, in directory order. No /.nbd: empty.
  Result<std::vector<std::string>> List();

  // The export `name`. ENOENT if there is no such regular file in /.nbd
  // (also for names the filesystem rejects: empty, "/", "..", too long).
  Result<ExportInfo> Find(std::string_view name);

  fs::FileSystem* fs() const { return fs_; }

 private:
  // The inode of /.nbd, or ENOENT/ENOTDIR.
  Result<fs::InodeId> Directory();

  fs::FileSystem* const fs_;
};

}  // namespace zerofs::nbd
