// Twalk (walk(5)): zero names clone the fid; otherwise each name is looked
// up in turn. If the first name fails the walk answers its error; if a later
// one fails it answers the qids found so far and newfid is not created
// (partial walk). newfid == fid replaces the fid on full success.
#include <cerrno>

#include "ninep/handlers.h"

namespace zerofs::ninep {

HandlerResult Handle(RequestContext& c, const Twalk& m) {
  if (m.names.size() > kMaxWalkElements) return Error::Posix(EINVAL, "Twalk: over 16 names");
  ZFS_ASSIGN_OR_RETURN(auto fid, c.fids->Get(m.fid));
  if (m.newfid != m.fid) {
    // Fail before doing any work if newfid is taken.
    if (c.fids->Get(m.newfid).ok()) return Error::Posix(EBADF, "Twalk: newfid in use");
  }
  auto next = std::make_shared<Fid>();
  next->ino = fid->ino;
  next->type = fid->type;
  next->generation = fid->generation;
  next->cred = fid->cred;
  {
    std::lock_guard<std::mutex> lock(fid->mu);
    next->parent = fid->parent;
    next->name = fid->name;
  }
  Rwalk reply;
  for (size_t i = 0; i < m.names.size(); i++) {
    const std::string& name = m.names[i];
    auto found = c.fs->Lookup(fid->cred, next->ino, name);
    if (!found.ok()) {
      if (i == 0) return found.error();
      return reply;  // partial walk: newfid untouched
    }
    bool dot = name == "." || name == "..";
    next->parent = dot ? 0 : next->ino;
    next->name = dot ? std::string() : name;
    next->ino = found->ino;
    next->type = found->type;
    next->generation = found->generation;
    reply.qids.push_back(MakeQid(*found));
  }
  if (m.newfid == m.fid) {
    c.fids->Replace(m.fid, std::move(next));
  } else {
    ZFS_RETURN_IF_ERROR(c.fids->Insert(m.newfid, std::move(next)));
  }
  return reply;
}

}  // namespace zerofs::ninep
