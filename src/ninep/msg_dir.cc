// Treaddir and Treaddirplus: offset is the fs cookie of the last entry the
// client has seen (0 = from the start); the reply packs as many whole
// entries as fit in count. Cookies are stable, so entries that did not fit
// are read again by the next call.
#include <algorithm>
#include <cerrno>

#include "ninep/codec.h"
#include "ninep/handlers.h"

namespace zerofs::ninep {

namespace {

// Rreaddir / Rreaddirplus header: size[4] type[1] tag[2] count[4].
constexpr uint32_t kReaddirHeader = 11;

// Reads `dir_fid`'s entries from `offset` into `reply.data` until `count`
// bytes would be exceeded. `plus`: each entry carries its attributes (when
// the caller may search the directory, as a walk to it would require).
template <typename Reply>
HandlerResult ReadEntries(RequestContext& c, uint32_t dir_fid, uint64_t offset, uint32_t count,
                          bool plus, const char* what) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(dir_fid));
  {
    std::lock_guard<std::mutex> lock(fid->mu);
    if (fid->state != FidState::kOpened) {
      return Error::Posix(EBADF, std::string(what) + ": fid not open");
    }
  }
  if (fid->type != fs::FileType::kDirectory) return Error::Posix(ENOTDIR);
  count = std::min(count, c.msize - kReaddirHeader);
  const size_t fixed = kDirentFixedSize + (plus ? kGetattrBodySize : 0);
  fs::ReadDirOptions opts;
  opts.max_entries = std::clamp<size_t>(count / (fixed + 8), 1, 1024);
  if (plus) {
    ZFS_ASSIGN_OR_RETURN(uint32_t granted, c.fs->Access(fid->cred, fid->ino, fs::kAccessExec));
    opts.with_attrs = granted == fs::kAccessExec;
  }
  Reply reply;
  uint64_t cookie = offset;
  for (;;) {
    ZFS_ASSIGN_OR_RETURN(fs::ReadDirResult r, c.fs->ReadDir(fid->cred, fid->ino, cookie, opts));
    for (const auto& e : r.entries) {
      if (reply.data.size() + fixed + e.name.size() > count) {
        if (reply.data.empty())
          return Error::Posix(EINVAL, std::string(what) + ": count too small");
        return reply;
      }
      Dirent d{MakeQid(e.type, 0, e.ino), e.cookie, fs::FileTypeToDirentType(e.type), e.name};
      if (plus) {
        DirentPlus p{std::move(d), {}};
        if (e.attr) p.attr = AttrReply(*e.attr, kGetattrBasic);
        AppendDirentPlus(&reply.data, p);
      } else {
        AppendDirent(&reply.data, d);
      }
      cookie = e.cookie;
    }
    if (r.eof || r.entries.empty()) return reply;
  }
}

}  // namespace

HandlerResult Handle(RequestContext& c, const Treaddir& m) {
  return ReadEntries<Rreaddir>(c, m.fid, m.offset, m.count, false, "Treaddir");
}

HandlerResult Handle(RequestContext& c, const Treaddirplus& m) {
  return ReadEntries<Rreaddirplus>(c, m.fid, m.offset, m.count, true, "Treaddirplus");
}

}  // namespace zerofs::ninep
