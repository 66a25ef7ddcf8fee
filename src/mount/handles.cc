// Handle re-opening and the table of open handles.
#include "mount/handles.h"

#include <fcntl.h>

#include <spdlog/spdlog.h>

#include <cerrno>

#include "mount/remote.h"

namespace zerofs::mount {

Result<uint32_t> Handle::Fid(Remote& remote, const Link& link) {
  std::lock_guard<std::mutex> lock(mu_);
  if (generation_ == link.generation) return fid_;
  ZFS_ASSIGN_OR_RETURN(uint32_t fid, FindAgain(remote, link));
  auto opened =
      link.client->Lopen(fid, flags_ & ~static_cast<uint32_t>(O_CREAT | O_EXCL | O_TRUNC));
  if (!opened.ok()) {
    link.client->Clunk(fid).Ignore();
    return opened.error();
  }
  fid_ = fid;
  generation_ = link.generation;
  return fid_;
}

Result<uint32_t> Handle::FindAgain(Remote& remote, const Link& link) {
  auto path = remote.nodes().PathOf(node_);
  if (path.ok()) return remote.WalkPath(link, uid_, *path);
  // Unlinked while open: a zerofs server keeps it for our session (Tsession)
  // for a grace period after the connection broke or it restarted.
  ZFS_ASSIGN_OR_RETURN(uint64_t qid_path, remote.nodes().QidPathOf(node_));
  ZFS_ASSIGN_OR_RETURN(uint32_t root, remote.conn().Root(link, uid_));
  auto fid = link.client->ReclaimNew(root, qid_path);
  if (!fid.ok() && fid.error().sys_errno() != ECONNRESET) {
    spdlog::warn("mount: a deleted file open before the reconnect is gone: {}",
                 fid.error().ToString());
    return Error::Posix(ESTALE,
                        "open file has no name to reopen it by (" + fid.error().ToString() + ")");
  }
  return fid;
}

void Handle::Close(const Link& link) {
  std::lock_guard<std::mutex> lock(mu_);
  if (generation_ == link.generation) link.client->Clunk(fid_).Ignore();
}

Handle* HandleTable::Add(std::shared_ptr<Handle> h) {
  std::lock_guard<std::mutex> lock(mu_);
  Handle* raw = h.get();
  by_node_.emplace(raw->node(), raw);
  all_[raw] = std::move(h);
  return raw;
}

std::shared_ptr<Handle> HandleTable::Remove(Handle* h) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = all_.find(h);
  if (it == all_.end()) return nullptr;
  std::shared_ptr<Handle> owned = std::move(it->second);
  all_.erase(it);
  auto range = by_node_.equal_range(h->node());
  for (auto i = range.first; i != range.second; ++i) {
    if (i->second == h) {
      by_node_.erase(i);
      break;
    }
  }
  if (by_node_.count(h->node()) == 0) locked_nodes_.erase(h->node());
  return owned;
}

std::shared_ptr<Handle> HandleTable::AnyOf(uint64_t node) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_node_.find(node);
  if (it == by_node_.end()) return nullptr;
  return all_[it->second];
}

void HandleTable::NoteLocked(uint64_t node) {
  std::lock_guard<std::mutex> lock(mu_);
  locked_nodes_.insert(node);
}

bool HandleTable::EverLocked(uint64_t node) {
  std::lock_guard<std::mutex> lock(mu_);
  return locked_nodes_.count(node) != 0;
}

}  // namespace zerofs::mount
