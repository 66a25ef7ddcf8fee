// GarbageCollector: the pass loop, the counter scan, retention and the
// deletion of dead segments. Compaction is in gc_compact.cc, the orphan
// sweep in gc_orphans.cc.
#include "engine/gc.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <memory>

#include "base/coding.h"
#include "engine/applier.h"
#include "engine/segment_format.h"

namespace zerofs::engine {

namespace {

using Clock = std::chrono::steady_clock;

// Compaction goes beyond dead_ratio while the durable segments hold more
// than this many times their live bytes.
constexpr double kMaxAmplification = 1.3;

double Mib(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace

GarbageCollector::GarbageCollector(GcOptions options, EngineParts parts)
    : options_(std::move(options)), parts_(std::move(parts)) {
  // The current snapshot counts as seen now: a reader may have opened from
  // an older one just before this process started.
  VersionedManifest m = parts_.manifest();
  seen_.push_back(Seen{Clock::now(), m.manifest.snapshot_id, m.manifest.horizon});
}

GarbageCollector::~GarbageCollector() { Stop(); }

void GarbageCollector::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void GarbageCollector::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

GcStats GarbageCollector::stats() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  return stats_;
}

void GarbageCollector::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    cv_.wait_for(lock, options_.interval, [this] { return stop_.load(); });
    if (stop_) break;
    lock.unlock();
    if (!parts_.pipeline->fenced()) {
      Status s = RunPass();
      if (!s.ok() && !stopping()) {
        spdlog::warn("zerofs: gc pass failed (retried next pass): {}", s.error().ToString());
      }
    }
    lock.lock();
  }
}

void GarbageCollector::Progress(const char* what, bool force) {
  const auto now = Clock::now();
  if (!force && now - last_progress_ < std::chrono::seconds(10)) return;
  last_progress_ = now;
  GcStats st = stats();
  spdlog::info("zerofs: gc {}: {:.0f}s, rewrote {:.1f} MiB, deleted {} segments ({:.1f} MiB)", what,
               std::chrono::duration<double>(now - pass_start_).count(), Mib(st.bytes_rewritten),
               st.segments_deleted, Mib(st.bytes_deleted));
}

Status GarbageCollector::RunPass() {
  std::lock_guard<std::mutex> pass(pass_mutex_);
  pass_start_ = last_progress_ = Clock::now();
  const GcStats before = stats();

  Retained keep = ComputeRetention();
  ZFS_RETURN_IF_ERROR(DeleteDoomed(keep));
  std::vector<Candidate> compact;
  uint64_t applied = 0;
  ZFS_RETURN_IF_ERROR(Scan(&compact, &applied));
  uint64_t budget = options_.max_bytes_per_pass;
  for (const Candidate& c : compact) {
    if (stopping() || budget == 0 || parts_.pipeline->fenced()) break;
    ZFS_RETURN_IF_ERROR(Compact(c, &budget));
    Progress("pass in progress", false);
  }
  if (!stopping()) ZFS_RETURN_IF_ERROR(SweepOrphans(keep, applied));
  if (!stopping()) ZFS_RETURN_IF_ERROR(SweepSnapshots(keep));

  GcStats after;
  {
    std::lock_guard<std::mutex> lock(stats_mutex_);
    stats_.passes++;
    after = stats_;
  }
  if (after.bytes_rewritten != before.bytes_rewritten ||
      after.segments_deleted != before.segments_deleted ||
      after.orphans_deleted != before.orphans_deleted) {
    spdlog::info(
        "zerofs: gc pass done in {:.1f}s: rewrote {:.1f} MiB, deleted {} segments ({:.1f} MiB) and "
        "{} orphaned objects",
        std::chrono::duration<double>(Clock::now() - pass_start_).count(),
        Mib(after.bytes_rewritten - before.bytes_rewritten),
        after.segments_deleted - before.segments_deleted,
        Mib(after.bytes_deleted - before.bytes_deleted),
        after.orphans_deleted - before.orphans_deleted);
  }
  return OkStatus();
}

GarbageCollector::Retained GarbageCollector::ComputeRetention() {
  const auto now = Clock::now();
  VersionedManifest m = parts_.manifest();
  if (seen_.empty() || seen_.back().snapshot_id != m.manifest.snapshot_id) {
    seen_.push_back(Seen{now, m.manifest.snapshot_id, m.manifest.horizon});
  }
  // The newest snapshot that has been current for at least the grace: a
  // reader still working from anything older has had that long.
  const Seen* effective = nullptr;
  for (const Seen& s : seen_) {
    if (now - s.at >= options_.reader_grace) effective = &s;
  }
  Retained keep;
  if (effective != nullptr) {
    keep.max_segment = effective->horizon;
    keep.min_snapshot = effective->snapshot_id;
    // Older history is no longer needed.
    while (&seen_.front() != effective) seen_.pop_front();
  }
  for (const Checkpoint& c : m.manifest.checkpoints) {
    keep.pinned_below = std::max(keep.pinned_below, c.horizon);
    keep.checkpoint_snapshots.push_back(c.snapshot_id);
  }
  if (options_.replica_floor) {
    keep.max_segment = std::min(keep.max_segment, options_.replica_floor());
  }
  return keep;
}

