// Tversion and Tflush are answered by the session (session.cc); Tauth and
// Tattach here.
#include <cerrno>

#include "ninep/handlers.h"

namespace zerofs::ninep {

HandlerResult Handle(RequestContext&, const Tversion&) {
  return Error::Posix(EPROTO, "Tversion is handled by the session");
}

HandlerResult Handle(RequestContext&, const Tflush&) {
  return Error::Posix(EPROTO, "Tflush is handled by the session");
}

// No authentication protocol: clients attach with afid = NOFID.
HandlerResult Handle(RequestContext&, const Tauth&) {
  return Error::Posix(EOPNOTSUPP, "authentication not required");
}

HandlerResult Handle(RequestContext& c, const Tattach& m) {
  if (!m.aname.empty() && m.aname != "/") {
    return Error::Posix(ENOENT, "unknown aname '" + m.aname + "' (use \"\" or \"/\")");
  }
  if (m.afid != kNoFid) return Error::Posix(EINVAL, "Tattach: afid without Tauth");
  ZFS_ASSIGN_OR_RETURN(fs::Cred cred, AttachCred(m.uname, m.n_uname));
  ZFS_ASSIGN_OR_RETURN(fs::Attr root, c.fs->GetAttr(fs::kRootInode));
  ZFS_RETURN_IF_ERROR(c.fids->Insert(m.fid, NewFid(root, cred)));
  return Rattach{MakeQid(root)};
}

}  // namespace zerofs::ninep
