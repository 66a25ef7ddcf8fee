// The engine's read path: index lookup, memory cache, disk cache, and
// fetching frames from the open/sealed segments in memory or from the bucket.
//
// The disk tier keeps sealed frames (still encrypted) fetched from the
// bucket, keyed by segment object and offset. Frames read from a segment
// still in memory are not put there: that segment may not be durable yet.
//
// A sequential read asks for many extents at once (an NFS READ of 1 MiB is
// 32 extents). Their frames usually sit next to each other in one segment,
// so misses are grouped into runs and each run costs one ranged read instead
// of one per extent; the index is walked with one iterator instead of a
// point lookup per extent.
#include <algorithm>
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>
#include <mutex>
#include <optional>
#include <shared_mutex>

#include "engine/applier.h"
#include "engine/engine_impl.h"
#include "engine/extent_recycler.h"
#include "engine/inflight.h"
#include "engine/keys.h"
#include "engine/segment_format.h"

namespace zerofs::engine {

struct EngineImpl::FrameMiss {
  size_t slot;
  uint64_t index;
  ExtentPointer p;
};

namespace {

// Frames this close are read together (the bytes between them are read and
// dropped: cheaper than another request).
constexpr uint64_t kMaxRunGap = 64 * 1024;
// One read never spans more than this.
constexpr uint64_t kMaxRunBytes = 8ull << 20;

Result<ExtentData> OpenFrame(const crypto::SecretKey& data_key, uint64_t ino, uint64_t index,
                             const ExtentPointer& p, std::string_view sealed) {
  auto fail = [&](std::string_view what) {
    return Error(Code::kCorruption, "extent " + std::to_string(index) + " of inode " +
                                        std::to_string(ino) + " in " +
                                        SegmentObjectKey(p.segment_id) + ": " + std::string(what));
  };
  if (sealed.size() != p.sealed_length) return fail("frame truncated");
  // The plaintext only feeds the decoder: one buffer per thread serves
  // every frame (a fresh 32 KiB string per frame cost an allocation and a
  // zero-fill each).
  thread_local std::string plain;
  Status opened =
      crypto::OpenTo(data_key, sealed, FrameAd(p.segment_id, p.frame_index, ino, index), &plain);
  if (!opened.ok()) return fail(opened.error().context());
  std::unique_ptr<std::string> decoded = ExtentRecycler::Take();
  Status d = crypto::DecodeTo(plain, kExtentSize, decoded.get());
  if (!d.ok()) return fail(d.error().context());
  if (decoded->size() != p.logical_length) return fail("decoded length does not match the index");
  return ExtentRecycler::Share(std::move(decoded));
}

// "segments/<id>@<offset hex>": names the bytes, not what they decode to.
std::string DiskFrameKey(uint64_t segment_id, uint64_t offset) {
  char at[24];
  std::snprintf(at, sizeof(at), "@%llx", static_cast<unsigned long long>(offset));
  return SegmentObjectKey(segment_id) + at;
}

std::string DiskFrameKey(const ExtentPointer& p) { return DiskFrameKey(p.segment_id, p.offset); }

}  // namespace

void EngineImpl::CacheUploadedFrames(uint64_t id, std::string_view bytes,
                                     const std::vector<DirectoryEntry>& frames) {
  // The same bytes a GET of each frame would return, under the same key.
  // The tier copies what it queues and drops what does not fit its queue.
  for (const DirectoryEntry& f : frames) {
    if (f.offset + f.sealed_length > bytes.size()) break;  // cannot happen: built together
    disk_cache_->Insert(DiskFrameKey(id, f.offset), bytes.substr(f.offset, f.sealed_length));
  }
}

void EngineImpl::TakeDiskHits(uint64_t ino, std::vector<FrameMiss>* misses,
                              std::vector<ExtentData>* out) {
  size_t kept = 0;
  for (FrameMiss& m : *misses) {
    const std::string key = DiskFrameKey(m.p);
    if (std::optional<std::string> sealed = disk_cache_->Lookup(key)) {
      auto data = OpenFrame(keys_.data, ino, m.index, m.p, *sealed);
      if (data.ok()) {
        ExtentData shared = std::move(data).value();
        cache_.Insert(FrameCacheKey(m.p.segment_id, m.p.offset), shared);
        (*out)[m.slot] = std::move(shared);
        continue;
      }
      // Intact as a file but not the frame the index expects (for
      // instance left by another store): drop it and ask the bucket.
      spdlog::warn("zerofs: disk cache entry {} dropped: {}", key, data.error().ToString());
      disk_cache_->Erase(key);
    }
    (*misses)[kept++] = m;
  }
  misses->resize(kept);
}

Status EngineImpl::FetchFrames(uint64_t ino, std::vector<FrameMiss>& misses,
                               std::vector<ExtentData>* out) {
  if (disk_cache_) TakeDiskHits(ino, &misses, out);
  // Single-flight: fetch the frames nobody else is fetching, then take the
  // others from the memory cache once their fetchers are done (or fetch
  // them after all if those failed or the cache let them go).
  std::vector<FrameMiss> mine, theirs;
  {
    ClaimedFrames claims(&inflight_);
    for (const FrameMiss& m : misses) {
      std::string key = FrameCacheKey(m.p.segment_id, m.p.offset);
      if (inflight_.TryClaim(key)) {
        claims.Add(std::move(key));
        mine.push_back(m);
      } else {
        theirs.push_back(m);
      }
    }
    ZFS_RETURN_IF_ERROR(FetchRuns(ino, mine, out));
  }
  std::vector<FrameMiss> left;
  for (const FrameMiss& m : theirs) {
    const std::string key = FrameCacheKey(m.p.segment_id, m.p.offset);
    inflight_.WaitFor(key);
    if (auto hit = cache_.Lookup(key)) {
      (*out)[m.slot] = std::move(hit);
    } else {
      left.push_back(m);
    }
  }
  return FetchRuns(ino, left, out);
}

Status EngineImpl::FetchRuns(uint64_t ino, std::vector<FrameMiss>& misses,
                             std::vector<ExtentData>* out) {
  std::sort(misses.begin(), misses.end(), [](const FrameMiss& a, const FrameMiss& b) {
    return a.p.segment_id != b.p.segment_id ? a.p.segment_id < b.p.segment_id
                                            : a.p.offset < b.p.offset;
  });
  for (size_t begin = 0; begin < misses.size();) {
    const uint64_t segment = misses[begin].p.segment_id;
    const uint64_t start = misses[begin].p.offset;
    uint64_t end = start + misses[begin].p.sealed_length;
    size_t stop = begin + 1;
    for (; stop < misses.size(); stop++) {
      const ExtentPointer& q = misses[stop].p;
      const uint64_t q_end = q.offset + q.sealed_length;
      if (q.segment_id != segment || q.offset > end + kMaxRunGap || q_end - start > kMaxRunBytes) {
        break;
      }
      end = std::max(end, q_end);
    }

    std::string in_memory;
    std::string_view bytes;
    RangeBufferPool::Lease buffer;  // holds `bytes` of a GET until the frames are opened
    bool from_store = false;
    if (pipeline_->ReadInMemory(segment, start, static_cast<uint32_t>(end - start), &in_memory)) {
      bytes = in_memory;
    } else {
      from_store = true;
      buffer = range_buffers_.Take();
      get_slots_->acquire();  // bounded concurrency of GETs
      auto got = options_.store->ReadRange(SegmentObjectKey(segment),
                                           objstore::ByteRange{start, end - start}, buffer.get());
      get_slots_->release();
      if (!got.ok()) return got.error();
      bytes = *got;
    }
    for (size_t i = begin; i < stop; i++) {
      const FrameMiss& m = misses[i];
      const uint64_t at = m.p.offset - start;
      // A short read (truncated object) leaves later frames short: OpenFrame
      // reports them as truncated.
      std::string_view sealed;
      if (at < bytes.size()) {
        sealed = bytes.substr(at, m.p.sealed_length);
      }
      ZFS_ASSIGN_OR_RETURN(ExtentData shared, OpenFrame(keys_.data, ino, m.index, m.p, sealed));
      if (from_store && disk_cache_) disk_cache_->Insert(DiskFrameKey(m.p), sealed);
      cache_.Insert(FrameCacheKey(m.p.segment_id, m.p.offset), shared);
      (*out)[m.slot] = std::move(shared);
    }
    begin = stop;
  }
  return OkStatus();
}

Result<std::string> EngineImpl::ReadExtent(uint64_t ino, uint64_t index) {
  std::shared_lock<std::shared_mutex> life(lifetime_mutex_);
  ZFS_RETURN_IF_ERROR(CheckOpen());
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ExtentKey(ino, index), &value);
  if (s.IsNotFound()) return std::string();
  ZFS_RETURN_IF_ERROR(FromRocks(s, "index get"));
  ZFS_ASSIGN_OR_RETURN(ExtentPointer p, ExtentPointer::Decode(value));
  if (auto hit = cache_.Lookup(FrameCacheKey(p.segment_id, p.offset))) return std::string(*hit);
  std::vector<FrameMiss> misses{FrameMiss{0, index, p}};
  std::vector<ExtentData> out(1);
  ZFS_RETURN_IF_ERROR(FetchFrames(ino, misses, &out));
  return std::string(*out[0]);
}

