// Open and kept references per inode.
#include "fs/open_table.h"

#include <algorithm>
#include <cassert>

namespace zerofs::fs {

void OpenTable::Add(InodeId ino, std::string_view holder) {
  std::lock_guard<std::mutex> lock(mu_);
  Refs& r = refs_[ino];
  r.opens++;
  if (holder.empty()) return;
  auto it = r.open_by.find(holder);
  if (it == r.open_by.end()) it = r.open_by.emplace(std::string(holder), 0).first;
  it->second++;
}

bool OpenTable::Drop(InodeId ino, std::string_view holder) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = refs_.find(ino);
  assert(it != refs_.end() && it->second.opens > 0);
  if (it == refs_.end()) return false;
  Refs& r = it->second;
  if (r.opens > 0) r.opens--;
  if (!holder.empty()) {
    auto h = r.open_by.find(holder);
    if (h != r.open_by.end() && --h->second == 0) r.open_by.erase(h);
  }
  if (r.opens > 0 || !r.kept.empty()) return true;
  refs_.erase(it);
  return false;
}

void OpenTable::Keep(InodeId ino, std::string_view holder, Clock::time_point until) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& kept = refs_[ino].kept;
  auto it = kept.find(holder);
  if (it == kept.end()) {
    kept.emplace(std::string(holder), until);
  } else {
    it->second = std::max(it->second, until);
  }
}

bool OpenTable::Expire(InodeId ino, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = refs_.find(ino);
  if (it == refs_.end()) return false;
  auto& kept = it->second.kept;
  std::erase_if(kept, [now](const auto& k) { return k.second <= now; });
  if (it->second.opens > 0 || !kept.empty()) return true;
  refs_.erase(it);
  return false;
}

bool OpenTable::IsOpen(InodeId ino) const {
  std::lock_guard<std::mutex> lock(mu_);
  return refs_.count(ino) != 0;
}

bool OpenTable::HeldBy(InodeId ino, std::string_view holder) const {
  if (holder.empty()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = refs_.find(ino);
  if (it == refs_.end()) return false;
  return it->second.open_by.count(holder) != 0 || it->second.kept.count(holder) != 0;
}

std::vector<std::string> OpenTable::Holders(InodeId ino) const {
  std::vector<std::string> out;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = refs_.find(ino);
  if (it == refs_.end()) return out;
  for (const auto& [h, n] : it->second.open_by) out.push_back(h);
  for (const auto& [h, t] : it->second.kept) out.push_back(h);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

size_t OpenTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refs_.size();
}

}  // namespace zerofs::fs
