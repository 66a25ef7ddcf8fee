#include "engine/fsck.h"

#include <chrono>
#include <map>
#include <memory>

#include "base/coding.h"
#include "crypto/aead.h"
#include "crypto/codec.h"
#include "engine/applier.h"
#include "engine/engine_impl.h"
#include "engine/segment_reader.h"

namespace zerofs::engine {

namespace {

constexpr size_t kMaxProblems = 200;
constexpr uint64_t kFsckFetchWindow = 8ull << 20;

struct Ref {
  uint64_t ino = 0;
  uint64_t index = 0;
  ExtentPointer p;
};

class Checker {
 public:
  Checker(EngineParts parts, const CheckProgress& progress)
      : parts_(std::move(parts)), progress_(progress) {}

  Result<StoreCheckReport> Run() {
    ZFS_ASSIGN_OR_RETURN(std::vector<objstore::ObjectInfo> objects,
                         parts_.store->ListAll(kSegmentsPrefix));
    for (const objstore::ObjectInfo& o : objects) {
      uint64_t id = 0;
      if (ParseSegmentObjectKey(o.key, &id)) sizes_[id] = o.size;
    }
    report_.segments = sizes_.size();
    Say("fsck: " + std::to_string(sizes_.size()) + " segment objects in the bucket");
    ZFS_RETURN_IF_ERROR(LoadExtents());
    ZFS_RETURN_IF_ERROR(CheckCounters());
    ZFS_RETURN_IF_ERROR(CheckFrames());
    if (report_.problems.size() >= kMaxProblems) {
      report_.notes.push_back("only the first " + std::to_string(kMaxProblems) +
                              " problems are listed");
    }
    return std::move(report_);
  }

 private:
  void Problem(std::string what) {
    if (report_.problems.size() < kMaxProblems) report_.problems.push_back(std::move(what));
  }
  void Say(const std::string& line) {
    if (progress_) progress_(line);
  }

  Status LoadExtents() {
    const std::string lo(1, kExtentPrefix);
    const std::string hi(1, kExtentPrefix + 1);
    rocksdb::ReadOptions ro;
    rocksdb::Slice upper(hi);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(parts_.db->NewIterator(ro));
    for (it->Seek(lo); it->Valid(); it->Next()) {
      Ref r;
      if (!ParseExtentKey(it->key().ToStringView(), &r.ino, &r.index)) {
        Problem("malformed extent key in the index");
        continue;
      }
      auto p = ExtentPointer::Decode(it->value().ToStringView());
      if (!p.ok()) {
        Problem("extent " + std::to_string(r.index) + " of inode " + std::to_string(r.ino) + ": " +
                p.error().ToString());
        continue;
      }
      r.p = *p;
      report_.extents++;
      SegmentStats& c = recount_[r.p.segment_id];
      c.live_bytes += r.p.sealed_length;
      c.live_frames++;
      logical_ += r.p.logical_length;
      stored_ += r.p.sealed_length;
      refs_[r.p.segment_id].push_back(r);
    }
    ZFS_RETURN_IF_ERROR(FromRocks(it->status(), "scan extents"));
    report_.live_stored_bytes = stored_;
    Say("fsck: " + std::to_string(report_.extents) + " extents in " + std::to_string(refs_.size()) +
        " segments");
    return OkStatus();
  }

  Status CheckCounters() {
    const std::string lo(1, kSegmentStatsPrefix);
    const std::string hi(1, kSegmentStatsPrefix + 1);
    rocksdb::ReadOptions ro;
    rocksdb::Slice upper(hi);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(parts_.db->NewIterator(ro));
    std::map<uint64_t, SegmentStats> recorded;
    uint64_t deleted = 0;
    for (it->Seek(lo); it->Valid(); it->Next()) {
      if (it->key().size() != 9) {
        Problem("malformed segment stats key in the index");
        continue;
      }
      const uint64_t id = LoadBE64(it->key().data() + 1);
      auto st = SegmentStats::Decode(it->value().ToStringView());
      if (!st.ok()) {
        Problem(SegmentObjectKey(id) + " stats: " + st.error().ToString());
        continue;
      }
      recorded[id] = *st;
    }
    ZFS_RETURN_IF_ERROR(FromRocks(it->status(), "scan segment stats"));
    for (const auto& [id, st] : recorded) {
      const SegmentStats want = recount_.count(id) ? recount_[id] : SegmentStats{};
      const std::string key = SegmentObjectKey(id);
      if (st.live_bytes != want.live_bytes || st.live_frames != want.live_frames) {
        Problem(key + ": counters say " + std::to_string(st.live_frames) + " live frames (" +
                std::to_string(st.live_bytes) + " bytes), the extents reference " +
                std::to_string(want.live_frames) + " (" + std::to_string(want.live_bytes) +
                " bytes)");
      }
      if (st.live_frames > st.frames || st.live_bytes > st.frame_bytes) {
        Problem(key + ": more live than stored frames in its counters");
      }
      auto size = sizes_.find(id);
      if (size == sizes_.end()) {
        if (st.live_frames == 0) deleted++;
        continue;  // live and missing: reported per extent below
      }
      if (st.object_size != 0 && size->second != st.object_size) {
        Problem(key + ": object has " + std::to_string(size->second) + " bytes, its record says " +
                std::to_string(st.object_size));
      }
      if (st.live_frames == 0) report_.unreferenced_segments++;
    }
    if (deleted > 0) {
      report_.notes.push_back(std::to_string(deleted) +
                              " dead segments already deleted by GC still have a record");
    }
    for (const auto& [id, want] : recount_) {
      if (!recorded.count(id)) Problem(SegmentObjectKey(id) + ": referenced but has no counters");
    }
    ZFS_ASSIGN_OR_RETURN(uint64_t applied, ReadAppliedSegment(parts_.db));
    for (const auto& [id, size] : sizes_) {
      if (id <= applied && !recorded.count(id)) {
        report_.unreferenced_segments++;
        report_.notes.push_back(SegmentObjectKey(id) + ": orphaned object (GC removes it)");
      }
    }
    ZFS_ASSIGN_OR_RETURN(GlobalStats g, ReadGlobalStats(parts_.db));
    if (g.live_logical_bytes != logical_ || g.live_stored_bytes != stored_) {
      Problem("global counters say " + std::to_string(g.live_logical_bytes) + " logical / " +
              std::to_string(g.live_stored_bytes) + " stored bytes, the extents hold " +
              std::to_string(logical_) + " / " + std::to_string(stored_));
    }
    return OkStatus();
  }

