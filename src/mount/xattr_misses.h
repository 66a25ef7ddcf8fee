// The extended attributes a node was found not to have, for attr_timeout.
//
// Why: under the write-back cache the kernel checks, before every write(2)
// and chown, whether the file has a security.capability xattr to remove
// (its kill-privileges check), and FUSE does not cache xattrs: each write
// cost a getxattr round trip to the server. The answer "no such xattr" is
// kept here. That is safe for security.capability because the server
// removes it itself on every write, truncate and chown.
//
// Rules (ops_xattr.cc): a getxattr answered ENODATA is kept under the
// Ticket taken before its request; this mount's own setxattr/removexattr of
// the node drops it (and refuses replies to requests sent before); a
// reconnect clears everything. Another client's new xattr shows within
// attr_timeout, as its other attribute changes do.
//
// Bounded and refusing stale replies as NodeTtlMap does.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "mount/node_ttl_map.h"

namespace zerofs::mount {

inline constexpr size_t kMaxXattrMissNodes = 65536;

class XattrMisses {
 public:
  using Map = NodeTtlMap<std::unordered_set<std::string>>;
  using Clock = Map::Clock;
  using Ticket = Map::Ticket;

  // `ttl_s` <= 0: off.
  explicit XattrMisses(double ttl_s, size_t max_nodes = kMaxXattrMissNodes,
                       std::function<Clock::time_point()> clock = Clock::now)
      : map_(ttl_s, max_nodes, std::move(clock)) {}

  // Take before sending the getxattr whose ENODATA will be kept.
  Ticket Begin() { return map_.Begin(); }
  // `node` has no xattr `name` (asked under `t`), unless dropped since.
  void PutMissing(uint64_t node, std::string_view name, const Ticket& t);
  // Known, within ttl, not to have `name`.
  bool Missing(uint64_t node, std::string_view name);
  // This mount changed the node's xattrs.
  void Drop(uint64_t node) { map_.Drop(node); }
  void Clear() { map_.Clear(); }

 private:
  Map map_;
};

}  // namespace zerofs::mount
