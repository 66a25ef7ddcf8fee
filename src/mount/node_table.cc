// NodeTable: node ids, their paths, rename and unlink bookkeeping.
#include "mount/node_table.h"

#include <algorithm>
#include <cerrno>

namespace zerofs::mount {

namespace {

// Whether `path` is `prefix` or below it.
bool Under(const std::string& path, const std::string& prefix) {
  if (prefix.empty()) return true;
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) names.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return names;
}

NodeTable::NodeTable() {
  // The root is never forgotten and is always "".
  nodes_[kRootNode] = Node{0, 1, {""}, {}};
  by_path_[""] = kRootNode;
}

uint64_t NodeTable::Remember(const std::string& path, uint64_t qid_path) {
  std::vector<FidRef> dropped;
  std::lock_guard<std::mutex> lock(mu_);
  if (path.empty()) return kRootNode;
  // Another file may have taken this name since (replaced by another client).
  auto old = by_path_.find(path);
  if (old != by_path_.end()) {
    auto n = nodes_.find(old->second);
    if (n != nodes_.end() && n->second.qid_path != qid_path) DropPathLocked(path, &dropped);
  }
  uint64_t id;
  auto q = by_qid_.find(qid_path);
  if (q != by_qid_.end()) {
    id = q->second;
  } else {
    id = next_id_++;
    nodes_[id] = Node{qid_path, 0, {}, {}};
    by_qid_[qid_path] = id;
  }
  Node& node = nodes_[id];
  node.lookups++;
  auto& paths = node.paths;
  if (std::find(paths.begin(), paths.end(), path) == paths.end()) {
    // The newest name first: the likeliest to still be valid.
    paths.insert(paths.begin(), path);
  } else if (paths.front() != path) {
    std::erase(paths, path);
    paths.insert(paths.begin(), path);
  }
  by_path_[path] = id;
  return id;
}

void NodeTable::Forget(uint64_t id, uint64_t n) {
  std::vector<FidRef> dropped;
  std::lock_guard<std::mutex> lock(mu_);
  if (id == kRootNode) return;
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return;
  Node& node = it->second;
  node.lookups = n >= node.lookups ? 0 : node.lookups - n;
  if (node.lookups > 0) return;
  for (const auto& p : node.paths) {
    auto bp = by_path_.find(p);
    if (bp != by_path_.end() && bp->second == id) by_path_.erase(bp);
  }
  auto q = by_qid_.find(node.qid_path);
  if (q != by_qid_.end() && q->second == id) by_qid_.erase(q);
  TakeFidsLocked(node, &dropped);
  nodes_.erase(it);
}

Result<std::string> NodeTable::PathOf(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return Error::Posix(ESTALE, "unknown node");
  if (it->second.paths.empty()) return Error::Posix(ENOENT, "node has no name left");
  return it->second.paths.front();
}

Result<uint64_t> NodeTable::QidPathOf(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return Error::Posix(ESTALE, "unknown node");
  return it->second.qid_path;
}

Result<std::string> NodeTable::ChildPath(uint64_t parent, const std::string& name) {
  ZFS_ASSIGN_OR_RETURN(std::string dir, PathOf(parent));
  return JoinPath(dir, name);
}

void NodeTable::DropPathLocked(const std::string& path, std::vector<FidRef>* dropped) {
  auto bp = by_path_.find(path);
  if (bp == by_path_.end()) return;
  auto n = nodes_.find(bp->second);
  if (n != nodes_.end()) {
    std::erase(n->second.paths, path);
    TakeFidsLocked(n->second, dropped);
  }
  by_path_.erase(bp);
}

void NodeTable::TakeFidsLocked(Node& node, std::vector<FidRef>* dropped) {
  kept_ -= node.fids.size();
  for (auto& f : node.fids) dropped->push_back(std::move(f));
  node.fids.clear();
}

void NodeTable::Unlinked(const std::string& path) {
  std::vector<FidRef> dropped;
  std::lock_guard<std::mutex> lock(mu_);
  DropPathLocked(path, &dropped);
}

void NodeTable::Renamed(const std::string& from, const std::string& to, bool keep_fids) {
  std::vector<FidRef> dropped;
  std::lock_guard<std::mutex> lock(mu_);
  if (from == to) return;
  // Whatever `to` named is gone (an empty directory at most, so no children).
  DropPathLocked(to, &dropped);
  RemapLocked(
      [&](const std::string& p) -> std::optional<std::string> {
        if (!Under(p, from)) return std::nullopt;
        return to + p.substr(from.size());
      },
      keep_fids, &dropped);
}

void NodeTable::Exchanged(const std::string& a, const std::string& b, bool keep_fids) {
  std::vector<FidRef> dropped;
  std::lock_guard<std::mutex> lock(mu_);
  if (a == b) return;
  // Each path is mapped once, so hard links named by both (which the
  // server leaves as they are) keep both names.
  RemapLocked(
      [&](const std::string& p) -> std::optional<std::string> {
        if (Under(p, a)) return b + p.substr(a.size());
        if (Under(p, b)) return a + p.substr(b.size());
        return std::nullopt;
      },
      keep_fids, &dropped);
}

void NodeTable::RemapLocked(
    const std::function<std::optional<std::string>(const std::string&)>& map, bool keep_fids,
    std::vector<FidRef>* dropped) {
  std::vector<std::pair<std::string, uint64_t>> moved;  // new path, node
  std::vector<uint64_t> touched;
  for (auto it = by_path_.begin(); it != by_path_.end();) {
    std::optional<std::string> to;
    if (!it->first.empty()) to = map(it->first);  // the root never moves
    if (!to) {
      ++it;
      continue;
    }
    moved.emplace_back(std::move(*to), it->second);
    touched.push_back(it->second);
    it = by_path_.erase(it);
  }
  for (auto& [path, id] : moved) by_path_[path] = id;
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (uint64_t id : touched) {
    auto n = nodes_.find(id);
    if (n == nodes_.end()) continue;
    for (auto& p : n->second.paths) {
      if (auto to = map(p)) p = std::move(*to);
    }
    if (!keep_fids) TakeFidsLocked(n->second, dropped);
  }
}

FidRef NodeTable::FindFidLocked(const Node& node, uint32_t uid, uint64_t generation) {
  for (const auto& f : node.fids) {
    if (f->uid() == uid && f->generation() == generation) return f;
  }
  return nullptr;
}

FidRef NodeTable::KeptFid(uint64_t node, uint32_t uid, uint64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = nodes_.find(node);
  if (it == nodes_.end()) return nullptr;
  return FindFidLocked(it->second, uid, generation);
}

FidRef NodeTable::KeptFidByQid(uint64_t qid_path, uint32_t uid, uint64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  auto q = by_qid_.find(qid_path);
  if (q == by_qid_.end()) return nullptr;
  auto it = nodes_.find(q->second);
  if (it == nodes_.end()) return nullptr;
  return FindFidLocked(it->second, uid, generation);
}

void NodeTable::KeepFid(uint64_t node, FidRef fid) {
  std::vector<FidRef> dropped;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = nodes_.find(node);
  if (it == nodes_.end() || node == kRootNode) return;
  auto& fids = it->second.fids;
  // Fids of an older connection are dead weight.
  for (auto f = fids.begin(); f != fids.end();) {
    if ((*f)->generation() != fid->generation()) {
      dropped.push_back(std::move(*f));
      f = fids.erase(f);
      kept_--;
    } else if ((*f)->uid() == fid->uid()) {
      return;
    } else {
      ++f;
    }
  }
  if (kept_ >= kMaxKeptFids) return;
  fids.push_back(std::move(fid));
  kept_++;
}

size_t NodeTable::kept_fids() {
  std::lock_guard<std::mutex> lock(mu_);
  return kept_;
}

std::optional<NodeTable::Known> NodeTable::NodeAt(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto bp = by_path_.find(path);
  if (bp == by_path_.end()) return std::nullopt;
  auto it = nodes_.find(bp->second);
  if (it == nodes_.end()) return std::nullopt;
  return Known{bp->second, it->second.qid_path};
}

}  // namespace zerofs::mount
