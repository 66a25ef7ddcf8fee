// SegmentBuilder: the open segment. Accumulates sealed frames, their
// directory entries and journal records, then assembles the immutable object
// (docs/FORMAT.md, "Segment").
//
// Not thread-safe: the engine guards its open builder with the engine mutex.
// Frames occupy the object from offset 0, in order, so frame offsets handed
// out before Finish() stay valid in the finished bytes.
//
// Frames can be sealed outside the mutex: ReserveFrame hands out the frame's
// place (its bytes are written later, by the caller, through the returned
// pointer) and counts it pending until ReleasePending. While any frame is
// pending the buffer must not move (no reservation beyond capacity()) and
// Finish must not run; the pipeline enforces both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/aead.h"
#include "crypto/codec.h"
#include "engine/journal.h"
#include "engine/segment_buffer.h"
#include "engine/segment_format.h"

namespace zerofs::engine {

class SegmentBuilder {
 public:
  SegmentBuilder(uint64_t id, uint64_t epoch) : id_(id), epoch_(epoch) {}
  // Starts with `buffer` (cleared) as the frame storage, reserving `capacity`
  // bytes: a big segment then never regrows (each regrowth copies every
  // frame so far, under the engine mutex) and a recycled buffer's pages are
  // already mapped.
  SegmentBuilder(uint64_t id, uint64_t epoch, SegmentBuffer buffer, size_t capacity);

  SegmentBuilder(const SegmentBuilder&) = delete;
  SegmentBuilder& operator=(const SegmentBuilder&) = delete;

  uint64_t id() const { return id_; }
  // Bytes of frames so far (the offset the next frame gets).
  uint64_t frame_bytes() const { return frames_.size(); }
  uint32_t frame_count() const { return static_cast<uint32_t>(directory_.size()); }
  // Roughly the size the finished object will have (before compression of
  // the journal), for the seal-when-full decision.
  uint64_t approximate_size() const {
    return frames_.size() + journal_.body().size() + directory_.size() * 32;
  }
  // True once any journal record was added (an empty segment needs no seal).
  bool has_records() const { return journal_.count() > 0; }

  // Seals `encoded` (codec byte + body of an extent of `logical_length`
  // bytes) under `data_key` with the frame AD, appends it and its directory
  // entry, and returns the EXTENT_PUT record that points at it. The caller
  // adds that record (AddRecord) in the same critical section.
  // REQUIRES: pending() == 0 or fits(sealed size).
  JournalRecord AddFrame(const crypto::SecretKey& data_key, std::string_view encoded, uint64_t ino,
                         uint64_t index, uint32_t logical_length);

  // Appends the directory entry of a frame of `encoded_length` encoded bytes
  // and reserves its sealed bytes, which the caller writes to *dst (exactly
  // SealedLength(encoded_length) bytes) before ReleasePending(1). Returns the
  // EXTENT_PUT record.
  // REQUIRES: pending() == 0 or fits(SealedLength(encoded_length)).
  JournalRecord ReserveFrame(size_t encoded_length, uint64_t ino, uint64_t index,
                             uint32_t logical_length, char** dst);
  // Seals `encoded` into the place ReserveFrame gave it (`dst`), bound to
  // segment `segment_id`, the record's frame index and (ino, index).
  static void SealFrame(const crypto::SecretKey& data_key, uint64_t segment_id,
                        const JournalRecord& r, uint64_t ino, uint64_t index,
                        std::string_view encoded, char* dst);
  static size_t SealedLength(size_t encoded_length) {
    return encoded_length + crypto::kSealOverhead;
  }
  // True if `bytes` more frame bytes fit without moving the buffer.
  bool fits(size_t bytes) const { return frames_.capacity() - frames_.size() >= bytes; }
  // Makes room for `bytes` more frame bytes (may move the buffer).
  // REQUIRES: pending() == 0.
  void Grow(size_t bytes) { frames_.Reserve(frames_.size() + bytes); }
  uint32_t pending() const { return pending_; }
  void ReleasePending(uint32_t n) { pending_ -= n; }

  void AddRecord(const JournalRecord& record) { journal_.Add(record); }

  // Copies the sealed frame at [offset, offset + length) into *out; false if
  // the range is not inside the frames written so far.
  bool ReadFrame(uint64_t offset, uint32_t length, std::string* out) const;

  struct Finished {
    SegmentBuffer bytes;                 // the whole segment object
    JournalRecord info;                  // the SEGMENT_INFO record that ends the journal
    std::vector<DirectoryEntry> frames;  // where each frame is, in order
  };
  // Appends SEGMENT_INFO, seals the journal and the directory under
  // `meta_key` and appends the footer. The builder must not be used after.
  Finished Finish(const crypto::SecretKey& meta_key, crypto::Codec codec, int level);

 private:
  const uint64_t id_;
  const uint64_t epoch_;
  SegmentBuffer frames_;
  std::vector<DirectoryEntry> directory_;
  JournalWriter journal_;
  uint32_t pending_ = 0;  // reserved frames whose bytes are not written yet
};

}  // namespace zerofs::engine
