// FUSE inode numbers <-> server files, known by path.
//
// The kernel names files by the inode numbers (node ids) we hand out in
// lookup replies. 9P names them by fids, which are per connection and die
// with it; paths survive a reconnect. So each node keeps the paths it was
// looked up by (several for hard links) relative to the export root, and
// every operation walks a fresh fid from the caller's root along one of
// them. Nodes are keyed by the server's qid.path, so hard links share a
// node id. Node ids are never reused (a 64-bit counter).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace zerofs::mount {

inline constexpr uint64_t kRootNode = 1;  // FUSE_ROOT_ID

class NodeTable {
 public:
  NodeTable();

  // A lookup reply for `path` naming server file `qid_path`: counts one
  // kernel reference and returns its node id.
  uint64_t Remember(const std::string& path, uint64_t qid_path);
  // The kernel dropped `n` references.
  void Forget(uint64_t node, uint64_t n);

  // A path the node is known by; ENOENT when it has none left (unlinked).
  Result<std::string> PathOf(uint64_t node);
  // The path of entry `name` in directory `parent`.
  Result<std::string> ChildPath(uint64_t parent, const std::string& name);

  // Names below and at `from` are now below and at `to`; whatever was at
  // `to` is gone.
  void Renamed(const std::string& from, const std::string& to);
  // `path` no longer names anything.
  void Unlinked(const std::string& path);

 private:
  struct Node {
    uint64_t qid_path = 0;
    uint64_t lookups = 0;
    std::vector<std::string> paths;
  };
  void DropPathLocked(const std::string& path);

  std::mutex mu_;
  uint64_t next_id_ = kRootNode + 1;                   // guarded by mu_
  std::unordered_map<uint64_t, Node> nodes_;           // guarded by mu_
  std::unordered_map<uint64_t, uint64_t> by_qid_;      // guarded by mu_: qid.path -> node
  std::unordered_map<std::string, uint64_t> by_path_;  // guarded by mu_
};

// "a/b" + "c" = "a/b/c"; "" is the root.
std::string JoinPath(const std::string& dir, const std::string& name);
// Splits a path into its names ("" -> none).
std::vector<std::string> SplitPath(const std::string& path);

}  // namespace zerofs::mount
