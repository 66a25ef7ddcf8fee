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
// Bounded: at most `max_nodes` nodes; past that everything is forgotten.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace zerofs::mount {

inline constexpr size_t kMaxXattrMissNodes = 65536;

class XattrMisses {
 public:
  using Clock = std::chrono::steady_clock;
  struct Ticket {
    uint64_t epoch = 0;
    Clock::time_point at;
  };

  // `ttl_s` <= 0: off.
  explicit XattrMisses(double ttl_s, size_t max_nodes = kMaxXattrMissNodes,
                       std::function<Clock::time_point()> clock = Clock::now);

  // Take before sending the getxattr whose ENODATA will be kept.
  Ticket Begin();
  // `node` has no xattr `name` (asked under `t`), unless dropped since.
  void PutMissing(uint64_t node, std::string_view name, const Ticket& t);
  // Known, within ttl, not to have `name`.
  bool Missing(uint64_t node, std::string_view name);
  // This mount changed the node's xattrs.
  void Drop(uint64_t node);
  void Clear();

 private:
  struct Record {
    Clock::time_point expires;
    std::unordered_set<std::string> names;
    uint64_t dropped_at = 0;  // epoch_ after the node's last drop
  };
  const bool enabled_;
  const Clock::duration ttl_;
  const size_t max_nodes_;
  const std::function<Clock::time_point()> clock_;

  std::mutex mu_;
  std::unordered_map<uint64_t, Record> records_;  // guarded by mu_
  uint64_t epoch_ = 0;                            // guarded by mu_
  // Records were discarded up to this epoch: older tickets are refused.
  uint64_t forgotten_ = 0;  // guarded by mu_
};

}  // namespace zerofs::mount
