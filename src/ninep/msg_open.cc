// Tlopen, Tlcreate, Tclunk, Tremove: the life of an open fid.
#include <cerrno>

#include "ninep/handlers.h"

namespace zerofs::ninep {

namespace {

// fs access bits for Tlopen flags.
uint32_t AccessOf(uint32_t flags) {
  switch (flags & kOpenAccessMask) {
    case kOpenRdonly:
      return fs::kAccessRead;
    case kOpenWronly:
      return fs::kAccessWrite;
    case kOpenRdwr:
      return fs::kAccessRead | fs::kAccessWrite;
    default:
      return 0;  // kOpenNoAccess
  }
}

// Marks `f` open with `ref`. REQUIRES: f.mu held.
void MarkOpen(Fid& f, uint32_t flags, std::shared_ptr<OpenRef> ref) {
  f.state = FidState::kOpened;
  f.open_flags = flags;
  f.open = std::move(ref);
}

}  // namespace

HandlerResult Handle(RequestContext& c, const Tlopen& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  std::lock_guard<std::mutex> lock(fid->mu);
  if (fid->state != FidState::kWalked) return Error::Posix(EINVAL, "Tlopen: fid already open");
  if ((m.flags & kOpenDirectory) && fid->type != fs::FileType::kDirectory) {
    return Error::Posix(ENOTDIR);
  }
  uint32_t access = AccessOf(m.flags);
  std::string session = c.session();
  ZFS_RETURN_IF_ERROR(c.fs->Open(fid->cred, fid->ino, access, session));
  auto ref = std::make_shared<OpenRef>(c.fs, fid->ino, std::move(session));
  if ((m.flags & kOpenTrunc) && (access & fs::kAccessWrite) &&
      fid->type == fs::FileType::kRegular) {
    fs::SetAttrRequest req;
    req.size = 0;
    ZFS_RETURN_IF_ERROR(c.fs->SetAttr(fid->cred, fid->ino, req));
  }
  MarkOpen(*fid, m.flags, std::move(ref));
  return Rlopen{MakeQid(fid->type, fid->generation, fid->ino), c.iounit()};
}

// Creates `name` in the directory `fid` and turns `fid` into the new file,
// open with `flags`. A newly created file is opened whatever its mode (as
// open(O_CREAT) does); an existing one (no O_EXCL) is opened with the
// caller's permissions.
HandlerResult Handle(RequestContext& c, const Tlcreate& m) {
  ZFS_ASSIGN_OR_RETURN(auto dir, c.fids->Get(m.fid));
  {
    std::lock_guard<std::mutex> lock(dir->mu);
    if (dir->state != FidState::kWalked) return Error::Posix(EINVAL, "Tlcreate: fid is open");
  }
  bool exclusive = (m.flags & kOpenExcl) != 0;
  ZFS_ASSIGN_OR_RETURN(fs::CreateResult cr, c.fs->Create(WithGid(dir->cred, m.gid), dir->ino,
                                                         m.name, m.mode & 07777, exclusive));
  uint32_t access = AccessOf(m.flags);
  std::string session = c.session();
  ZFS_RETURN_IF_ERROR(
      c.fs->Open(cr.created ? fs::Cred::Root() : dir->cred, cr.attr.ino, access, session));
  auto ref = std::make_shared<OpenRef>(c.fs, cr.attr.ino, std::move(session));
  if (!cr.created && (m.flags & kOpenTrunc) && (access & fs::kAccessWrite)) {
    fs::SetAttrRequest req;
    req.size = 0;
    ZFS_RETURN_IF_ERROR(c.fs->SetAttr(dir->cred, cr.attr.ino, req));
  }
  auto file = NewFid(cr.attr, dir->cred, dir->ino, m.name);
  {
    std::lock_guard<std::mutex> lock(file->mu);
    MarkOpen(*file, m.flags, std::move(ref));
  }
  c.fids->Replace(m.fid, std::move(file));
  return Rlcreate{MakeQid(cr.attr), c.iounit()};
}

// The fid is gone whatever happens; an xattr fid's value is applied here and
// its error (if any) answered. On the I/O thread (cached_only) only a fid
// that holds no open file and no xattr value is clunked: releasing an open
// file or applying the value may commit.
HandlerResult Handle(RequestContext& c, const Tclunk& m) {
  if (c.cached_only) {
    ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
    std::lock_guard<std::mutex> lock(fid->mu);
    if (fid->open || fid->state == FidState::kXattrWrite) return c.WouldBlock();
    // A Tlopen racing this clunk (a client bug) may still open it; the
    // release then runs here, which is correct, only slower.
    c.fids->Remove(m.fid).Ignore();
    return Rclunk{};
  }
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Remove(m.fid));
  std::lock_guard<std::mutex> lock(fid->mu);
  if (fid->state == FidState::kXattrWrite) ZFS_RETURN_IF_ERROR(CommitXattr(c, *fid));
  return Rclunk{};
}

// Removes the file the fid names (as found by its last walk step) and
// clunks the fid, also on failure.
HandlerResult Handle(RequestContext& c, const Tremove& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Remove(m.fid));
  fs::InodeId parent;
  std::string name;
  {
    std::lock_guard<std::mutex> lock(fid->mu);
    parent = fid->parent;
    name = fid->name;
  }
  if (fid->ino == fs::kRootInode) return Error::Posix(EBUSY, "Tremove of the root");
  if (parent == 0) return Error::Posix(EINVAL, "Tremove: fid's name is unknown (walked via ..)");
  if (fid->type == fs::FileType::kDirectory) {
    ZFS_RETURN_IF_ERROR(c.fs->Rmdir(fid->cred, parent, name));
  } else {
    ZFS_RETURN_IF_ERROR(c.fs->Unlink(fid->cred, parent, name));
  }
  return Rremove{};
}

}  // namespace zerofs::ninep
