// Open files and directories: one server fid each, re-opened after a
// reconnect.
//
// A handle remembers what it needs to open its file again on a new
// connection: the node (whose current path is in the NodeTable), the uid
// that opened it and the open flags. Fid() hands out the fid for a link,
// and when the link is of a newer generation than the fid, walks the path
// again from that uid's root and re-opens it (without O_CREAT, O_EXCL and
// O_TRUNC, which were done the first time). A file unlinked while open is
// claimed back from a zerofs server, which keeps it for this mount's
// session (Treclaim) for a grace period; elsewhere, or after the grace, its
// handle fails with ESTALE after a reconnect.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "base/result.h"
#include "mount/connection.h"
#include "mount/node_table.h"

namespace zerofs::mount {

class Remote;

class Handle {
 public:
  Handle(uint64_t node, uint32_t uid, uint32_t flags, const Link& link, uint32_t fid)
      : node_(node), uid_(uid), flags_(flags), generation_(link.generation), fid_(fid) {}

  uint64_t node() const { return node_; }
  uint32_t uid() const { return uid_; }

  // This handle's fid on `link`, re-opened there if needed.
  Result<uint32_t> Fid(Remote& remote, const Link& link);
  // Whether data was written through this handle (see Flush).
  bool wrote() const { return wrote_.load(); }
  void set_wrote() { wrote_.store(true); }
  // Clunks the fid if it belongs to `link` (at release).
  void Close(const Link& link);

 private:
  // A new fid for the node on `link`: walked by its path, or reclaimed if
  // it has none left.
  Result<uint32_t> FindAgain(Remote& remote, const Link& link);

  const uint64_t node_;
  const uint32_t uid_;
  const uint32_t flags_;
  std::atomic<bool> wrote_{false};
  std::mutex mu_;
  uint64_t generation_;  // guarded by mu_
  uint32_t fid_;         // guarded by mu_
};

// The open handles by node (for getattr of a file with no name left, and for
// POSIX lock release).
class HandleTable {
 public:
  Handle* Add(std::shared_ptr<Handle> h);
  std::shared_ptr<Handle> Remove(Handle* h);
  // Some open handle of `node`, or null.
  std::shared_ptr<Handle> AnyOf(uint64_t node);

  // Lock owners that placed a lock on `node` (so close releases theirs).
  void NoteLocked(uint64_t node);
  bool EverLocked(uint64_t node);

 private:
  std::mutex mu_;
  std::map<Handle*, std::shared_ptr<Handle>> all_;  // guarded by mu_
  std::multimap<uint64_t, Handle*> by_node_;        // guarded by mu_
  std::set<uint64_t> locked_nodes_;                 // guarded by mu_
};

}  // namespace zerofs::mount
