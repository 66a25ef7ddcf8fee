// StatFs: totals from the persisted counters (stats_counters.h).
#include <algorithm>

#include "fs/internal.h"

namespace zerofs::fs {

namespace {
// What an unlimited filesystem reports as its size: 1 PiB and 2^40 inodes.
constexpr uint64_t kNominalBytes = 1ull << 50;
constexpr uint64_t kNominalInodes = 1ull << 40;
}  // namespace

Result<StatFsResult> FileSystem::StatFs() {
  StatFsResult r;
  r.used_bytes = impl_->stats.bytes();
  r.used_inodes = impl_->stats.inodes();
  r.total_bytes =
      options_.max_bytes != 0 ? options_.max_bytes : std::max(kNominalBytes, r.used_bytes);
  r.free_bytes = r.total_bytes - std::min(r.total_bytes, r.used_bytes);
  r.total_inodes =
      options_.max_inodes != 0 ? options_.max_inodes : std::max(kNominalInodes, r.used_inodes);
  r.free_inodes = r.total_inodes - std::min(r.total_inodes, r.used_inodes);
  r.name_max = options_.name_max;
  return r;
}

}  // namespace zerofs::fs