Status EngineImpl::LookupExtents(uint64_t ino, uint64_t first, uint64_t count,
                                 std::vector<ExtentData>* out, std::vector<FrameMiss>* misses) {
  ZFS_RETURN_IF_ERROR(CheckOpen());
  if (count > kMaxExtentsPerRead || first > UINT64_MAX - count) {
    return Error(Code::kInvalidArgument, "ReadExtents: " + std::to_string(count) +
                                             " extents from " + std::to_string(first));
  }
  out->assign(count, nullptr);
  if (count == 0) return OkStatus();
  if (count == 1) {
    // A point lookup costs less than setting up an iterator (a small
    // random read is one extent).
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ExtentKey(ino, first), &value);
    if (s.IsNotFound()) return OkStatus();
    ZFS_RETURN_IF_ERROR(FromRocks(s, "index get"));
    ZFS_ASSIGN_OR_RETURN(ExtentPointer p, ExtentPointer::Decode(value));
    if (auto hit = cache_.Lookup(FrameCacheKey(p.segment_id, p.offset))) {
      (*out)[0] = std::move(hit);
    } else {
      misses->push_back(FrameMiss{0, first, p});
    }
    return OkStatus();
  }

  const std::string lower = ExtentKey(ino, first);
  const std::string upper_key = ExtentKey(ino, first + count);
  rocksdb::Slice upper(upper_key);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    uint64_t key_ino = 0, index = 0;
    const rocksdb::Slice k = it->key();
    if (!ParseExtentKey(std::string_view(k.data(), k.size()), &key_ino, &index) || key_ino != ino ||
        index < first || index - first >= count) {
      return Error(Code::kCorruption,
                   "index: unexpected key in the extents of inode " + std::to_string(ino));
    }
    const rocksdb::Slice v = it->value();
    ZFS_ASSIGN_OR_RETURN(ExtentPointer p,
                         ExtentPointer::Decode(std::string_view(v.data(), v.size())));
    const size_t slot = index - first;
    if (auto hit = cache_.Lookup(FrameCacheKey(p.segment_id, p.offset))) {
      (*out)[slot] = std::move(hit);
    } else {
      misses->push_back(FrameMiss{slot, index, p});
    }
  }
  return FromRocks(it->status(), "index scan");
}

