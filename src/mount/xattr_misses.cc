// XattrMisses: the names of one node expire together.
#include "mount/xattr_misses.h"

namespace zerofs::mount {

void XattrMisses::PutMissing(uint64_t node, std::string_view name, const Ticket& t) {
  map_.Put(node, t, [&](Map::Entry& e, Clock::time_point expires) {
    // A node's names expire together, when the first one kept does: never
    // later than ttl after any of their requests.
    if (!e.valid) {
      e.valid = true;
      e.expires = expires;
    }
    e.value.emplace(name);
  });
}

bool XattrMisses::Missing(uint64_t node, std::string_view name) {
  return map_
      .Find(node, [&](const std::unordered_set<std::string>& names,
                      double) { return names.count(std::string(name)) != 0; })
      .value_or(false);
}

}  // namespace zerofs::mount
