// XattrMisses: tickets, expiry, bound.
#include "mount/xattr_misses.h"

#include <algorithm>

namespace zerofs::mount {

XattrMisses::XattrMisses(double ttl_s, size_t max_nodes, std::function<Clock::time_point()> clock)
    : enabled_(ttl_s > 0 && max_nodes > 0),
      ttl_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(std::max(ttl_s, 0.0)))),
      max_nodes_(max_nodes),
      clock_(std::move(clock)) {}

XattrMisses::Ticket XattrMisses::Begin() {
  if (!enabled_) return {};
  Clock::time_point now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  return Ticket{epoch_, now};
}

void XattrMisses::PutMissing(uint64_t node, std::string_view name, const Ticket& t) {
  if (!enabled_) return;
  Clock::time_point now = clock_();
  Clock::time_point expires = t.at + ttl_;
  if (expires <= now) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (t.epoch < forgotten_) return;
  auto it = records_.find(node);
  if (it == records_.end()) {
    if (records_.size() >= max_nodes_) {
      records_.clear();
      forgotten_ = epoch_;
      return;
    }
    it = records_.emplace(node, Record{expires, {}, 0}).first;
  }
  Record& r = it->second;
  if (t.epoch < r.dropped_at) return;
  if (r.expires <= now) r.names.clear();  // what was known has expired
  // A record's names expire together, when the first one kept does: never
  // later than ttl after any of their requests.
  if (r.names.empty()) r.expires = expires;
  r.names.emplace(name);
}

bool XattrMisses::Missing(uint64_t node, std::string_view name) {
  if (!enabled_) return false;
  Clock::time_point now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(node);
  if (it == records_.end() || it->second.expires <= now) return false;
  return it->second.names.count(std::string(name)) != 0;
}

void XattrMisses::Drop(uint64_t node) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(node);
  if (it == records_.end()) {
    if (records_.size() >= max_nodes_) {
      records_.clear();
      forgotten_ = ++epoch_;
      return;
    }
    it = records_.emplace(node, Record{}).first;
  }
  it->second.names.clear();
  it->second.dropped_at = ++epoch_;
}

void XattrMisses::Clear() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  records_.clear();
  forgotten_ = ++epoch_;
}

}  // namespace zerofs::mount
