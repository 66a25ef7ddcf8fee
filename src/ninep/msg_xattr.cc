// Extended attributes, the 9P2000.L way:
//  - get:    Txattrwalk(fid, newfid, name) -> size; Tread newfid; Tclunk.
//  - list:   the same with an empty name; the data is NUL-terminated names.
//  - set:    Txattrcreate(fid, name, size, flags) turns fid into a write
//            buffer; Twrite the value; Tclunk applies it.
//  - remove: Txattrcreate with size 0 (the Linux client sends removexattr
//            that way, so an empty value cannot be distinguished and also
//            removes).
#include <cerrno>

#include "ninep/handlers.h"

namespace zerofs::ninep {

HandlerResult Handle(RequestContext& c, const Txattrwalk& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  if (m.newfid != m.fid && c.fids->Get(m.newfid).ok()) {
    return Error::Posix(EBADF, "Txattrwalk: newfid in use");
  }
  std::string data;
  if (m.name.empty()) {
    ZFS_ASSIGN_OR_RETURN(auto names, c.fs->ListXattr(fid->cred, fid->ino));
    for (const auto& n : names) {
      data.append(n);
      data.push_back('\0');
    }
  } else {
    ZFS_ASSIGN_OR_RETURN(data, c.fs->GetXattr(fid->cred, fid->ino, m.name));
  }
  auto x = std::make_shared<Fid>();
  x->ino = fid->ino;
  x->type = fid->type;
  x->generation = fid->generation;
  x->cred = fid->cred;
  x->state = FidState::kXattrRead;
  uint64_t size = data.size();
  x->xattr_data = std::move(data);
  if (m.newfid == m.fid) {
    c.fids->Replace(m.fid, std::move(x));
  } else {
    ZFS_RETURN_IF_ERROR(c.fids->Insert(m.newfid, std::move(x)));
  }
  return Rxattrwalk{size};
}

HandlerResult Handle(RequestContext& c, const Txattrcreate& m) {
  if (m.name.empty() || m.name.size() > fs::kMaxXattrName) {
    return Error::Posix(ERANGE, "Txattrcreate: bad name length");
  }
  if (m.attr_size > fs::kMaxXattrValue) return Error::Posix(E2BIG, "Txattrcreate: value too big");
  if (m.flags & ~(fs::kXattrCreate | fs::kXattrReplace)) {
    return Error::Posix(EINVAL, "Txattrcreate: unknown flags");
  }
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  std::lock_guard<std::mutex> lock(fid->mu);
  if (fid->state != FidState::kWalked) return Error::Posix(EINVAL, "Txattrcreate: fid is open");
  fid->state = FidState::kXattrWrite;
  fid->xattr_name = m.name;
  fid->xattr_size = m.attr_size;
  fid->xattr_flags = m.flags;
  fid->xattr_data.clear();
  fid->xattr_data.reserve(m.attr_size);
  return Rxattrcreate{};
}

Status CommitXattr(RequestContext& c, Fid& f) {
  // The Linux client sends removexattr as size 0 with XATTR_REPLACE (the
  // VFS passes a null value with that flag); size 0 without it is an empty
  // value. (setxattr of an empty value with XATTR_REPLACE looks the same as
  // a removal on the wire; the Linux client cannot tell them apart either.)
  if (f.xattr_size == 0 && (f.xattr_flags & fs::kXattrReplace)) {
    return c.fs->RemoveXattr(f.cred, f.ino, f.xattr_name);
  }
  if (f.xattr_data.size() != f.xattr_size) {
    return Error::Posix(EINVAL, "xattr value shorter than announced");
  }
  return c.fs->SetXattr(f.cred, f.ino, f.xattr_name, f.xattr_data, f.xattr_flags);
}

}  // namespace zerofs::ninep
