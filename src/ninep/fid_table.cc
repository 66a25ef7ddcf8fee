#include "ninep/fid_table.h"

#include <cerrno>
#include <string>

namespace zerofs::ninep {

Result<std::shared_ptr<Fid>> FidTable::Get(uint32_t fid) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = fids_.find(fid);
  if (it == fids_.end()) return Error::Posix(EBADF, "unknown fid " + std::to_string(fid));
  return it->second;
}

Status FidTable::Insert(uint32_t fid, std::shared_ptr<Fid> f) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!fids_.emplace(fid, std::move(f)).second) {
    return Error::Posix(EBADF, "fid " + std::to_string(fid) + " in use");
  }
  return OkStatus();
}

void FidTable::Replace(uint32_t fid, std::shared_ptr<Fid> f) {
  std::shared_ptr<Fid> old;
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = fids_[fid];
  old = std::move(slot);
  slot = std::move(f);
}

Result<std::shared_ptr<Fid>> FidTable::Remove(uint32_t fid) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = fids_.find(fid);
  if (it == fids_.end()) return Error::Posix(EBADF, "unknown fid " + std::to_string(fid));
  auto f = std::move(it->second);
  fids_.erase(it);
  return f;
}

std::vector<std::shared_ptr<Fid>> FidTable::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<Fid>> out;
  out.reserve(fids_.size());
  for (auto& [n, f] : fids_) out.push_back(std::move(f));
  fids_.clear();
  return out;
}

size_t FidTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fids_.size();
}

}  // namespace zerofs::ninep
