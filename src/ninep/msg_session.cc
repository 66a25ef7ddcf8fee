// Tsession and Treclaim (zerofs extensions): files a client session had open
// survive a broken connection or a server restart, for
// fs::FsOptions::reconnect_grace, and the reconnected client claims the
// unlinked ones (it finds the others by their names).
#include <cerrno>

#include "ninep/handlers.h"

namespace zerofs::ninep {

HandlerResult Handle(RequestContext& c, const Tsession& m) {
  if (m.key.size() != kSessionKeySize) {
    return Error::Posix(EINVAL, "Tsession: key of " + std::to_string(m.key.size()) +
                                    " bytes, expected " + std::to_string(kSessionKeySize));
  }
  if (c.session_key == nullptr) return Error::Posix(EOPNOTSUPP, "no sessions here");
  if (!c.session_key->Set(m.key)) return Error::Posix(EINVAL, "Tsession: key already set");
  return Rsession{};
}

HandlerResult Handle(RequestContext& c, const Treclaim& m) {
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  const std::string key = c.session();
  if (key.empty()) return Error::Posix(EINVAL, "Treclaim before Tsession");
  ZFS_ASSIGN_OR_RETURN(fs::Attr attr, c.fs->Reclaim(m.path, key));
  ZFS_RETURN_IF_ERROR(c.fids->Insert(m.newfid, NewFid(attr, fid->cred)));
  return Rreclaim{MakeQid(attr)};
}

}  // namespace zerofs::ninep
