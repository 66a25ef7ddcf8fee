// In-memory references that keep an unlinked inode alive (an orphan): open
// references (FileSystem::Open/Release) and kept ones.
//
// A reference may name its holder: the client session that opened the file
// (a 9P connection that sent Tsession, see FileSystem::Open). When such a
// session's connection breaks, its references become *kept* ones until a
// deadline, so that the client can reconnect and claim the files it had
// open (FileSystem::Reclaim) instead of finding them freed.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fs/filesystem.h"

namespace zerofs::fs {

class OpenTable {
 public:
  using Clock = std::chrono::steady_clock;

  // One open reference, by `holder` (empty: none).
  void Add(InodeId ino, std::string_view holder = {});
  // Drops one open reference of `holder`; returns whether the inode is
  // still referenced (opens or kept references).
  bool Drop(InodeId ino, std::string_view holder = {});
  // Keeps `ino` for `holder` until `until` (the later deadline wins).
  void Keep(InodeId ino, std::string_view holder, Clock::time_point until);
  // Forgets kept references whose deadline is not after `now`; returns
  // whether the inode is still referenced.
  bool Expire(InodeId ino, Clock::time_point now);

  bool IsOpen(InodeId ino) const;
  // Whether `holder` has `ino` open or kept. False for an empty holder.
  bool HeldBy(InodeId ino, std::string_view holder) const;
  // Every named holder of `ino` (open or kept), sorted.
  std::vector<std::string> Holders(InodeId ino) const;
  // Inodes referenced.
  size_t size() const;

 private:
  struct Refs {
    uint32_t opens = 0;
    std::map<std::string, uint32_t, std::less<>> open_by;  // holder -> opens
    std::map<std::string, Clock::time_point, std::less<>> kept;
  };

  mutable std::mutex mu_;
  std::unordered_map<InodeId, Refs> refs_;  // guarded by mu_; entries are referenced
};

}  // namespace zerofs::fs
