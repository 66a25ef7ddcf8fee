// Compaction: the live frames of a mostly-dead segment move into the open
// segment. A frame is live if its extent's pointer names it; it is checked
// once to decide what to fetch, and again under the engine mutex right
// before the repoint (compare-and-set), so a write that replaced the extent
// meanwhile keeps its data and the copy is simply dead bytes.
#include <spdlog/spdlog.h>

#include "crypto/aead.h"
#include "engine/applier.h"
#include "engine/gc.h"
#include "engine/segment_reader.h"

namespace zerofs::engine {

namespace {

// Frames re-sealed per engine-mutex hold, and bytes fetched per GET.
constexpr size_t kBatchFrames = 64;
constexpr uint64_t kFetchWindow = 8ull << 20;

struct Move {
  uint64_t ino = 0;
  uint64_t index = 0;
  ExtentPointer old;
  std::string encoded;  // the opened frame: codec byte + body
};

bool Same(const ExtentPointer& a, const ExtentPointer& b) {
  return a.segment_id == b.segment_id && a.offset == b.offset &&
         a.sealed_length == b.sealed_length && a.frame_index == b.frame_index;
}

Result<std::optional<ExtentPointer>> Lookup(rocksdb::DB* db, uint64_t ino, uint64_t index) {
  std::string v;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), ExtentKey(ino, index), &v);
  if (s.IsNotFound()) return std::optional<ExtentPointer>();
  ZFS_RETURN_IF_ERROR(FromRocks(s, "gc read extent pointer"));
  ZFS_ASSIGN_OR_RETURN(ExtentPointer p, ExtentPointer::Decode(v));
  return std::optional<ExtentPointer>(p);
}

// Appends the still-current moves to the open segment and repoints them,
// like one Commit. Returns the sealed bytes moved.
Result<uint64_t> Repoint(const EngineParts& parts, std::vector<Move>* moves) {
  size_t sealed_bytes = 0;
  for (const Move& m : *moves) sealed_bytes += SegmentBuilder::SealedLength(m.encoded.size());
  std::unique_lock<std::mutex> lock(parts.pipeline->mutex());
  // Sealed under the mutex (GC is background work), in room that commits
  // sealing outside it cannot move.
  ZFS_ASSIGN_OR_RETURN(SegmentBuilder * seg, parts.pipeline->ReserveRoomLocked(lock, sealed_bytes));
  Applier applier(parts.db);
  std::vector<JournalRecord> records;
  uint64_t moved = 0;
  for (Move& m : *moves) {
    ZFS_ASSIGN_OR_RETURN(std::optional<ExtentPointer> now, Lookup(parts.db, m.ino, m.index));
    if (!now || !Same(*now, m.old)) continue;  // overwritten since: the write wins
    JournalRecord r =
        seg->AddFrame(parts.keys->data, m.encoded, m.ino, m.index, m.old.logical_length);
    ZFS_RETURN_IF_ERROR(applier.Apply(seg->id(), r));
    moved += m.old.sealed_length;
    records.push_back(std::move(r));
  }
  if (records.empty()) return uint64_t{0};
  ZFS_ASSIGN_OR_RETURN(rocksdb::WriteBatch * batch, applier.Finish());
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  Status written = FromRocks(parts.db->Write(wo, batch), "gc index write");
  if (!written.ok()) {
    parts.pipeline->FailLocked(written.error());
    return written.error();
  }
  for (const JournalRecord& r : records) seg->AddRecord(r);
  parts.pipeline->AfterCommitLocked(lock);
  return moved;
}

}  // namespace

Status GarbageCollector::Compact(const Candidate& c, uint64_t* budget) {
  auto layout = ReadSegmentLayout(parts_.store, *parts_.keys, c.id, c.stats.object_size);
  if (!layout.ok()) {
    // Leave a damaged segment alone (fsck reports it); collect the rest.
    spdlog::error("zerofs: gc cannot read {}: {}", SegmentObjectKey(c.id),
                  layout.error().ToString());
    return OkStatus();
  }
  std::vector<uint32_t> live;
  std::vector<ExtentPointer> pointers(layout->directory.size());
  for (uint32_t i = 0; i < layout->directory.size(); i++) {
    const DirectoryEntry& e = layout->directory[i];
    ZFS_ASSIGN_OR_RETURN(std::optional<ExtentPointer> p, Lookup(parts_.db, e.ino, e.index));
    if (!p || p->segment_id != c.id || p->offset != e.offset || p->frame_index != i) continue;
    pointers[i] = *p;
    live.push_back(i);
  }
  std::vector<Move> batch;
  uint64_t moved = 0;
  bool aborted = false;
  auto flush = [&]() -> Status {
    ZFS_ASSIGN_OR_RETURN(uint64_t n, Repoint(parts_, &batch));
    batch.clear();
    moved += n;
    {
      std::lock_guard<std::mutex> lock(stats_mutex_);
      stats_.bytes_rewritten += n;
    }
    *budget -= std::min(*budget, n);
    return OkStatus();
  };
  Status s = ForEachFrame(
      parts_.store, c.id, *layout, live, kFetchWindow,
      [&](uint32_t i, std::string_view sealed) -> Status {
        if (stopping()) {
          aborted = true;
          return Error(Code::kIoError, "gc stopping");
        }
        const DirectoryEntry& e = layout->directory[i];
        auto plain = crypto::Open(parts_.keys->data, sealed, FrameAd(c.id, i, e.ino, e.index));
        if (!plain.ok()) {
          spdlog::error("zerofs: gc: frame {} of {} fails authentication; left in place", i,
                        SegmentObjectKey(c.id));
          return OkStatus();
        }
        batch.push_back(Move{e.ino, e.index, pointers[i], std::move(plain).value()});
        if (batch.size() >= kBatchFrames) return flush();
        return OkStatus();
      });
  if (aborted) return OkStatus();  // what was repointed stays valid
  ZFS_RETURN_IF_ERROR(s);
  if (!batch.empty()) ZFS_RETURN_IF_ERROR(flush());
  spdlog::debug("zerofs: gc compacted {}: moved {} bytes", SegmentObjectKey(c.id), moved);
  return OkStatus();
}

}  // namespace zerofs::engine
