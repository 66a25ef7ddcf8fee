// Tmkdir, Tsymlink, Tmknod, Treadlink, Tlink. New inodes take the gid the
// message names (the Linux client sends the caller's fsgid); the fs applies
// the parent's S_ISGID rule on top.
#include <sys/stat.h>

#include <cerrno>

#include "ninep/handlers.h"

namespace zerofs::ninep {

HandlerResult Handle(RequestContext& c, const Tmkdir& m) {
  ZFS_ASSIGN_OR_RETURN(auto dir, c.fids->Get(m.dfid));
  ZFS_ASSIGN_OR_RETURN(fs::Attr a,
                       c.fs->Mkdir(WithGid(dir->cred, m.gid), dir->ino, m.name, m.mode & 07777));
  return Rmkdir{MakeQid(a)};
}

HandlerResult Handle(RequestContext& c, const Tsymlink& m) {
  ZFS_ASSIGN_OR_RETURN(auto dir, c.fids->Get(m.fid));
  ZFS_ASSIGN_OR_RETURN(fs::Attr a,
                       c.fs->Symlink(WithGid(dir->cred, m.gid), dir->ino, m.name, m.target));
  return Rsymlink{MakeQid(a)};
}

// mode carries the file type bits: FIFO, socket, char/block device, or a
// regular file (type bits S_IFREG or 0, as mknod(2) allows).
HandlerResult Handle(RequestContext& c, const Tmknod& m) {
  ZFS_ASSIGN_OR_RETURN(auto dir, c.fids->Get(m.dfid));
  fs::Cred cred = WithGid(dir->cred, m.gid);
  uint32_t fmt = m.mode & S_IFMT;
  if (fmt == 0 || fmt == S_IFREG) {
    ZFS_ASSIGN_OR_RETURN(fs::CreateResult cr,
                         c.fs->Create(cred, dir->ino, m.name, m.mode & 07777, true));
    return Rmknod{MakeQid(cr.attr)};
  }
  auto type = fs::FileTypeFromMode(fmt);
  if (!type || *type == fs::FileType::kDirectory || *type == fs::FileType::kSymlink) {
    return Error::Posix(EINVAL, "Tmknod: bad file type");
  }
  ZFS_ASSIGN_OR_RETURN(
      fs::Attr a, c.fs->Mknod(cred, dir->ino, m.name, *type, m.mode & 07777, m.major, m.minor));
  return Rmknod{MakeQid(a)};
}

HandlerResult Handle(RequestContext& c, const Treadlink& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  ZFS_ASSIGN_OR_RETURN(std::string target, c.fs->Readlink(fid->ino));
  return Rreadlink{std::move(target)};
}

HandlerResult Handle(RequestContext& c, const Tlink& m) {
  ZFS_ASSIGN_OR_RETURN(auto dir, c.fids->Get(m.dfid));
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  ZFS_RETURN_IF_ERROR(c.fs->Link(dir->cred, fid->ino, dir->ino, m.name));
  return Rlink{};
}

}  // namespace zerofs::ninep
