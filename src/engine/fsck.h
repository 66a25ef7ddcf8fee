// The storage half of `zerofs fsck`: checks an engine's index against the
// bucket. Meant for an engine opened read-only (EngineOptions::read_only),
// which neither fences the writer nor writes anything.
//
// Checked:
//  - every extent pointer names a segment object that exists, whose
//    directory lists that frame at that offset, for that inode and extent;
//  - every such frame authenticates (AD rebuilt from where it was found),
//    decodes, and has the logical length the index says;
//  - the per-segment counters ('S') and the global ones ('Zstats') equal a
//    recount from the pointers, and object sizes match the bucket.
// Objects nothing refers to (dead segments, orphans a crash left) are
// reported as notes: garbage collection removes them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/engine.h"

namespace zerofs::engine {

struct StoreCheckReport {
  uint64_t extents = 0;
  uint64_t segments = 0;         // segment objects in the bucket
  uint64_t segments_read = 0;    // of which referenced and verified
  uint64_t frames_verified = 0;  // frames authenticated and decoded
  uint64_t bytes_verified = 0;   // their logical bytes
  uint64_t live_stored_bytes = 0;
  uint64_t unreferenced_segments = 0;  // awaiting GC
  std::vector<std::string> problems;   // empty when healthy
  std::vector<std::string> notes;

  bool ok() const { return problems.empty(); }
};

// Called now and then with a line of progress.
using CheckProgress = std::function<void(const std::string&)>;

// `engine` must come from Engine::Open of this build. Errors only when the
// check itself cannot run (store unreachable); damage goes to the report.
Result<StoreCheckReport> CheckStore(Engine* engine, const CheckProgress& progress);

}  // namespace zerofs::engine