Status GarbageCollector::DeleteDoomed(const Retained& keep) {
  const uint64_t durable = parts_.pipeline->durable_id();
  for (auto it = doomed_.begin(); it != doomed_.end() && !stopping();) {
    const uint64_t id = it->first;
    if (id > keep.max_segment || id <= keep.pinned_below || it->second.dead_at > durable) {
      ++it;
      continue;
    }
    // Re-check under the engine mutex: dead stays dead (no record ever
    // points back into an old segment), but a damaged index must not make
    // this delete live data.
    SegmentStats stats;
    {
      std::lock_guard<std::mutex> lock(parts_.pipeline->mutex());
      std::string v;
      rocksdb::Status s = parts_.db->Get(rocksdb::ReadOptions(), SegmentStatsKey(id), &v);
      if (s.IsNotFound()) {
        it = doomed_.erase(it);
        continue;
      }
      ZFS_RETURN_IF_ERROR(FromRocks(s, "gc read segment stats"));
      ZFS_ASSIGN_OR_RETURN(stats, SegmentStats::Decode(v));
    }
    if (stats.live_frames != 0 || stats.live_bytes != 0) {
      it = doomed_.erase(it);
      continue;
    }
    ZFS_RETURN_IF_ERROR(parts_.store->Delete(SegmentObjectKey(id)));
    {
      // The record goes after the object: a crash in between leaves a
      // record of a dead segment, which the next pass deletes again. The
      // delete is not journaled: recovery may bring the record back, with
      // the same effect.
      std::lock_guard<std::mutex> lock(parts_.pipeline->mutex());
      rocksdb::WriteOptions wo;
      wo.disableWAL = true;
      ZFS_RETURN_IF_ERROR(
          FromRocks(parts_.db->Delete(wo, SegmentStatsKey(id)), "gc delete segment stats"));
    }
    {
      std::lock_guard<std::mutex> lock(stats_mutex_);
      stats_.segments_deleted++;
      stats_.bytes_deleted += stats.object_size;
    }
    it = doomed_.erase(it);
    Progress("deleting dead segments", false);
  }
  return OkStatus();
}

Status GarbageCollector::Scan(std::vector<Candidate>* compact, uint64_t* applied) {
  // A consistent view of the index and the open segment it has reached:
  // everything the view shows is durable once that segment is.
  const rocksdb::Snapshot* view = nullptr;
  uint64_t open_id = 0;
  uint64_t view_end = 0;  // the last segment whose records the view holds
  {
    std::lock_guard<std::mutex> lock(parts_.pipeline->mutex());
    view = parts_.db->GetSnapshot();
    SegmentBuilder* open = parts_.pipeline->open_locked();
    open_id = open != nullptr ? open->id() : std::numeric_limits<uint64_t>::max();
    // An open segment without records adds nothing to the view.
    view_end = open != nullptr && !open->has_records() ? open_id - 1 : open_id;
  }
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* view;
    ~Release() { db->ReleaseSnapshot(view); }
  } release{parts_.db, view};
  rocksdb::ReadOptions ro;
  ro.snapshot = view;
  {
    std::string v;
    rocksdb::Status s = parts_.db->Get(ro, kAppliedKey, &v);
    *applied = s.ok() && v.size() == 8 ? LoadLE64(v.data()) : 0;
  }
  const uint64_t durable = parts_.pipeline->durable_id();
  const std::string lo(1, kSegmentStatsPrefix);
  const std::string hi(1, kSegmentStatsPrefix + 1);
  rocksdb::Slice upper(hi);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(parts_.db->NewIterator(ro));
  std::vector<Candidate> partial;
  uint64_t stored = 0;  // object bytes of durable segments with live data
  uint64_t live = 0;
  for (it->Seek(lo); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    if (k.size() != 9) return Error(Code::kCorruption, "gc: malformed segment stats key");
    const uint64_t id = LoadBE64(k.data() + 1);
    ZFS_ASSIGN_OR_RETURN(SegmentStats st, SegmentStats::Decode(it->value().ToStringView()));
    // Segments still in memory (not durable) are never touched.
    if (id > durable || id >= open_id) continue;
    if (st.live_frames == 0) {
      doomed_.try_emplace(id, Doomed{view_end});
      continue;
    }
    stored += st.object_size;
    live += st.live_bytes;
    if (st.live_bytes < st.frame_bytes) partial.push_back(Candidate{id, st});
  }
  ZFS_RETURN_IF_ERROR(FromRocks(it->status(), "gc scan segment stats"));
  // Emptiest first. A segment qualifies when it is at least dead_ratio
  // dead; beyond that, while the store would still hold more than
  // kMaxAmplification times its live bytes, the next emptiest ones too (many
  // segments each just under the threshold would otherwise keep up to
  // 1 / (1 - dead_ratio) times the live data).
  auto live_fraction = [](const Candidate& c) {
    return static_cast<double>(c.stats.live_bytes) / static_cast<double>(c.stats.frame_bytes);
  };
  std::sort(partial.begin(), partial.end(), [&](const Candidate& a, const Candidate& b) {
    return live_fraction(a) < live_fraction(b);
  });
  for (const Candidate& c : partial) {
    const bool dead_enough = live_fraction(c) <= 1.0 - options_.dead_ratio;
    const bool too_big =
        static_cast<double>(stored) > kMaxAmplification * static_cast<double>(live);
    if (!dead_enough && !too_big) break;
    compact->push_back(c);
    stored -= std::min(stored, c.stats.frame_bytes - c.stats.live_bytes);
  }
  return OkStatus();
}

}  // namespace zerofs::engine
