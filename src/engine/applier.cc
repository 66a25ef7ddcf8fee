#include "engine/applier.h"

#include <memory>

#include "base/coding.h"

namespace zerofs::engine {

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return OkStatus();
  if (s.IsCorruption()) return Error(Code::kCorruption, what + ": " + s.ToString());
  return Error(Code::kIoError, what + ": " + s.ToString());
}

Result<GlobalStats> ReadGlobalStats(rocksdb::DB* db) {
  std::string v;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), kStatsKey, &v);
  if (s.IsNotFound()) return GlobalStats{};
  ZFS_RETURN_IF_ERROR(FromRocks(s, "read Zstats"));
  return GlobalStats::Decode(v);
}

Result<uint64_t> ReadAppliedSegment(rocksdb::DB* db) {
  std::string v;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), kAppliedKey, &v);
  if (s.IsNotFound()) return uint64_t{0};
  ZFS_RETURN_IF_ERROR(FromRocks(s, "read Zapplied"));
  if (v.size() != 8) return Error(Code::kCorruption, "malformed Zapplied");
  return LoadLE64(v.data());
}

Result<uint64_t> ReadInodeBytes(rocksdb::DB* db, uint64_t ino) {
  std::string v;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), InodeBytesKey(ino), &v);
  if (s.IsNotFound()) return uint64_t{0};
  ZFS_RETURN_IF_ERROR(FromRocks(s, "read inode bytes"));
  if (v.size() != 8) return Error(Code::kCorruption, "malformed stored-bytes counter");
  return LoadLE64(v.data());
}

Result<uint64_t*> Applier::InodeBytes(uint64_t ino) {
  if (auto it = inode_bytes_.find(ino); it != inode_bytes_.end()) return &it->second;
  ZFS_ASSIGN_OR_RETURN(uint64_t bytes, ReadInodeBytes(db_, ino));
  return &inode_bytes_.emplace(ino, bytes).first->second;
}

Result<std::optional<ExtentPointer>> Applier::GetPointer(const std::string& key) {
  if (auto it = extents_.find(key); it != extents_.end()) return it->second;
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &v);
  if (s.IsNotFound()) return std::optional<ExtentPointer>();
  ZFS_RETURN_IF_ERROR(FromRocks(s, "read extent pointer"));
  ZFS_ASSIGN_OR_RETURN(ExtentPointer p, ExtentPointer::Decode(v));
  return std::optional<ExtentPointer>(p);
}

Result<SegmentStats*> Applier::Segment(uint64_t id) {
  if (auto it = segments_.find(id); it != segments_.end()) return &it->second;
  SegmentStats stats;
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), SegmentStatsKey(id), &v);
  if (!s.IsNotFound()) {
    ZFS_RETURN_IF_ERROR(FromRocks(s, "read segment stats"));
    ZFS_ASSIGN_OR_RETURN(stats, SegmentStats::Decode(v));
  }
  return &segments_.emplace(id, stats).first->second;
}

Status Applier::LoadGlobal() {
  if (!global_) {
    ZFS_ASSIGN_OR_RETURN(GlobalStats g, ReadGlobalStats(db_));
    global_ = g;
  }
  return OkStatus();
}

Status Applier::Unreference(const std::string& key) {
  ZFS_ASSIGN_OR_RETURN(std::optional<ExtentPointer> old, GetPointer(key));
  if (!old) return OkStatus();
  ZFS_ASSIGN_OR_RETURN(SegmentStats * seg, Segment(old->segment_id));
  // Saturating: a damaged counter must not wrap and look enormous.
  seg->live_bytes -= std::min<uint64_t>(seg->live_bytes, old->sealed_length);
  seg->live_frames -= std::min<uint32_t>(seg->live_frames, 1);
  global_->live_logical_bytes -=
      std::min<uint64_t>(global_->live_logical_bytes, old->logical_length);
  global_->live_stored_bytes -= std::min<uint64_t>(global_->live_stored_bytes, old->sealed_length);
  uint64_t ino = 0, index = 0;
  if (!ParseExtentKey(key, &ino, &index)) return Error(Code::kCorruption, "malformed extent key");
  ZFS_ASSIGN_OR_RETURN(uint64_t * bytes, InodeBytes(ino));
  *bytes -= std::min<uint64_t>(*bytes, old->logical_length);
  return OkStatus();
}

