// Garbage collection on the writer (docs/ARCHITECTURE.md, "Reclamation").
//
// Each pass:
//  1. deletes the segments found wholly dead by an earlier pass, once that
//     deadness is durable and no reader can need them (retention below);
//  2. scans the per-segment counters ('S') in a consistent view of the
//     index: wholly dead segments become deletion candidates, segments at
//     least `dead_ratio` dead become compaction candidates;
//  3. compacts candidates (fewest live bytes first, up to
//     `max_bytes_per_pass`): each live frame is authenticated, re-sealed
//     into the open segment and its extent repointed under the engine mutex
//     only if it still points at the old frame, so a concurrent overwrite
//     wins and the journal replays to the same result;
//  4. sweeps orphans: segment objects no index record names, snapshot
//     descriptors and SST objects no retained snapshot uses.
//
// Retention: a segment may go only when
//  - its id is at most the horizon of a snapshot that has been the
//    manifest's for at least `reader_grace` (recovery never replays it, and a
//    reader that opened from an older snapshot had that long to finish);
//  - it is dead in an index state that is durable (a crash cannot bring
//    back a pointer into it);
//  - no named checkpoint covers it (its id is above every checkpoint's
//    horizon: conservative, checkpoints read their snapshot's pointers);
//  - `replica_floor` (replicas following the journal) allows it.
// Snapshot descriptors older than the retained snapshot (and not a
// checkpoint's) go, then SSTs that no retained descriptor names.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "base/result.h"
#include "engine/engine_parts.h"
#include "engine/keys.h"

namespace zerofs::engine {

struct GcOptions {
  std::chrono::milliseconds interval{60000};
  double dead_ratio = 0.5;
  uint64_t max_bytes_per_pass = 1ull << 30;
  std::chrono::milliseconds reader_grace{600000};
  // Hook for read replicas: the highest segment id whose object no replica
  // still needs (UINT64_MAX when there are none).
  std::function<uint64_t()> replica_floor;
};

struct GcStats {
  uint64_t passes = 0;
  uint64_t bytes_rewritten = 0;
  uint64_t segments_deleted = 0;
  uint64_t bytes_deleted = 0;
  uint64_t orphans_deleted = 0;
};

class GarbageCollector {
 public:
  GarbageCollector(GcOptions options, EngineParts parts);
  ~GarbageCollector();  // Stop()

  // Starts the background thread (first pass after one interval).
  void Start();
  // Stops the thread; a running pass stops between frames batches (what it
  // committed stays valid, the rest is redone by a later pass). Idempotent.
  void Stop();

  // Runs one pass now, on the caller's thread (tests, benchmarks).
  Status RunPass();

  GcStats stats() const;

 private:
  struct Candidate {
    uint64_t id = 0;
    SegmentStats stats;
  };
  // A dead segment and the open segment id when it was seen dead: its
  // deadness is durable once that segment is.
  struct Doomed {
    uint64_t dead_at = 0;
  };
  // Manifest states seen, to know which snapshot a slow reader may use.
  struct Seen {
    std::chrono::steady_clock::time_point at;
    uint64_t snapshot_id = 0;
    uint64_t horizon = 0;
  };
  struct Retained {
    uint64_t max_segment = 0;   // segments <= this may go (0 = none)
    uint64_t pinned_below = 0;  // ... and above this (checkpoints)
    uint64_t min_snapshot = 0;  // descriptors below this may go (0 = none)
    std::vector<uint64_t> checkpoint_snapshots;
  };

  void Loop();
  bool stopping() const { return stop_.load(std::memory_order_relaxed); }
  Retained ComputeRetention();
  Status DeleteDoomed(const Retained& keep);
  // Scans the counters; fills doomed_ and *compact; *applied = Zapplied.
  Status Scan(std::vector<Candidate>* compact, uint64_t* applied);
  Status Compact(const Candidate& c, uint64_t* budget);
  Status SweepOrphans(const Retained& keep, uint64_t applied);
  Status SweepSnapshots(const Retained& keep);
  void Progress(const char* what, bool force);

  const GcOptions options_;
  const EngineParts parts_;

  std::mutex pass_mutex_;              // one pass at a time
  std::map<uint64_t, Doomed> doomed_;  // guarded by pass_mutex_
  std::deque<Seen> seen_;              // guarded by pass_mutex_
  std::chrono::steady_clock::time_point last_progress_;
  std::chrono::steady_clock::time_point pass_start_;

  mutable std::mutex stats_mutex_;
  GcStats stats_;  // guarded by stats_mutex_

  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace zerofs::engine
