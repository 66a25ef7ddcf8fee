// Snapshots of the metadata index: a RocksDB checkpoint uploaded to the
// bucket (docs/FORMAT.md, "Snapshot descriptor"), and its restore.
//
//   snapshots/<id:016x>              descriptor: files of the checkpoint
//   sst/<incarnation:016x>-<name>    one SST file, sealed whole
//
// SST files are immutable, so each is uploaded once per incarnation of the
// local DB; SstObjectMap remembers which object holds which local file
// (restored files keep the object they came from).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/aead.h"
#include "engine/manifest.h"
#include "objstore/object_store.h"

namespace zerofs::engine {

constexpr std::string_view kSnapshotsPrefix = "snapshots/";
constexpr std::string_view kSstPrefix = "sst/";

std::string SnapshotObjectKey(uint64_t id);

struct SnapshotFile {
  enum Kind : uint8_t { kObject = 0, kInline = 1 };
  std::string name;  // local file name ("000012.sst", "CURRENT", ...)
  Kind kind = kInline;
  uint64_t size = 0;
  std::string data;  // kObject: the sst/ object key; kInline: the bytes
  bool operator==(const SnapshotFile&) const = default;
};

struct SnapshotDescriptor {
  uint64_t horizon = 0;
  uint64_t created_ms = 0;
  std::vector<SnapshotFile> files;

  std::string Encode(const crypto::SecretKey& meta_key, uint64_t id) const;
  static Result<SnapshotDescriptor> Decode(std::string_view bytes,
                                           const crypto::SecretKey& meta_key, uint64_t id);
};

// local file name -> object key of an SST already in the bucket.
using SstObjectMap = std::map<std::string, std::string>;

// Uploads every *.sst file of checkpoint directory `dir` that `uploaded` does
// not know yet (recording it there), and returns the descriptor for the
// checkpoint: SSTs by object key, every other file (except WAL *.log files,
// empty because the WAL is off and the checkpoint flushed) inline.
Result<SnapshotDescriptor> UploadCheckpoint(objstore::ObjectStore* store,
                                            const crypto::SecretKey& meta_key,
                                            const std::string& dir, uint64_t incarnation,
                                            uint64_t horizon, SstObjectMap* uploaded);

// Writes snapshot `id` of descriptor `desc` into the empty directory `dir`
// (downloading and authenticating every SST); returns the object map of
// the restored SSTs.
Result<SstObjectMap> RestoreSnapshot(objstore::ObjectStore* store,
                                     const crypto::SecretKey& meta_key, uint64_t id,
                                     const std::string& dir, uint64_t* horizon);

// Writes descriptor `desc` as the snapshot after `current`'s and moves the
// manifest to it by compare-and-swap, re-reading on a lost race. Updates
// *current. kFenced if the manifest shows an epoch other than `epoch`
// (another writer took over).
Status PublishSnapshot(objstore::ObjectStore* store, const crypto::SecretKey& meta_key,
                       uint64_t epoch, const SnapshotDescriptor& desc, VersionedManifest* current);

}  // namespace zerofs::engine
