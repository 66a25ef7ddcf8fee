#include "engine/segment_builder.h"

#include <sys/mman.h>

#include <cstdint>

#include "engine/blob.h"

namespace zerofs::engine {

namespace {

// A fresh segment buffer is hundreds of MiB that the frames fill in order,
// under the engine mutex: with 4 KiB pages that is one page fault per 4 KiB
// sealed, which profiling showed costing most of what the encryption does.
// Transparent huge pages (when the kernel offers them on request) cut the
// faults 512-fold. Advisory: any failure just leaves small pages.
void AdviseHugePages(const char* data, size_t size) {
  constexpr uintptr_t kHuge = 2u << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + size) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

SegmentBuilder::SegmentBuilder(uint64_t id, uint64_t epoch, std::string buffer, size_t capacity)
    : id_(id), epoch_(epoch), frames_(std::move(buffer)) {
  frames_.clear();
  if (frames_.capacity() < capacity) {
    frames_.reserve(capacity);
    AdviseHugePages(frames_.data(), frames_.capacity());
  }
}

JournalRecord SegmentBuilder::AddFrame(const crypto::SecretKey& data_key, std::string_view encoded,
                                       uint64_t ino, uint64_t index, uint32_t logical_length) {
  char* dst = nullptr;
  JournalRecord r = ReserveFrame(encoded.size(), ino, index, logical_length, &dst);
  crypto::SealTo(data_key, encoded, FrameAd(id_, r.frame_index, ino, index), dst);
  ReleasePending(1);
  return r;
}

JournalRecord SegmentBuilder::ReserveFrame(size_t encoded_length, uint64_t ino, uint64_t index,
                                           uint32_t logical_length, char** dst) {
  const uint32_t frame_index = frame_count();
  const uint64_t offset = frames_.size();
  const auto sealed_length = static_cast<uint32_t>(SealedLength(encoded_length));
  // Zero-fills the new bytes; cheap next to sealing them.
  frames_.resize(offset + sealed_length);
  *dst = frames_.data() + offset;
  pending_++;
  directory_.push_back(DirectoryEntry{offset, sealed_length, ino, index, logical_length});
  return JournalRecord::ExtentPut(ino, index, frame_index, offset, sealed_length, logical_length);
}

bool SegmentBuilder::ReadFrame(uint64_t offset, uint32_t length, std::string* out) const {
  if (offset > frames_.size() || length > frames_.size() - offset) return false;
  out->assign(frames_, offset, length);
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
  out.bytes.reserve(frame_bytes + journal.size() + directory.size() + kFooterSize);
  out.bytes.append(journal);
  out.bytes.append(directory);
  out.bytes.append(footer.Encode());
  out.info = info;
  return out;
}

}  // namespace zerofs::engine
