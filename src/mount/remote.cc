// Remote: walking a path from a uid's root, 16 names per Twalk.
#include "mount/remote.h"

#include <algorithm>
#include <cerrno>

#include "ninep/wire.h"

namespace zerofs::mount {

Result<uint32_t> Remote::WalkPath(const Link& link, uint32_t uid, const std::string& path) {
  ZFS_ASSIGN_OR_RETURN(uint32_t root, conn_->Root(link, uid));
  std::vector<std::string> names = SplitPath(path);
  ninep::Client& c = *link.client;
  size_t first = std::min(names.size(), ninep::kMaxWalkElements);
  ZFS_ASSIGN_OR_RETURN(uint32_t fid, c.WalkNew(root, std::vector<std::string>(
                                                         names.begin(), names.begin() + first)));
  for (size_t at = first; at < names.size();) {
    size_t n = std::min(names.size() - at, ninep::kMaxWalkElements);
    std::vector<std::string> part(names.begin() + at, names.begin() + at + n);
    // newfid == fid: the fid moves along on success and stays put otherwise.
    auto qids = c.Walk(fid, fid, part);
    if (!qids.ok() || qids->size() != n) {
      c.Clunk(fid).Ignore();
      if (!qids.ok()) return qids.error();
      return Error::Posix(ENOENT, "walk stopped early");
    }
    at += n;
  }
  return fid;
}

Result<FidRef> Remote::NodeFid(const Link& link, uint32_t uid, uint64_t node) {
  if (node == kRootNode) {
    ZFS_ASSIGN_OR_RETURN(uint32_t root, conn_->Root(link, uid));
    return std::make_shared<CachedFid>(link.client, link.generation, uid, root, false);
  }
  if (FidRef kept = nodes_->KeptFid(node, uid, link.generation)) return kept;
  ZFS_ASSIGN_OR_RETURN(std::string path, nodes_->PathOf(node));
  ZFS_ASSIGN_OR_RETURN(uint32_t fid, WalkPath(link, uid, path));
  FidRef ref = Own(link, uid, fid);
  nodes_->KeepFid(node, ref);
  return ref;
}

}  // namespace zerofs::mount
