// Treaddir: offset is the fs cookie of the last entry the client has seen
// (0 = from the start); the reply packs as many whole entries as fit in
// count. Cookies are stable, so entries that did not fit are read again by
// the next call.
#include <algorithm>
#include <cerrno>

#include "ninep/codec.h"
#include "ninep/handlers.h"

namespace zerofs::ninep {

namespace {
// Rreaddir header: size[4] type[1] tag[2] count[4].
constexpr uint32_t kRreaddirHeader = 11;
}  // namespace

HandlerResult Handle(RequestContext& c, const Treaddir& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  {
    std::lock_guard<std::mutex> lock(fid->mu);
    if (fid->state != FidState::kOpened) return Error::Posix(EBADF, "Treaddir: fid not open");
  }
  if (fid->type != fs::FileType::kDirectory) return Error::Posix(ENOTDIR);
  uint32_t count = std::min(m.count, c.msize - kRreaddirHeader);
  Rreaddir reply;
  uint64_t cookie = m.offset;
  fs::ReadDirOptions opts;
  opts.max_entries = std::clamp<size_t>(count / (kDirentFixedSize + 8), 1, 1024);
  for (;;) {
    ZFS_ASSIGN_OR_RETURN(fs::ReadDirResult r, c.fs->ReadDir(fid->cred, fid->ino, cookie, opts));
    for (const auto& e : r.entries) {
      if (reply.data.size() + DirentSize(e.name) > count) {
        if (reply.data.empty()) return Error::Posix(EINVAL, "Treaddir: count too small");
        return reply;
      }
      Dirent d{MakeQid(e.type, 0, e.ino), e.cookie, fs::FileTypeToDirentType(e.type), e.name};
      AppendDirent(&reply.data, d);
      cookie = e.cookie;
    }
    if (r.eof || r.entries.empty()) return reply;
  }
}

}  // namespace zerofs::ninep
