// AttrCache: which of two racing replies is kept.
#include "mount/attr_cache.h"

namespace zerofs::mount {

void AttrCache::Put(uint64_t node, const ninep::Rgetattr& a, const Ticket& t) {
  map_.Put(node, t, [&](Map::Entry& e, Clock::time_point expires) {
    // Two replies racing: the one asked for later is the newer.
    if (e.valid && e.expires > expires) return;
    e.valid = true;
    e.value = a;
    e.expires = expires;
  });
}

}  // namespace zerofs::mount
