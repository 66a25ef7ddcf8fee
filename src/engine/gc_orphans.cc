// Orphans: objects in the bucket that nothing will read again.
//  - segment objects at or below the applied segment that have no record in
//    the index (left by a crash between deleting an object and its record,
//    or by anything else that never committed);
//  - snapshot descriptors older than the retained snapshot, except those of
//    named checkpoints;
//  - SST objects that no retained descriptor names (uploads of a snapshot
//    whose manifest swap never happened, files RocksDB compacted away).
// Only ids at or below the retained horizon are considered, so an object a
// slow reader may still fetch is left for a later pass.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "engine/applier.h"
#include "engine/gc.h"
#include "engine/segment_format.h"

namespace zerofs::engine {

Status GarbageCollector::SweepOrphans(const Retained& keep, uint64_t applied) {
  const uint64_t limit = std::min(keep.max_segment, applied);
  if (limit == 0) return OkStatus();
  ZFS_ASSIGN_OR_RETURN(std::vector<objstore::ObjectInfo> objects,
                       parts_.store->ListAll(kSegmentsPrefix));
  for (const objstore::ObjectInfo& o : objects) {
    uint64_t id = 0;
    if (stopping()) break;
    if (!ParseSegmentObjectKey(o.key, &id) || id > limit || id <= keep.pinned_below) continue;
    std::string v;
    rocksdb::Status s = parts_.db->Get(rocksdb::ReadOptions(), SegmentStatsKey(id), &v);
    if (!s.IsNotFound()) {
      ZFS_RETURN_IF_ERROR(FromRocks(s, "gc read segment stats"));
      continue;
    }
    spdlog::info("zerofs: gc: deleting orphaned {} ({} bytes)", o.key, o.size);
    ZFS_RETURN_IF_ERROR(parts_.store->Delete(o.key));
    std::lock_guard<std::mutex> lock(stats_mutex_);
    stats_.orphans_deleted++;
    stats_.bytes_deleted += o.size;
  }
  return OkStatus();
}

Status GarbageCollector::SweepSnapshots(const Retained& keep) {
  if (keep.min_snapshot == 0) return OkStatus();
  // No snapshot uploads while the set of referenced SSTs is computed.
  std::lock_guard<std::mutex> snap(*parts_.snapshot_mutex);
  ZFS_ASSIGN_OR_RETURN(std::vector<objstore::ObjectInfo> descriptors,
                       parts_.store->ListAll(kSnapshotsPrefix));
  std::set<std::string> referenced;
  std::vector<std::string> doomed;
  for (const objstore::ObjectInfo& o : descriptors) {
    uint64_t id = 0;
    if (!ParseHexKey(o.key, kSnapshotsPrefix, &id)) continue;
    const bool checkpoint =
        std::count(keep.checkpoint_snapshots.begin(), keep.checkpoint_snapshots.end(), id) > 0;
    if (id < keep.min_snapshot && !checkpoint) {
      doomed.push_back(o.key);
      continue;
    }
    // Retained: its SSTs stay. A descriptor that cannot be read stops the
    // sweep (deleting SSTs it may name would be unsafe).
    ZFS_ASSIGN_OR_RETURN(objstore::GetResult got, parts_.store->Get(o.key));
    ZFS_ASSIGN_OR_RETURN(SnapshotDescriptor desc,
                         SnapshotDescriptor::Decode(got.data, parts_.keys->meta, id));
    for (const SnapshotFile& f : desc.files) {
      if (f.kind == SnapshotFile::kObject) referenced.insert(f.data);
    }
  }
  ZFS_ASSIGN_OR_RETURN(std::vector<objstore::ObjectInfo> ssts, parts_.store->ListAll(kSstPrefix));
  std::set<std::string> dropped;
  for (const objstore::ObjectInfo& o : ssts) {
    if (referenced.count(o.key) == 0) {
      doomed.push_back(o.key);
      dropped.insert(o.key);
    }
  }
  // A later snapshot must upload these files again rather than name them.
  for (auto it = parts_.sst_objects->begin(); it != parts_.sst_objects->end();) {
    it = dropped.count(it->second) ? parts_.sst_objects->erase(it) : std::next(it);
  }
  for (const std::string& key : doomed) {
    if (stopping()) break;
    ZFS_RETURN_IF_ERROR(parts_.store->Delete(key));
    std::lock_guard<std::mutex> lock(stats_mutex_);
    stats_.orphans_deleted++;
  }
  return OkStatus();
}

}  // namespace zerofs::engine
