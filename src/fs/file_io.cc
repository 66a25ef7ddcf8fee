// Read, Write and Fallocate: file data over 32 KiB extents (file_data.h).
#include <algorithm>
#include <cerrno>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "fs/file_data.h"
#include "fs/internal.h"

namespace zerofs::fs {

namespace {

// Largest read served by one call; longer reads return this much (not eof).
constexpr uint64_t kMaxReadBytes = 64ull << 20;

Status CheckRegular(const InodeRecord& rec) {
  if (rec.is_dir()) return Error::Posix(EISDIR);
  if (rec.type != FileType::kRegular) return Error::Posix(EINVAL);
  return OkStatus();
}

constexpr int64_t kRelatimeSeconds = 24 * 3600;

// Appends bytes [offset, end) of a file to `data` from its extents starting
// at extent `first`; holes and the zero tail of a short extent read as zeros.
void Assemble(const std::vector<engine::ExtentData>& extents, uint64_t first, uint64_t offset,
              uint64_t end, std::string* data) {
  data->reserve(data->size() + (end - offset));
  for (uint64_t idx = first; idx < first + extents.size(); idx++) {
    const uint64_t start = idx * engine::kExtentSize;
    const uint64_t lo = std::max(offset, start) - start;
    const uint64_t hi = std::min(end, start + engine::kExtentSize) - start;
    std::string_view have;
    if (const engine::ExtentData& ext = extents[idx - first]; ext && ext->size() > lo) {
      have = std::string_view(*ext).substr(lo, std::min<uint64_t>(hi, ext->size()) - lo);
    }
    data->append(have);
    data->append(hi - lo - have.size(), '\0');
  }
}

// Assemble without copying: views of bytes [offset, end) into `extents`
// (starting at extent `first`), holes and short tails as static zeros.
void SharePieces(std::vector<engine::ExtentData> extents, uint64_t first, uint64_t offset,
                 uint64_t end, SharedReadResult* out) {
  static const char kZeros[engine::kExtentSize] = {};
  out->pieces.reserve(out->pieces.size() + extents.size());
  for (uint64_t idx = first; idx < first + extents.size(); idx++) {
    const uint64_t start = idx * engine::kExtentSize;
    const uint64_t lo = std::max(offset, start) - start;
    const uint64_t hi = std::min(end, start + engine::kExtentSize) - start;
    engine::ExtentData& ext = extents[idx - first];
    uint64_t have = 0;
    if (ext && ext->size() > lo) {
      have = std::min<uint64_t>(hi, ext->size()) - lo;
      std::string_view bytes = std::string_view(*ext).substr(lo, have);
      out->pieces.push_back({std::move(ext), bytes});
    }
    if (hi - lo > have) out->pieces.push_back({nullptr, std::string_view(kZeros, hi - lo - have)});
    out->size += hi - lo;
  }
}

// Extents [first, first + n) covering bytes [offset, end), end > offset.
uint64_t ExtentCount(uint64_t offset, uint64_t end) {
  return ExtentOf(end - 1) - ExtentOf(offset) + 1;
}

}  // namespace

// relatime: update atime only if it is not newer than mtime/ctime or is
// more than a day old, so most reads of a hot file commit nothing.
bool FileSystem::Impl::NeedsAtime(const InodeRecord& rec, const Timespec& now) const {
  if (options.read_only || options.noatime) return false;
  return rec.atime <= rec.mtime || rec.atime <= rec.ctime ||
         now.sec - rec.atime.sec >= kRelatimeSeconds;
}

void FileSystem::Impl::TouchAtime(InodeId ino) {
  InodeLocks lock(&locks, {ino});
  auto rec = Load(ino);
  Timespec now = Timespec::Now();
  if (!rec.ok() || !NeedsAtime(*rec, now)) return;
  rec->atime = now;
  engine::Transaction txn;
  Store(&txn, ino, *rec);
  Commit(std::move(txn)).Ignore();
}

Result<ReadResult> FileSystem::Read(const Cred& cred, InodeId ino, uint64_t offset, uint64_t count,
                                    IoCheck check) {
  ReadResult out;
  bool touch_atime = false;
  {
    SharedInodeLock lock(&impl_->locks, ino);
    ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
    ZFS_RETURN_IF_ERROR(CheckRegular(rec));
    if (check == IoCheck::kCheck) ZFS_RETURN_IF_ERROR(CheckAccess(cred, rec, kAccessRead));
    count = std::min(count, kMaxReadBytes);
    if (offset >= rec.size) {
      out.eof = true;
    } else {
      const uint64_t end = offset + std::min(count, rec.size - offset);
      if (end > offset) {
        const uint64_t first = ExtentOf(offset);
        ZFS_ASSIGN_OR_RETURN(std::vector<engine::ExtentData> extents,
                             engine_->ReadExtents(ino, first, ExtentCount(offset, end)));
        impl_->buffer.Overlay(ino, first, &extents);
        Assemble(extents, first, offset, end, &out.data);
      }
      out.eof = end >= rec.size;
    }
    touch_atime = count > 0 && impl_->NeedsAtime(rec, Timespec::Now());
  }
  if (touch_atime) impl_->TouchAtime(ino);
  return out;
}

Result<std::optional<ReadResult>> FileSystem::TryReadCached(const Cred& cred, InodeId ino,
                                                            uint64_t offset, uint64_t count,
                                                            IoCheck check) {
  ZFS_ASSIGN_OR_RETURN(std::optional<SharedReadResult> shared,
                       TryReadCachedShared(cred, ino, offset, count, check));
  if (!shared) return std::optional<ReadResult>();
  ReadResult out;
  out.data.reserve(shared->size);
  for (const SharedReadResult::Piece& piece : shared->pieces) out.data.append(piece.bytes);
  out.eof = shared->eof;
  return std::optional<ReadResult>(std::move(out));
}

Result<std::optional<SharedReadResult>> FileSystem::TryReadCachedShared(
    const Cred& cred, InodeId ino, uint64_t offset, uint64_t count, IoCheck check) {
  std::shared_lock<std::shared_mutex> lock(impl_->locks.Stripe(LockTable::StripeOf(ino)),
                                           std::try_to_lock);
  if (!lock.owns_lock()) return std::optional<SharedReadResult>();
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  ZFS_RETURN_IF_ERROR(CheckRegular(rec));
  if (check == IoCheck::kCheck) ZFS_RETURN_IF_ERROR(CheckAccess(cred, rec, kAccessRead));
  count = std::min(count, kMaxReadBytes);
  if (count > 0 && impl_->NeedsAtime(rec, Timespec::Now())) {
    return std::optional<SharedReadResult>();
  }
  SharedReadResult out;
  if (offset >= rec.size) {
    out.eof = true;
    return std::optional<SharedReadResult>(std::move(out));
  }
  const uint64_t end = offset + std::min(count, rec.size - offset);
  if (end > offset) {
    const uint64_t first = ExtentOf(offset);
    ZFS_ASSIGN_OR_RETURN(std::optional<std::vector<engine::ExtentData>> extents,
                         engine_->ReadExtentsIfCached(ino, first, ExtentCount(offset, end)));
    if (!extents) return std::optional<SharedReadResult>();
    impl_->buffer.Overlay(ino, first, &*extents);
    SharePieces(std::move(*extents), first, offset, end, &out);
  }
  out.eof = end >= rec.size;
  return std::optional<SharedReadResult>(std::move(out));
}

Result<Attr> FileSystem::Write(const Cred& cred, InodeId ino, uint64_t offset,
                               std::string_view data, IoCheck check) {
  InodeLocks lock(&impl_->locks, {ino});
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  ZFS_RETURN_IF_ERROR(CheckRegular(rec));
  ZFS_RETURN_IF_ERROR(impl_->CheckWritable());
  if (check == IoCheck::kCheck) ZFS_RETURN_IF_ERROR(CheckAccess(cred, rec, kAccessWrite));
  if (data.empty()) return impl_->AttrOf(ino, rec);
  if (offset > kMaxFileSize || data.size() > kMaxFileSize - offset) return Error::Posix(EFBIG);
  const uint64_t end = offset + data.size();
  const uint64_t new_size = std::max(rec.size, end);
  ZFS_RETURN_IF_ERROR(impl_->CheckSpace(0, new_size - rec.size));

  engine::Transaction txn;
  std::vector<BufferedExtent> buffered;
  ZFS_RETURN_IF_ERROR(
      WriteRange(engine_, impl_->buffer, &txn, ino, rec.size, offset, data, &buffered));
  std::vector<StatsDelta> deltas{{ino, 0, static_cast<int64_t>(new_size - rec.size)}};
  rec.size = new_size;
  rec.Touch(Timespec::Now());
  if (!cred.is_root()) rec.mode = KillSuid(rec.mode);
  ZFS_RETURN_IF_ERROR(impl_->KillCapabilities(&txn, ino));
  Impl::Store(&txn, ino, rec);
  ZFS_RETURN_IF_ERROR(impl_->Commit(std::move(txn), deltas));
  if (!buffered.empty()) {
    for (BufferedExtent& b : buffered) {
      impl_->buffer.Put(ino, b.index, std::move(b.data), b.base_stored);
    }
    impl_->AfterBufferedWrite(ino);
  }
  return impl_->AttrOf(ino, rec);
}

Result<Attr> FileSystem::Fallocate(const Cred& cred, InodeId ino, uint32_t mode, uint64_t offset,
                                   uint64_t length, IoCheck check) {
  const bool keep = mode & kFallocKeepSize;
  const bool punch = mode & kFallocPunchHole;
  const bool zero = mode & kFallocZeroRange;
  if ((mode & ~(kFallocKeepSize | kFallocPunchHole | kFallocZeroRange)) != 0) {
    return Error::Posix(EOPNOTSUPP);
  }
  if (punch && zero) return Error::Posix(EINVAL);
  if (punch && !keep) return Error::Posix(EOPNOTSUPP);
  if (length == 0) return Error::Posix(EINVAL);
  InodeLocks lock(&impl_->locks, {ino});
  ZFS_ASSIGN_OR_RETURN(InodeRecord rec, impl_->Load(ino));
  if (rec.is_dir()) return Error::Posix(EISDIR);
  if (rec.type != FileType::kRegular) return Error::Posix(ENODEV);
  ZFS_RETURN_IF_ERROR(impl_->CheckWritable());
  if (check == IoCheck::kCheck) ZFS_RETURN_IF_ERROR(CheckAccess(cred, rec, kAccessWrite));
  if (offset > kMaxFileSize || length > kMaxFileSize - offset) return Error::Posix(EFBIG);
  const uint64_t end = offset + length;
  const uint64_t new_size = keep ? rec.size : std::max(rec.size, end);
  ZFS_RETURN_IF_ERROR(impl_->CheckSpace(0, new_size - rec.size));

  engine::Transaction txn;
  if (punch || zero) {
    // ZeroRange rebuilds partial extents from the engine's copy.
    ZFS_RETURN_IF_ERROR(impl_->WriteBackLocked(ino));
    ZFS_RETURN_IF_ERROR(ZeroRange(engine_, &txn, ino, rec.size, offset, end));
  }
  if (txn.empty() && new_size == rec.size) return impl_->AttrOf(ino, rec);
  std::vector<StatsDelta> deltas{{ino, 0, static_cast<int64_t>(new_size - rec.size)}};
  rec.size = new_size;
  rec.Touch(Timespec::Now());
  Impl::Store(&txn, ino, rec);
  ZFS_RETURN_IF_ERROR(impl_->Commit(std::move(txn), deltas));
  return impl_->AttrOf(ino, rec);
}

Result<Attr> FileSystem::PunchHole(const Cred& cred, InodeId ino, uint64_t offset, uint64_t length,
                                   IoCheck check) {
  return Fallocate(cred, ino, kFallocPunchHole | kFallocKeepSize, offset, length, check);
}

}  // namespace zerofs::fs
