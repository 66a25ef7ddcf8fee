// CleanClose: what a writer leaves in its local directory after a clean
// Close, so that the next writer on the same directory can open the local
// index it left instead of downloading the snapshot again
// (docs/FORMAT.md, "Clean-close record").
//
// Why: restoring a snapshot downloads and authenticates every SST of the
// index on every start, which for a large file system is most of the
// startup time, although after a clean close the local index is exactly
// that snapshot.
//
// The record vouches for the index only until the index is opened again:
// Take removes it (durably) before the caller touches the index, so a
// crash afterwards leads to a restore, never to a trusted index that
// changed since. The caller still checks the record against the manifest
// (same ETag, epoch, snapshot and horizon: nobody changed the bucket
// since) and the index itself (its applied segment).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/snapshot.h"

namespace zerofs::engine {

struct CleanClose {
  uint64_t epoch = 0;        // the writer's epoch
  uint64_t snapshot_id = 0;  // the manifest's snapshot after the close
  uint64_t horizon = 0;      // and its horizon
  uint64_t incarnation = 0;  // the index directory, db-<incarnation>
  // The manifest's ETag after the close: tells this bucket's manifest from
  // another's with the same numbers (a bucket emptied and started again
  // under the same URL), and shows any change since.
  std::string manifest_etag;
  SstObjectMap sst_objects;  // its SSTs already in the bucket

  std::string Encode() const;
  static Result<CleanClose> Decode(std::string_view bytes);
  bool operator==(const CleanClose&) const = default;
};

// Writes the record into `local_dir` (temporary file, fsync, rename, fsync
// of the directory).
Status WriteCleanClose(const std::string& local_dir, const CleanClose& record);

// Reads the record of `local_dir` and removes it. nullopt if there is none
// or it is damaged (a damaged record is removed too). If it cannot be
// removed, nullopt as well: an index that cannot be un-vouched for is not
// reused.
std::optional<CleanClose> TakeCleanClose(const std::string& local_dir);

}  // namespace zerofs::engine
