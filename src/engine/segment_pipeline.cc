#include "engine/segment_pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace zerofs::engine {

namespace {

constexpr auto kMinBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);

}  // namespace

SegmentPipeline::SegmentPipeline(PipelineOptions options)
    : options_(std::move(options)), durable_id_(options_.durable_id) {
  open_ = NewOpenLocked(options_.durable_id + 1);
}

std::unique_ptr<SegmentBuilder> SegmentPipeline::NewOpenLocked(uint64_t id) {
  // Room for a full segment plus the last transaction that crosses the limit
  // and the journal and directory appended at the seal.
  const size_t capacity = options_.segment_bytes + options_.segment_bytes / 32 + (1u << 20);
  return std::make_unique<SegmentBuilder>(id, options_.epoch, std::move(spare_), capacity);
}

SegmentPipeline::~SegmentPipeline() { Stop(/*abandon=*/true); }

void SegmentPipeline::Start() {
  uploader_ = std::thread([this] { UploaderLoop(); });
}

void SegmentPipeline::Stop(bool abandon) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    if (abandon) sealed_.clear();
  }
  cv_.notify_all();
  if (uploader_.joinable()) uploader_.join();
}

Status SegmentPipeline::CheckWritableLocked() const {
  if (fenced_) {
    return Error(Code::kFenced, "another writer has taken over " + options_.store->Describe());
  }
  if (failed_) return *failed_;
  if (stopped_) return Error(Code::kIoError, "engine is closed");
  return OkStatus();
}

Status SegmentPipeline::BarrierErrorLocked() const {
  Status s = CheckWritableLocked();
  if (!s.ok()) return s;
  return Error(Code::kIoError, "engine stopped before the flush completed");
}

void SegmentPipeline::FailLocked(const Error& error) {
  if (!failed_) {
    spdlog::error("zerofs: engine write path failed, refusing further writes: {}",
                  error.ToString());
    failed_ = error.Wrap("engine write path failed earlier");
  }
  cv_.notify_all();
}

Result<SegmentBuilder*> SegmentPipeline::ReserveRoomLocked(std::unique_lock<std::mutex>& lock,
                                                           size_t bytes) {
  for (;;) {
    ZFS_RETURN_IF_ERROR(CheckWritableLocked());
    // Reservations wait behind a seal so that new pending frames cannot
    // starve it; a commit without frames adds none, so it goes on.
    if (bytes == 0) return open_.get();
    if (seals_waiting_ == 0 && open_->fits(bytes)) return open_.get();
    if (seals_waiting_ == 0 && open_->pending() == 0) {
      open_->Grow(bytes);  // nobody writes into the buffer outside the lock now
      return open_.get();
    }
    cv_.wait(lock);
  }
}

void SegmentPipeline::ReleaseFramesLocked(uint32_t n) {
  open_->ReleasePending(n);
  if (open_->pending() == 0) cv_.notify_all();
}

void SegmentPipeline::SealLocked(std::unique_lock<std::mutex>& lock) {
  const uint64_t id = open_->id();
  if (open_->pending() > 0) {
    seals_waiting_++;
    cv_.wait(lock, [this] { return open_->pending() == 0; });
    seals_waiting_--;
    cv_.notify_all();  // reservations held back by this seal may go on
  }
  if (open_->id() != id || !open_->has_records()) return;  // sealed meanwhile
  SegmentBuilder::Finished done =
      open_->Finish(options_.meta_key, options_.codec, options_.codec_level);
  open_ = NewOpenLocked(id + 1);
  if (options_.on_sealed) {
    Status s = options_.on_sealed(id, done.info);
    if (!s.ok()) FailLocked(s.error());
  }
  sealed_.push_back(
      Sealed{id, std::make_shared<SegmentBuffer>(std::move(done.bytes)),
             std::make_shared<const std::vector<DirectoryEntry>>(std::move(done.frames))});
  cv_.notify_all();
}

void SegmentPipeline::AfterCommitLocked(std::unique_lock<std::mutex>& lock) {
  if (open_->approximate_size() >= options_.segment_bytes) SealLocked(lock);
  cv_.wait(lock, [this] {
    return sealed_.size() <= kMaxSealedSegments || fenced_ || failed_ || stopped_;
  });
}

Status SegmentPipeline::Flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  ZFS_RETURN_IF_ERROR(CheckWritableLocked());
  stats_.flushes++;
  uint64_t target = open_->id() - 1;
  if (open_->has_records()) {
    target = open_->id();
    // While an upload runs, do not seal now: the uploader seals once it is
    // idle, so every flush that arrives meanwhile shares that one segment.
    if (sealed_.empty()) {
      SealLocked(lock);
    } else {
      flush_requested_ = true;
      cv_.notify_all();
    }
  }
  cv_.wait(lock, [&] { return durable_id_ >= target || fenced_ || failed_ || stopped_; });
  if (durable_id_ >= target) return OkStatus();
  return BarrierErrorLocked();
}

void SegmentPipeline::RequestFlush() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!CheckWritableLocked().ok() || !open_->has_records()) return;
  if (sealed_.empty()) {
    SealLocked(lock);
  } else {
    flush_requested_ = true;
    cv_.notify_all();
  }
}

