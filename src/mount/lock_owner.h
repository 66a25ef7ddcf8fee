// How FUSE lock owners become 9P lock identities.
#pragma once

#include <cstdint>

namespace zerofs::mount {

// The kernel names a POSIX lock holder by an opaque 64-bit owner (its
// files_struct); 9P by (client_id, proc_id). Folding the owner into proc_id
// keeps distinct processes distinct on the server, and the same for lock and
// unlock (the kernel sends pid 0 with unlocks, so the pid cannot serve).
inline uint32_t ProcIdOf(uint64_t lock_owner) {
  uint64_t x = lock_owner;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return static_cast<uint32_t>(x);
}

}  // namespace zerofs::mount
