// AttrCache: tickets, drop marks, expiry and pruning.
#include "mount/attr_cache.h"

#include <algorithm>

namespace zerofs::mount {

AttrCache::AttrCache(double ttl_s, size_t max_entries, std::function<Clock::time_point()> clock)
    : enabled_(ttl_s > 0 && max_entries > 0),
      ttl_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(std::max(ttl_s, 0.0)))),
      max_entries_(max_entries),
      clock_(std::move(clock)) {}

AttrCache::Ticket AttrCache::Begin() {
  if (!enabled_) return {};
  Clock::time_point now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  return Ticket{epoch_, now};
}

void AttrCache::Put(uint64_t node, const ninep::Rgetattr& a, const Ticket& t) {
  if (!enabled_) return;
  Clock::time_point now = clock_();
  Clock::time_point expires = t.at + ttl_;
  if (expires <= now) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(node);
  if (it != records_.end()) {
    Record& r = it->second;
    if (t.epoch < r.dropped_at) return;
    // Two replies racing: the one asked for later is the newer.
    if (r.valid && r.expires > expires) return;
    r.valid = true;
    r.attr = a;
    r.expires = expires;
    return;
  }
  if (t.epoch < forgotten_) return;
  MakeRoomLocked(now);
  // A clear to make room refuses older tickets too.
  if (t.epoch < forgotten_) return;
  records_.emplace(node, Record{true, a, expires, 0});
}

std::optional<AttrCache::Hit> AttrCache::Get(uint64_t node) {
  if (!enabled_) return std::nullopt;
  Clock::time_point now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(node);
  if (it == records_.end() || !it->second.valid || it->second.expires <= now) return std::nullopt;
  return Hit{it->second.attr, std::chrono::duration<double>(it->second.expires - now).count()};
}

void AttrCache::Drop(uint64_t node) {
  if (!enabled_) return;
  Clock::time_point now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(node);
  if (it == records_.end()) {
    MakeRoomLocked(now);
    it = records_.emplace(node, Record{}).first;
  }
  it->second.valid = false;
  it->second.dropped_at = ++epoch_;
}

void AttrCache::PutChanged(uint64_t node, const ninep::Rgetattr& a, const Ticket& t) {
  if (!enabled_) return;
  Clock::time_point now = clock_();
  Clock::time_point expires = t.at + ttl_;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(node);
  bool raced = it != records_.end() ? t.epoch < it->second.dropped_at : t.epoch < forgotten_;
  if (it == records_.end()) {
    MakeRoomLocked(now);
    it = records_.emplace(node, Record{}).first;
  }
  Record& r = it->second;
  r.dropped_at = ++epoch_;
  r.valid = !raced && expires > now;
  if (r.valid) {
    r.attr = a;
    r.expires = expires;
  }
}

void AttrCache::Clear() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  ClearLocked();
  // Replies to requests sent before the clear (on the old connection) are
  // refused too.
  forgotten_ = ++epoch_;
}

size_t AttrCache::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return records_.size();
}

void AttrCache::MakeRoomLocked(Clock::time_point now) {
  if (records_.size() < max_entries_) return;
  // Expired entries and drop marks go; forgetting a drop mark means
  // refusing every ticket older than it, for any node without a record.
  for (auto it = records_.begin(); it != records_.end();) {
    if (!it->second.valid || it->second.expires <= now) {
      forgotten_ = std::max(forgotten_, it->second.dropped_at);
      it = records_.erase(it);
    } else {
      ++it;
    }
  }
  // Freeing little would make the next insert scan again: start over.
  if (records_.size() >= max_entries_ - max_entries_ / 4) ClearLocked();
}

void AttrCache::ClearLocked() {
  records_.clear();
  forgotten_ = epoch_;
}

}  // namespace zerofs::mount