Result<uint64_t> SegmentPipeline::SealAndRun(const std::function<Status()>& fn) {
  std::unique_lock<std::mutex> lock(mutex_);
  ZFS_RETURN_IF_ERROR(CheckWritableLocked());
  // A seal may wait for pending frames, and commits may land meanwhile: seal
  // again until the index holds nothing of the open segment.
  while (open_->has_records()) {
    SealLocked(lock);
    ZFS_RETURN_IF_ERROR(CheckWritableLocked());
  }
  ZFS_RETURN_IF_ERROR(fn());
  return open_->id() - 1;
}

Status SegmentPipeline::WaitDurable(uint64_t id) {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return durable_id_ >= id || fenced_ || failed_ || stopped_; });
  if (durable_id_ >= id) return OkStatus();
  return BarrierErrorLocked();
}

bool SegmentPipeline::ReadInMemory(uint64_t segment_id, uint64_t offset, uint32_t length,
                                   std::string* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (segment_id == open_->id()) return open_->ReadFrame(offset, length, out);
  for (const Sealed& s : sealed_) {
    if (s.id != segment_id) continue;
    if (offset > s.bytes->size() || length > s.bytes->size() - offset) return false;
    out->assign(s.bytes->data() + offset, length);
    return true;
  }
  return false;
}

void SegmentPipeline::Fence(uint64_t epoch) {
  std::lock_guard<std::mutex> lock(mutex_);
  FenceLocked(epoch, "");
}

void SegmentPipeline::FenceLocked(uint64_t epoch, const std::string& why) {
  if (fenced_) return;
  fenced_ = true;
  if (why.empty()) {
    spdlog::error(
        "zerofs: another writer (epoch {}) has taken over {}; this process refuses further "
        "writes",
        epoch, options_.store->Describe());
  } else {
    spdlog::error("zerofs: {} in {}; this process refuses further writes", why,
                  options_.store->Describe());
  }
  cv_.notify_all();
}

bool SegmentPipeline::fenced() {
  std::lock_guard<std::mutex> lock(mutex_);
  return fenced_;
}

uint64_t SegmentPipeline::durable_id() {
  std::lock_guard<std::mutex> lock(mutex_);
  return durable_id_;
}

PipelineStats SegmentPipeline::stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void SegmentPipeline::UploaderLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopped_ && !fenced_) {
    if (sealed_.empty() && flush_requested_) {
      flush_requested_ = false;
      if (open_->has_records() && !failed_) SealLocked(lock);
    }
    if (sealed_.empty()) {
      cv_.wait(lock);
      continue;
    }
    Sealed seg = sealed_.front();
    lock.unlock();
    Status s = Upload(seg);
    if (s.ok() && options_.on_uploaded)
      options_.on_uploaded(seg.id, seg.bytes->view(), *seg.frames);
    lock.lock();
    if (s.ok()) {
      // Stop(abandon) may have cleared the queue meanwhile.
      if (!sealed_.empty() && sealed_.front().id == seg.id) sealed_.pop_front();
      durable_id_ = std::max(durable_id_, seg.id);
      stats_.segments_uploaded++;
      stats_.bytes_uploaded += seg.bytes->size();
      // Nobody else holds the bytes once the segment left the queue
      // (ReadInMemory copies under the mutex).
      if (seg.bytes.use_count() == 1 && seg.bytes->capacity() > spare_.capacity()) {
        spare_ = std::move(*seg.bytes);
      }
      seg.bytes.reset();
      cv_.notify_all();
    } else if (s.error().code() == Code::kFenced) {
      return;  // FenceLocked ran in Upload
    }
  }
}

Status SegmentPipeline::Upload(const Sealed& seg) {
  const std::string key = SegmentObjectKey(seg.id);
  objstore::PutOptions opts;
  opts.mode = objstore::PutMode::kIfNoneMatch;
  auto backoff = kMinBackoff;
  while (true) {
    auto put = options_.store->Put(key, seg.bytes->view(), opts);
    if (put.ok()) return OkStatus();
    Error err = put.error();
    if (err.code() == Code::kAlreadyExists) {
      // Either an earlier attempt of ours landed (a lost response), or
      // another writer used this id. Footers carry the writer's epoch and
      // a checksum of the layout, so comparing them tells the two apart
      // without downloading the whole object.
      const uint64_t size = seg.bytes->size();
      auto got = options_.store->Get(key, objstore::ByteRange{size - kFooterSize, kFooterSize});
      if (got.ok() && got->object_size == size &&
          got->data == seg.bytes->view().substr(size - kFooterSize)) {
        return OkStatus();
      }
      if (got.ok()) {
        auto epoch = options_.read_epoch ? options_.read_epoch() : Result<uint64_t>(uint64_t{0});
        std::lock_guard<std::mutex> lock(mutex_);
        if (epoch.ok() && *epoch > options_.epoch) {
          FenceLocked(*epoch, "");
        } else {
          FenceLocked(0, "segment " + key + " was written by another process");
        }
        return Error(Code::kFenced, key + " already exists");
      }
      err = got.error();
    }
    spdlog::warn("zerofs: upload of {} failed, retrying in {} ms: {}", key, backoff.count(),
                 err.ToString());
    std::unique_lock<std::mutex> lock(mutex_);
    if (cv_.wait_for(lock, backoff, [this] { return stopped_; })) return err;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

}  // namespace zerofs::engine
