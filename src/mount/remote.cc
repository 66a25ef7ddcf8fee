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

}  // namespace zerofs::mount
