#include "engine/segment_builder.h"

#include <cstdint>

#include "engine/blob.h"

namespace zerofs::engine {

SegmentBuilder::SegmentBuilder(uint64_t id, uint64_t epoch, SegmentBuffer buffer, size_t capacity)
    : id_(id), epoch_(epoch), frames_(std::move(buffer)) {
  frames_.Clear();
  frames_.Reserve(capacity);
}

JournalRecord SegmentBuilder::AddFrame(const crypto::SecretKey& data_key, std::string_view encoded,
                                       uint64_t ino, uint64_t index, uint32_t logical_length) {
  char* dst = nullptr;
  JournalRecord r = ReserveFrame(encoded.size(), ino, index, logical_length, &dst);
  SealFrame(data_key, id_, r, ino, index, encoded, dst);
  ReleasePending(1);
  return r;
}

void SegmentBuilder::SealFrame(const crypto::SecretKey& data_key, uint64_t segment_id,
                               const JournalRecord& r, uint64_t ino, uint64_t index,
                               std::string_view encoded, char* dst) {
  crypto::SealTo(data_key, encoded, FrameAd(segment_id, r.frame_index, ino, index), dst);
}

JournalRecord SegmentBuilder::ReserveFrame(size_t encoded_length, uint64_t ino, uint64_t index,
                                           uint32_t logical_length, char** dst) {
  const uint32_t frame_index = frame_count();
  const uint64_t offset = frames_.size();
  const auto sealed_length = static_cast<uint32_t>(SealedLength(encoded_length));
  if (!fits(sealed_length)) frames_.Reserve(offset + sealed_length);  // pending() == 0 here
  *dst = frames_.Extend(sealed_length);
  pending_++;
  directory_.push_back(DirectoryEntry{offset, sealed_length, ino, index, logical_length});
  return JournalRecord::ExtentPut(ino, index, frame_index, offset, sealed_length, logical_length);
}

bool SegmentBuilder::ReadFrame(uint64_t offset, uint32_t length, std::string* out) const {
  if (offset > frames_.size() || length > frames_.size() - offset) return false;
  out->assign(frames_.data() + offset, length);
  return true;
}

SegmentBuilder::Finished SegmentBuilder::Finish(const crypto::SecretKey& meta_key,
                                                crypto::Codec codec, int level) {
  std::string directory;
  SealBlob(meta_key, codec, level, EncodeDirectory(directory_), DirectoryAd(id_), &directory);
  const uint64_t frame_bytes = frames_.size();
  const std::string journal_ad = JournalAd(id_);

  // SEGMENT_INFO records the object size, which depends on the sealed
  // journal's length, which (when compressed) depends on the recorded size.
  // Iterate to a fixed point; a raw-coded journal has a length independent
  // of the value, so fall back to it if compression does not settle.
  const uint64_t fixed = frame_bytes + directory.size() + kFooterSize;
  std::string journal;
  JournalRecord info;
  uint64_t guess = fixed;
  bool settled = false;
  for (int attempt = 0; attempt < 4 && !settled; attempt++) {
    JournalWriter w = journal_;
    info = JournalRecord::SegmentInfo(guess, frame_bytes, frame_count());
    w.Add(info);
    journal.clear();
    SealBlob(meta_key, codec, level, w.body(), journal_ad, &journal);
    settled = (fixed + journal.size() == guess);
    guess = fixed + journal.size();
  }
  if (!settled) {
    // Raw length = 1 + body + overhead, independent of the recorded size.
    JournalWriter probe = journal_;
    probe.Add(JournalRecord::SegmentInfo(0, frame_bytes, frame_count()));
    const uint64_t size = fixed + 1 + probe.body().size() + crypto::kSealOverhead;
    journal_.Add(info = JournalRecord::SegmentInfo(size, frame_bytes, frame_count()));
    journal.clear();
    SealBlob(meta_key, crypto::Codec::kRaw, 0, journal_.body(), journal_ad, &journal);
  }

  SegmentFooter footer;
  footer.frame_count = frame_count();
  footer.segment_id = id_;
  footer.epoch = epoch_;
  footer.journal_offset = frame_bytes;
  footer.journal_length = static_cast<uint32_t>(journal.size());
  footer.directory_offset = frame_bytes + journal.size();
  footer.directory_length = static_cast<uint32_t>(directory.size());

  Finished out;
  out.bytes = std::move(frames_);
  out.bytes.Reserve(frame_bytes + journal.size() + directory.size() + kFooterSize);
  out.bytes.Append(journal);
  out.bytes.Append(directory);
  out.bytes.Append(footer.Encode());
  out.info = info;
  out.frames = std::move(directory_);
  return out;
}

}  // namespace zerofs::engine
