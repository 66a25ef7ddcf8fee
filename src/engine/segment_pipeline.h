// SegmentPipeline: the open segment, the sealed segments waiting for upload,
// the uploader thread and the flush barrier (group commit).
//
// Invariants:
//  - Segment ids are consecutive. open_->id() == (last sealed id) + 1, and
//    every sealed segment with id <= durable_id_ is in the bucket.
//  - The uploader PUTs sealed segments strictly in id order, each only after
//    every lower id is durable, so the journal chain in the bucket never has
//    a gap.
//  - A segment's bytes stay in memory (open_ or sealed_) until it is durable,
//    so a frame is always readable either from memory or from the bucket.
//  - Once fenced_ or failed_ is set it never clears; Commit/Flush fail.
//
// mutex() is THE engine mutex: EngineImpl holds it while it appends a
// transaction to the open segment and writes the transaction's index batch,
// so the index and the open segment change together.
//
// Frames are sealed outside the mutex (it would otherwise serialise all
// encryption on one core): a commit reserves its frames' places under the
// mutex (ReserveRoomLocked + SegmentBuilder::ReserveFrame), seals into them
// unlocked, then retakes the mutex to release them (ReleaseFramesLocked) and
// apply its index batch and journal records. A seal waits until the open
// segment has no pending frame, and new reservations wait while a seal is
// waiting, so a segment is never finished with a frame half written and the
// buffer never moves under a writer.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/result.h"
#include "crypto/aead.h"
#include "crypto/codec.h"
#include "engine/segment_builder.h"
#include "objstore/object_store.h"

namespace zerofs::engine {

struct PipelineOptions {
  objstore::ObjectStore* store = nullptr;
  crypto::SecretKey meta_key;
  crypto::Codec codec = crypto::Codec::kZstd;
  int codec_level = 3;
  uint64_t epoch = 0;
  uint64_t segment_bytes = 256ull << 20;
  // The last durable segment; the first open segment gets durable_id + 1.
  uint64_t durable_id = 0;
  // Called with the engine mutex held when a segment is sealed, with the
  // SEGMENT_INFO record that ends its journal; applies it to the index.
  std::function<Status(uint64_t id, const JournalRecord& info)> on_sealed;
  // Called (no lock held) when a segment PUT finds its id taken by other
  // bytes: returns the manifest's epoch (or an error reading it).
  std::function<Result<uint64_t>()> read_epoch;
  // Called (no lock held, uploader thread) once a segment is durable in the
  // store, with its bytes and where its frames are. Optional.
  std::function<void(uint64_t id, std::string_view bytes,
                     const std::vector<DirectoryEntry>& frames)>
      on_uploaded;
};

struct PipelineStats {
  uint64_t flushes = 0;
  uint64_t segments_uploaded = 0;
  uint64_t bytes_uploaded = 0;
};

class SegmentPipeline {
 public:
  // At most this many sealed segments wait in memory; Commit blocks beyond.
  static constexpr size_t kMaxSealedSegments = 2;

  explicit SegmentPipeline(PipelineOptions options);
  ~SegmentPipeline();  // Stop(/*abandon=*/true) if still running

  SegmentPipeline(const SegmentPipeline&) = delete;
  SegmentPipeline& operator=(const SegmentPipeline&) = delete;

  // Starts the uploader thread (writers only).
  void Start();
  // Stops the uploader. With abandon, sealed segments not yet uploaded are
  // dropped (simulates a crash); otherwise the caller flushed first.
  // Afterwards every write fails. Idempotent.
  void Stop(bool abandon);

  std::mutex& mutex() { return mutex_; }