Result<std::vector<ExtentData>> EngineImpl::ReadExtents(uint64_t ino, uint64_t first,
                                                        uint64_t count) {
  ZFS_ASSIGN_OR_RETURN(std::vector<ExtentData> out, ReadExtentsNoReadAhead(ino, first, count));
  if (prefetcher_) prefetcher_->OnRead(ino, first, count);
  return out;
}

Result<std::vector<ExtentData>> EngineImpl::ReadExtentsNoReadAhead(uint64_t ino, uint64_t first,
                                                                   uint64_t count) {
  std::shared_lock<std::shared_mutex> life(lifetime_mutex_);
  std::vector<ExtentData> out;
  std::vector<FrameMiss> misses;
  ZFS_RETURN_IF_ERROR(LookupExtents(ino, first, count, &out, &misses));
  ZFS_RETURN_IF_ERROR(FetchFrames(ino, misses, &out));
  return out;
}

void EngineImpl::ReadAhead(uint64_t ino, uint64_t first, uint64_t count) {
  for (uint64_t done = 0; done < count;) {
    const uint64_t n = std::min<uint64_t>(count - done, kMaxExtentsPerRead);
    if (!ReadExtentsNoReadAhead(ino, first + done, n).ok()) return;
    done += n;
  }
}

Result<std::optional<std::vector<ExtentData>>> EngineImpl::ReadExtentsIfCached(uint64_t ino,
                                                                               uint64_t first,
                                                                               uint64_t count) {
  // Close holds the lock exclusively for as long as it takes: do not wait.
  std::shared_lock<std::shared_mutex> life(lifetime_mutex_, std::try_to_lock);
  if (!life.owns_lock()) return std::optional<std::vector<ExtentData>>();
  std::vector<ExtentData> out;
  std::vector<FrameMiss> misses;
  ZFS_RETURN_IF_ERROR(LookupExtents(ino, first, count, &out, &misses));
  if (!misses.empty()) return std::optional<std::vector<ExtentData>>();
  // A sequential reader served from memory (often thanks to the read-ahead)
  // must keep its stream going, or the read-ahead would stop after one window.
  if (prefetcher_) prefetcher_->OnRead(ino, first, count);
  return std::optional<std::vector<ExtentData>>(std::move(out));
}

Result<uint64_t> EngineImpl::StoredBytes(uint64_t ino) {
  std::shared_lock<std::shared_mutex> life(lifetime_mutex_);
  ZFS_RETURN_IF_ERROR(CheckOpen());
  return ReadInodeBytes(db_.get(), ino);
}

}  // namespace zerofs::engine
