// NFSv3 file handles. A handle names an inode for as long as it exists,
// across server restarts: it holds only the inode number and the inode's
// generation, both persisted by the fs core.
//
// Layout (20 bytes, big-endian), frozen:
//   [0]      version = 1
//   [1..3]   reserved, zero
//   [4..11]  inode number
//   [12..19] generation (fs::Attr::generation)
// A handle with another length, version, nonzero reserved bytes or inode 0
// is malformed (NFS3ERR_BADHANDLE). One whose inode is gone, or exists with
// another generation (the number was reused), is stale (NFS3ERR_STALE).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fs/filesystem.h"

namespace zerofs::nfs {

constexpr uint8_t kFileHandleVersion = 1;
constexpr size_t kFileHandleSize = 20;

struct FileHandle {
  fs::InodeId ino = 0;
  uint64_t generation = 0;

  static FileHandle From(const fs::Attr& attr) { return {attr.ino, attr.generation}; }
  std::string Encode() const;
  // nullopt for a malformed handle.
  static std::optional<FileHandle> Decode(std::string_view bytes);

  friend bool operator==(const FileHandle&, const FileHandle&) = default;
};

}  // namespace zerofs::nfs
