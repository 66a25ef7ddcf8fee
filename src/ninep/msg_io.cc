// Tread, Twrite, Tfsync. Reads and writes of an open fid use the permission
// checked at Tlopen (IoCheck::kOpened), so a file opened for writing stays
// writable after a chmod, as with a local file descriptor. A Tread on the
// I/O thread (cached_only) is answered only from the memory cache.
#include <algorithm>
#include <cerrno>

#include "ninep/handlers.h"
#include "ninep/placement.h"

namespace zerofs::ninep {

namespace {

bool CanRead(uint32_t flags) {
  uint32_t a = flags & kOpenAccessMask;
  return a == kOpenRdonly || a == kOpenRdwr;
}
bool CanWrite(uint32_t flags) {
  uint32_t a = flags & kOpenAccessMask;
  return a == kOpenWronly || a == kOpenRdwr;
}

}  // namespace

HandlerResult Handle(RequestContext& c, const Tread& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  uint32_t count = std::min(m.count, c.iounit());
  {
    std::lock_guard<std::mutex> lock(fid->mu);
    if (fid->state == FidState::kXattrRead) {
      const std::string& v = fid->xattr_data;
      if (m.offset < v.size()) c.scratch = v.substr(m.offset, count);
      return Rread{c.scratch};
    }
    if (fid->state != FidState::kOpened || !CanRead(fid->open_flags)) {
      return Error::Posix(EBADF, "Tread: fid not open for reading");
    }
  }
  if (c.cached_only) {
    if (count > kMaxInlineRead) return c.WouldBlock();
    ZFS_ASSIGN_OR_RETURN(
        std::optional<fs::ReadResult> cached,
        c.fs->TryReadCached(fid->cred, fid->ino, m.offset, count, fs::IoCheck::kOpened));
    if (!cached) return c.WouldBlock();
    c.scratch = std::move(cached->data);
    return Rread{c.scratch};
  }
  ZFS_ASSIGN_OR_RETURN(fs::ReadResult r,
                       c.fs->Read(fid->cred, fid->ino, m.offset, count, fs::IoCheck::kOpened));
  c.scratch = std::move(r.data);
  return Rread{c.scratch};
}

HandlerResult Handle(RequestContext& c, const Twrite& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  bool append = false;
  {
    std::lock_guard<std::mutex> lock(fid->mu);
    if (fid->state == FidState::kXattrWrite) {
      // The value arrives in order; it may not outgrow Txattrcreate's size.
      if (m.offset != fid->xattr_data.size() ||
          fid->xattr_data.size() + m.data.size() > fid->xattr_size) {
        return Error::Posix(EINVAL, "Twrite: xattr value out of range");
      }
      fid->xattr_data.append(m.data);
      return Rwrite{static_cast<uint32_t>(m.data.size())};
    }
    if (fid->state != FidState::kOpened || !CanWrite(fid->open_flags)) {
      return Error::Posix(EBADF, "Twrite: fid not open for writing");
    }
    append = (fid->open_flags & kOpenAppend) != 0;
  }
  uint64_t offset = m.offset;
  if (append) {
    ZFS_ASSIGN_OR_RETURN(fs::Attr a, c.fs->GetAttr(fid->ino));
    offset = a.size;
  }
  ZFS_RETURN_IF_ERROR(c.fs->Write(fid->cred, fid->ino, offset, m.data, fs::IoCheck::kOpened));
  return Rwrite{static_cast<uint32_t>(m.data.size())};
}

// Answers only once everything written so far is durable in the bucket.
HandlerResult Handle(RequestContext& c, const Tfsync& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  ZFS_RETURN_IF_ERROR(c.fs->Fsync(fid->ino));
  return Rfsync{};
}

}  // namespace zerofs::ninep
