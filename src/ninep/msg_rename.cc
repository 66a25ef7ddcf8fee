// Trename (by fid), Trenameat, Trenameat2, Tunlinkat and Tunlinkatplus
// (by directory fid and name).
#include <cerrno>

#include "ninep/handlers.h"

namespace zerofs::ninep {

HandlerResult Handle(RequestContext& c, const Trename& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  ZFS_ASSIGN_OR_RETURN(auto dir, c.fids->Get(m.dfid));
  std::lock_guard<std::mutex> lock(fid->mu);
  if (fid->ino == fs::kRootInode) return Error::Posix(EBUSY, "Trename of the root");
  if (fid->parent == 0) return Error::Posix(EINVAL, "Trename: fid's name is unknown");
  ZFS_RETURN_IF_ERROR(c.fs->Rename(fid->cred, fid->parent, fid->name, dir->ino, m.name));
  fid->parent = dir->ino;
  fid->name = m.name;
  return Rrename{};
}

HandlerResult Handle(RequestContext& c, const Trenameat& m) {
  ZFS_ASSIGN_OR_RETURN(auto olddir, c.fids->Get(m.olddirfid));
  ZFS_ASSIGN_OR_RETURN(auto newdir, c.fids->Get(m.newdirfid));
  ZFS_RETURN_IF_ERROR(c.fs->Rename(olddir->cred, olddir->ino, m.oldname, newdir->ino, m.newname));
  return Rrenameat{};
}

HandlerResult Handle(RequestContext& c, const Trenameat2& m) {
  // Others (such as RENAME_WHITEOUT) are not supported; fs::Rename refuses
  // the two together, as renameat2(2) does.
  if ((m.flags & ~(kRenameNoReplace | kRenameExchange)) != 0) {
    return Error::Posix(EINVAL, "Trenameat2: unsupported flags");
  }
  ZFS_ASSIGN_OR_RETURN(auto olddir, c.fids->Get(m.olddirfid));
  ZFS_ASSIGN_OR_RETURN(auto newdir, c.fids->Get(m.newdirfid));
  uint32_t flags = 0;
  if (m.flags & kRenameNoReplace) flags |= fs::kRenameNoReplace;
  if (m.flags & kRenameExchange) flags |= fs::kRenameExchange;
  ZFS_RETURN_IF_ERROR(
      c.fs->Rename(olddir->cred, olddir->ino, m.oldname, newdir->ino, m.newname, flags));
  ZFS_ASSIGN_OR_RETURN(fs::Attr from, c.fs->GetAttr(olddir->ino));
  ZFS_ASSIGN_OR_RETURN(fs::Attr to, c.fs->GetAttr(newdir->ino));
  return Rrenameat2{AttrReply(from, kGetattrBasic), AttrReply(to, kGetattrBasic)};
}

namespace {

// Tunlinkat's work; returns the directory's inode.
Result<fs::InodeId> UnlinkAt(RequestContext& c, const Tunlinkat& m) {
  if (m.flags & ~kAtRemoveDir) return Error::Posix(EINVAL, "Tunlinkat: unknown flags");
  ZFS_ASSIGN_OR_RETURN(auto dir, c.fids->Get(m.dirfid));
  if (m.flags & kAtRemoveDir) {
    ZFS_RETURN_IF_ERROR(c.fs->Rmdir(dir->cred, dir->ino, m.name));
  } else {
    ZFS_RETURN_IF_ERROR(c.fs->Unlink(dir->cred, dir->ino, m.name));
  }
  return dir->ino;
}

}  // namespace

HandlerResult Handle(RequestContext& c, const Tunlinkat& m) {
  ZFS_RETURN_IF_ERROR(UnlinkAt(c, m));
  return Runlinkat{};
}

HandlerResult Handle(RequestContext& c, const Tunlinkatplus& m) {
  ZFS_ASSIGN_OR_RETURN(fs::InodeId dir, UnlinkAt(c, m.unlink));
  ZFS_ASSIGN_OR_RETURN(fs::Attr a, c.fs->GetAttr(dir));
  return Runlinkatplus{AttrReply(a, kGetattrBasic)};
}

}  // namespace zerofs::ninep