  // REQUIRES: mutex() held. OK unless fenced, failed or stopped.
  Status CheckWritableLocked() const;
  // REQUIRES: mutex() held.
  SegmentBuilder* open_locked() { return open_.get(); }
  // REQUIRES: mutex() held by `lock`. Waits until `bytes` more frame bytes
  // can be reserved in the open segment (no seal waiting; room without
  // moving the buffer, or no frame pending) and returns that segment; with
  // bytes == 0 it does not wait. Fails if the pipeline is not writable.
  Result<SegmentBuilder*> ReserveRoomLocked(std::unique_lock<std::mutex>& lock, size_t bytes);
  // REQUIRES: mutex() held; `n` frames reserved in the open segment have
  // their bytes written.
  void ReleaseFramesLocked(uint32_t n);
  // REQUIRES: mutex() held by `lock`. Seals the open segment if it reached
  // segment_bytes, then waits (releasing the mutex) while more than
  // kMaxSealedSegments sealed segments wait for upload.
  void AfterCommitLocked(std::unique_lock<std::mutex>& lock);
  // REQUIRES: mutex() held. Marks the pipeline failed: a later index write
  // failed after frames were appended.
  void FailLocked(const Error& error);

  // Durability barrier: returns once everything committed before the call
  // is durable. Group commit: while an upload runs, flush requests collect
  // and ride the next seal together.
  Status Flush();
  // Asks for a seal of the open segment (if it has records) without waiting.
  void RequestFlush();
  // Seals the open segment (if it has records), then runs `fn` with the
  // mutex held, so the index seen by `fn` reflects exactly the segments up
  // to the returned horizon.
  Result<uint64_t> SealAndRun(const std::function<Status()>& fn);
  // Waits until segment `id` is durable.
  Status WaitDurable(uint64_t id);

  // Copies the sealed frame at (segment_id, offset, length) if that segment
  // is still in memory; false if it is not (it is then in the bucket).
  bool ReadInMemory(uint64_t segment_id, uint64_t offset, uint32_t length, std::string* out);

  // Refuses further writes because writer `epoch` took over. Logs once.
  void Fence(uint64_t epoch);

  bool fenced();
  uint64_t durable_id();
  PipelineStats stats();

 private:
  struct Sealed {
    uint64_t id;
    std::shared_ptr<SegmentBuffer> bytes;  // never changed while shared
    std::shared_ptr<const std::vector<DirectoryEntry>> frames;
  };

  // REQUIRES: mutex_ held. A new open builder for segment `id`, on the spare
  // buffer if there is one.
  std::unique_ptr<SegmentBuilder> NewOpenLocked(uint64_t id);

  // REQUIRES: mutex_ held by `lock`. Waits until open_ has no pending
  // frame, then, if it is still the segment that was open at the call and
  // has records, seals it and starts a new open segment.
  void SealLocked(std::unique_lock<std::mutex>& lock);
  void FenceLocked(uint64_t epoch, const std::string& why);
  Status BarrierErrorLocked() const;
  void UploaderLoop();
  // Uploads one segment, retrying transient failures until stopped. Returns
  // kFenced if the id is taken by someone else's bytes.
  Status Upload(const Sealed& seg);

  const PipelineOptions options_;

  std::mutex mutex_;
  std::condition_variable cv_;            // any change of the state below
  std::unique_ptr<SegmentBuilder> open_;  // guarded by mutex_
  std::deque<Sealed> sealed_;             // guarded by mutex_; ascending ids
  uint64_t durable_id_;                   // guarded by mutex_
  bool flush_requested_ = false;          // guarded by mutex_
  int seals_waiting_ = 0;                 // guarded by mutex_; SealLocked calls waiting
  bool fenced_ = false;                   // guarded by mutex_
  std::optional<Error> failed_;           // guarded by mutex_
  bool stopped_ = false;                  // guarded by mutex_
  PipelineStats stats_;                   // guarded by mutex_
  // The buffer of the last uploaded segment, reused by the next open segment
  // (at most one segment's worth of memory stays mapped for it).
  SegmentBuffer spare_;  // guarded by mutex_

  std::thread uploader_;
};

}  // namespace zerofs::engine
