// The mount's own attribute cache: FUSE getattr answered from the last
// Rgetattr of the node while it is younger than attr_timeout.
//
// Why: with the FUSE write-back cache the kernel drops a file's cached
// attributes on every close (st_blocks may have changed on the server), so
// each stat after an open+close reaches the mount, whatever attr_timeout
// says. Every Rgetattr the mount receives (lookup, readdirplus, create,
// mkdir, setattr, getattr) is kept here and answers those without a 9P
// round trip.
//
// Rules (the callers in ops_*.cc follow them):
//  - An operation this mount sends that may change a node's attributes
//    drops the node (Drop) after the server answered and before the kernel
//    gets its reply: write, read, readdir and readlink (atime), setattr,
//    open with O_TRUNC, fsync, link, unlink, rename (the node, the replaced
//    node and both directories), create/mkdir/mknod/symlink (the
//    directory), xattr changes.
//  - Attributes are stored with the Ticket taken before their request was
//    sent: a reply that may predate a drop of the node is refused (a getattr
//    racing a write cannot bring back the old size). An entry expires
//    attr_timeout after its ticket, so the server's answer is never older
//    than that when used, and the kernel is told only the time left.
//  - A reconnect clears everything (Clear).
//  - Changes made by other clients are seen after at most attr_timeout, as
//    with the kernel's own attribute cache. attr_timeout 0 turns it off.
//
// Bounded and refusing stale replies as NodeTtlMap does.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "mount/node_ttl_map.h"
#include "ninep/messages.h"

namespace zerofs::mount {

inline constexpr size_t kMaxCachedAttrs = 65536;

class AttrCache {
 public:
  using Map = NodeTtlMap<ninep::Rgetattr>;
  using Clock = Map::Clock;
  using Ticket = Map::Ticket;
  struct Hit {
    ninep::Rgetattr attr;
    double remaining_s = 0;  // how long the kernel may keep it
  };

  // `ttl_s` <= 0: off (Get never hits, Put and Drop do nothing).
  explicit AttrCache(double ttl_s, size_t max_entries = kMaxCachedAttrs,
                     std::function<Clock::time_point()> clock = Clock::now)
      : map_(ttl_s, max_entries, std::move(clock)) {}

  bool enabled() const { return map_.enabled(); }

  // Take before sending the request whose Rgetattr will be Put.
  Ticket Begin() { return map_.Begin(); }
  // Keeps `a` for `node` unless the node was dropped after `t` was taken
  // or the entry would already have expired.
  void Put(uint64_t node, const ninep::Rgetattr& a, const Ticket& t);
  // The node's attributes if cached and not expired.
  std::optional<Hit> Get(uint64_t node) {
    return map_.Find(node, [](const ninep::Rgetattr& a, double left) { return Hit{a, left}; });
  }
  // The node's attributes may have changed: forget them, and refuse replies
  // to requests sent before now.
  void Drop(uint64_t node) { map_.Drop(node); }
  // The reply to this mount's own change of `node` (Tsetattrplus, its
  // request sent after `t` was taken), carrying the attributes after the
  // change: drops the node as Drop does (replies to requests sent before
  // now may predate the change) and keeps `a`, unless the node was dropped
  // after `t` (another change of this mount may have run on the server
  // after this one, and `a` would lack it).
  void PutChanged(uint64_t node, const ninep::Rgetattr& a, const Ticket& t) {
    map_.PutChanged(node, a, t);
  }
  // Forgets everything (reconnect).
  void Clear() { map_.Clear(); }

  // Records held (entries and drop marks), for tests.
  size_t size() { return map_.size(); }

 private:
  Map map_;
};

}  // namespace zerofs::mount
