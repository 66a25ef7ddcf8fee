// FUSE inode numbers <-> server files, known by path.
//
// The kernel names files by the inode numbers (node ids) we hand out in
// lookup replies. 9P names them by fids, which are per connection and die
// with it; paths survive a reconnect. So each node keeps the paths it was
// looked up by (several for hard links) relative to the export root. Each
// node also keeps a walked fid per uid (cached_fid.h) that operations use
// directly; a node without one (new connection, renamed, first use by that
// uid) is walked again from the caller's root along its path. Nodes are
// keyed by the server's qid.path, so hard links share a node id. Node ids
// are never reused (a 64-bit counter).
//
// Kept fids are dropped when the kernel forgets the node, when one of its
// names is unlinked, and when it (or a directory above it) is renamed: some
// servers (diod) name files by path in their fids, so a fid is only trusted
// while the path it was walked by holds. A zerofs server's fids name inodes,
// so the mount keeps them across its renames there (`keep_fids`).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "mount/cached_fid.h"

namespace zerofs::mount {

inline constexpr uint64_t kRootNode = 1;  // FUSE_ROOT_ID
// At most this many fids kept (server memory); beyond it nodes are walked
// by path each time.
inline constexpr size_t kMaxKeptFids = 65536;

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
  // The node's server file (qid.path); ESTALE for an unknown node.
  Result<uint64_t> QidPathOf(uint64_t node);
  // The path of entry `name` in directory `parent`.
  Result<std::string> ChildPath(uint64_t parent, const std::string& name);

  // Names below and at `from` are now below and at `to`; whatever was at
  // `to` is gone. The moved nodes' fids are dropped unless `keep_fids`.
  void Renamed(const std::string& from, const std::string& to, bool keep_fids = false);
  // Names below and at `a` are now below and at `b`, and the other way
  // round (RENAME_EXCHANGE).
  void Exchanged(const std::string& a, const std::string& b, bool keep_fids = false);
  // `path` no longer names anything.
  void Unlinked(const std::string& path);

  // The fid kept for `node` and `uid` on connection `generation`, or null.
  FidRef KeptFid(uint64_t node, uint32_t uid, uint64_t generation);
  // The same for the node of server file `qid_path`.
  FidRef KeptFidByQid(uint64_t qid_path, uint32_t uid, uint64_t generation);
  // Keeps `fid` for `node` (replacing one of an older generation), unless
  // the node is unknown, has one for that uid already, or the table is full.
  void KeepFid(uint64_t node, FidRef fid);
  size_t kept_fids();

  // The node known by `path` and its qid.path.
  struct Known {
    uint64_t node = 0;
    uint64_t qid_path = 0;
  };
  std::optional<Known> NodeAt(const std::string& path);

 private:
  struct Node {
    uint64_t qid_path = 0;
    uint64_t lookups = 0;
    std::vector<std::string> paths;
    std::vector<FidRef> fids;  // one per uid at most
  };
  // Removes `path`; the fids of the node it named go to `dropped`.
  void DropPathLocked(const std::string& path, std::vector<FidRef>* dropped);
  // Moves the node's fids to `dropped` (released after the lock: a release
  // sends a Tclunk).
  void TakeFidsLocked(Node& node, std::vector<FidRef>* dropped);
  FidRef FindFidLocked(const Node& node, uint32_t uid, uint64_t generation);
  // Moves every path (but the root) that `map` gives a new one, in by_path_
  // and in its node's paths; unless `keep_fids`, the fids of the nodes
  // moved go to `dropped`.
  void RemapLocked(const std::function<std::optional<std::string>(const std::string&)>& map,
                   bool keep_fids, std::vector<FidRef>* dropped);

  std::mutex mu_;
  uint64_t next_id_ = kRootNode + 1;                   // guarded by mu_
  std::unordered_map<uint64_t, Node> nodes_;           // guarded by mu_
  std::unordered_map<uint64_t, uint64_t> by_qid_;      // guarded by mu_: qid.path -> node
  std::unordered_map<std::string, uint64_t> by_path_;  // guarded by mu_
  size_t kept_ = 0;                                    // guarded by mu_: fids in nodes_
};

// "a/b" + "c" = "a/b/c"; "" is the root.
std::string JoinPath(const std::string& dir, const std::string& name);
// Splits a path into its names ("" -> none).
std::vector<std::string> SplitPath(const std::string& path);

}  // namespace zerofs::mount