Status Applier::DeleteRange(uint64_t ino, uint64_t first, uint64_t end) {
  if (first >= end) return OkStatus();
  const std::string lo = ExtentKey(ino, first);
  const std::string hi = ExtentKey(ino, end);
  // Keys to delete: existing ones in the DB plus pending ones of this batch.
  std::map<std::string, bool> keys;
  {
    rocksdb::ReadOptions ro;
    rocksdb::Slice upper(hi);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    for (it->Seek(lo); it->Valid(); it->Next()) keys[it->key().ToString()] = true;
    ZFS_RETURN_IF_ERROR(FromRocks(it->status(), "scan extents"));
  }
  for (auto it = extents_.lower_bound(lo); it != extents_.end() && it->first < hi; ++it) {
    keys[it->first] = true;
  }
  for (const auto& [key, unused] : keys) {
    ZFS_RETURN_IF_ERROR(Unreference(key));
    extents_[key] = std::nullopt;
    batch_.Delete(key);
  }
  return OkStatus();
}

Status Applier::Apply(uint64_t segment_id, const JournalRecord& r) {
  ZFS_RETURN_IF_ERROR(LoadGlobal());
  switch (r.type) {
    case RecordType::kPut:
      batch_.Put(MetaKey(r.key), r.value);
      return OkStatus();
    case RecordType::kDelete:
      batch_.Delete(MetaKey(r.key));
      return OkStatus();
    case RecordType::kExtentPut: {
      const std::string key = ExtentKey(r.ino, r.first);
      ZFS_RETURN_IF_ERROR(Unreference(key));
      ExtentPointer p;
      p.segment_id = segment_id;
      p.offset = r.offset;
      p.sealed_length = r.sealed_length;
      p.logical_length = r.logical_length;
      p.frame_index = r.frame_index;
      ZFS_ASSIGN_OR_RETURN(SegmentStats * seg, Segment(segment_id));
      seg->live_bytes += r.sealed_length;
      seg->live_frames += 1;
      global_->live_logical_bytes += r.logical_length;
      global_->live_stored_bytes += r.sealed_length;
      ZFS_ASSIGN_OR_RETURN(uint64_t * bytes, InodeBytes(r.ino));
      *bytes += r.logical_length;
      extents_[key] = p;
      batch_.Put(key, p.Encode());
      return OkStatus();
    }
    case RecordType::kExtentDelete:
      return DeleteRange(r.ino, r.first, r.end);
    case RecordType::kSegmentInfo: {
      ZFS_ASSIGN_OR_RETURN(SegmentStats * seg, Segment(segment_id));
      seg->object_size = r.object_size;
      seg->frame_bytes = r.frame_bytes;
      seg->frames = r.frame_count;
      applied_ = segment_id;
      return OkStatus();
    }
  }
  return Error(Code::kCorruption, "journal record of unknown type");
}

Result<rocksdb::WriteBatch*> Applier::Finish() {
  for (const auto& [id, stats] : segments_) batch_.Put(SegmentStatsKey(id), stats.Encode());
  for (const auto& [ino, bytes] : inode_bytes_) {
    if (bytes == 0) {
      batch_.Delete(InodeBytesKey(ino));
    } else {
      std::string v;
      PutLE64(&v, bytes);
      batch_.Put(InodeBytesKey(ino), v);
    }
  }
  if (global_) batch_.Put(kStatsKey, global_->Encode());
  if (applied_) {
    std::string v;
    PutLE64(&v, *applied_);
    batch_.Put(kAppliedKey, v);
  }
  return &batch_;
}

}  // namespace zerofs::engine
