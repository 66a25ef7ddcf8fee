// A fid the mount keeps for a node (fid caching): walked once, then used by
// every operation on the node instead of a walk from the root.
//
// Shared by the NodeTable (which keeps it while the kernel knows the node)
// and the operations using it at the moment; the last holder's release
// clunks it without waiting for the reply, so dropping one never costs a
// round trip. A fid is only valid on the connection (generation) it was
// walked on: after a reconnect the old ones are ignored and the node is
// walked again by its path.
#pragma once

#include <cstdint>
#include <memory>

#include "ninep/client.h"

namespace zerofs::mount {

class CachedFid {
 public:
  // `owned`: clunk on release (false for the per-uid root fids, which the
  // Connection owns).
  CachedFid(std::weak_ptr<ninep::Client> client, uint64_t generation, uint32_t uid, uint32_t fid,
            bool owned = true)
      : client_(std::move(client)), generation_(generation), uid_(uid), fid_(fid), owned_(owned) {}
  ~CachedFid();
  CachedFid(const CachedFid&) = delete;
  CachedFid& operator=(const CachedFid&) = delete;

  uint32_t fid() const { return fid_; }
  uint32_t uid() const { return uid_; }
  uint64_t generation() const { return generation_; }

 private:
  const std::weak_ptr<ninep::Client> client_;
  const uint64_t generation_;
  const uint32_t uid_;
  const uint32_t fid_;
  const bool owned_;
};

using FidRef = std::shared_ptr<CachedFid>;

}  // namespace zerofs::mount
