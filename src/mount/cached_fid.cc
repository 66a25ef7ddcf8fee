// CachedFid: the clunk on release.
#include "mount/cached_fid.h"

namespace zerofs::mount {

CachedFid::~CachedFid() {
  if (!owned_) return;
  // A connection that is gone took its fids with it.
  if (auto c = client_.lock()) c->ClunkNoWait(fid_);
}

}  // namespace zerofs::mount