  Status CheckFrames() {
    auto last_say = std::chrono::steady_clock::now();
    size_t done = 0;
    for (auto& [id, refs] : refs_) {
      done++;
      const std::string key = SegmentObjectKey(id);
      auto size = sizes_.find(id);
      if (size == sizes_.end()) {
        Problem(key + " is missing: " + std::to_string(refs.size()) +
                " extents point into it (first: inode " + std::to_string(refs[0].ino) + " extent " +
                std::to_string(refs[0].index) + ")");
        continue;
      }
      auto layout = ReadSegmentLayout(parts_.store, *parts_.keys, id, size->second);
      if (!layout.ok()) {
        Problem(key + ": " + layout.error().ToString() + " (" + std::to_string(refs.size()) +
                " extents point into it)");
        continue;
      }
      report_.segments_read++;
      std::sort(refs.begin(), refs.end(),
                [](const Ref& a, const Ref& b) { return a.p.offset < b.p.offset; });
      std::vector<uint32_t> wanted;
      std::map<uint32_t, const Ref*> by_frame;
      for (const Ref& r : refs) {
        const std::string what =
            key + ": extent " + std::to_string(r.index) + " of inode " + std::to_string(r.ino);
        if (r.p.frame_index >= layout->directory.size()) {
          Problem(what + " names frame " + std::to_string(r.p.frame_index) + " of " +
                  std::to_string(layout->directory.size()));
          continue;
        }
        const DirectoryEntry& e = layout->directory[r.p.frame_index];
        if (e.offset != r.p.offset || e.sealed_length != r.p.sealed_length || e.ino != r.ino ||
            e.index != r.index || e.logical_length != r.p.logical_length) {
          Problem(what + " does not match the segment's directory");
          continue;
        }
        if (by_frame.emplace(r.p.frame_index, &r).second) wanted.push_back(r.p.frame_index);
      }
      Status s = ForEachFrame(
          parts_.store, id, *layout, wanted, kFsckFetchWindow,
          [&](uint32_t i, std::string_view sealed) -> Status {
            const Ref& r = *by_frame[i];
            const std::string what =
                key + ": extent " + std::to_string(r.index) + " of inode " + std::to_string(r.ino);
            auto plain = crypto::Open(parts_.keys->data, sealed, FrameAd(id, i, r.ino, r.index));
            if (!plain.ok()) {
              Problem(what + ": frame fails authentication");
              return OkStatus();
            }
            auto decoded = crypto::Decode(*plain, kExtentSize);
            if (!decoded.ok() || decoded->size() != r.p.logical_length) {
              Problem(what + ": frame does not decode to its recorded length");
              return OkStatus();
            }
            report_.frames_verified++;
            report_.bytes_verified += decoded->size();
            return OkStatus();
          });
      if (!s.ok()) Problem(key + ": " + s.error().ToString());
      const auto now = std::chrono::steady_clock::now();
      if (now - last_say > std::chrono::seconds(5) || done == refs_.size()) {
        last_say = now;
        Say("fsck: verified " + std::to_string(done) + "/" + std::to_string(refs_.size()) +
            " segments, " + std::to_string(report_.frames_verified) + " frames");
      }
    }
    return OkStatus();
  }

  const EngineParts parts_;
  const CheckProgress& progress_;
  StoreCheckReport report_;
  std::map<uint64_t, uint64_t> sizes_;  // segment objects in the bucket
  std::map<uint64_t, SegmentStats> recount_;
  std::map<uint64_t, std::vector<Ref>> refs_;
  uint64_t logical_ = 0;
  uint64_t stored_ = 0;
};

}  // namespace

Result<StoreCheckReport> CheckStore(Engine* engine, const CheckProgress& progress) {
  auto* impl = dynamic_cast<EngineImpl*>(engine);
  if (impl == nullptr) return Error(Code::kInvalidArgument, "fsck: not a storage engine");
  Checker checker(impl->Parts(), progress);
  return checker.Run();
}

}  // namespace zerofs::engine
