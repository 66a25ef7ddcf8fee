// DirNames: known directories, expiry, bounds.
#include "mount/dir_names.h"

#include <algorithm>

namespace zerofs::mount {

DirNames::DirNames(double ttl_s, size_t max_names, std::function<Clock::time_point()> clock)
    : enabled_(ttl_s > 0 && max_names > 0),
      ttl_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(std::max(ttl_s, 0.0)))),
      max_names_(max_names),
      clock_(std::move(clock)) {}

DirNames::Dir* DirNames::FindLocked(uint64_t dir, Clock::time_point now) {
  auto it = dirs_.find(dir);
  if (it == dirs_.end()) return nullptr;
  if (it->second.expires <= now) {
    names_ -= it->second.names.size();
    dirs_.erase(it);
    return nullptr;
  }
  return &it->second;
}

void DirNames::KnowEmpty(uint64_t dir, Clock::time_point since) {
  if (!enabled_) return;
  Clock::time_point now = clock_();
  if (since + ttl_ <= now) return;
  std::lock_guard<std::mutex> lock(mu_);
  // Expired records of other directories go before the map grows.
  if (dirs_.size() >= 1024 && dirs_.size() % 1024 == 0) {
    for (auto it = dirs_.begin(); it != dirs_.end();) {
      if (it->second.expires <= now) {
        names_ -= it->second.names.size();
        it = dirs_.erase(it);
      } else {
        ++it;
      }
    }
  }
  ForgetLocked(dir);
  dirs_.emplace(dir, Dir{since + ttl_, {}});
}

std::optional<double> DirNames::KnownMissing(uint64_t dir, std::string_view name) {
  if (!enabled_) return std::nullopt;
  Clock::time_point now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  Dir* d = FindLocked(dir, now);
  if (d == nullptr || d->names.count(std::string(name)) != 0) return std::nullopt;
  return std::chrono::duration<double>(d->expires - now).count();
}

void DirNames::Added(uint64_t dir, std::string_view name) {
  if (!enabled_) return;
  Clock::time_point now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  Dir* d = FindLocked(dir, now);
  if (d == nullptr) return;
  if (d->names.emplace(name).second) names_++;
  if (names_ > max_names_) {
    dirs_.clear();
    names_ = 0;
  }
}

void DirNames::Removed(uint64_t dir, std::string_view name) {
  if (!enabled_) return;
  Clock::time_point now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  Dir* d = FindLocked(dir, now);
  if (d != nullptr && d->names.erase(std::string(name)) != 0) names_--;
}

void DirNames::Forget(uint64_t dir) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  ForgetLocked(dir);
}

void DirNames::ForgetLocked(uint64_t dir) {
  auto it = dirs_.find(dir);
  if (it == dirs_.end()) return;
  names_ -= it->second.names.size();
  dirs_.erase(it);
}

void DirNames::Clear() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  dirs_.clear();
  names_ = 0;
}

size_t DirNames::dirs() {
  std::lock_guard<std::mutex> lock(mu_);
  return dirs_.size();
}

size_t DirNames::names() {
  std::lock_guard<std::mutex> lock(mu_);
  return names_;
}

}  // namespace zerofs::mount
