// NodeTtlMap<V>: a value per node, kept for a TTL counted from when it was
// asked for, with the refusal rule every cache of the mount must follow: a
// value whose request was sent before a drop of its node is refused (a
// getattr racing a write must not bring back the old size).
//
// Mechanism: every Drop bumps an epoch and stamps the node with it; a Ticket
// taken before sending a request carries the epoch and the time then. A
// Put under a ticket older than the node's last drop is refused. Nodes
// without a record refuse tickets older than `forgotten_`, the newest drop
// mark ever discarded (to make room, or by Clear on a reconnect).
//
// Bounded: at most `max_nodes` records (values and drop marks); when full,
// expired values and drop marks are pruned, and if that frees less than a
// quarter everything is forgotten.
//
// Used by AttrCache (V = Rgetattr) and XattrMisses (V = names known absent),
// which state their own rules of when callers Drop.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace zerofs::mount {

template <typename V>
class NodeTtlMap {
 public:
  using Clock = std::chrono::steady_clock;

  // What a reply was asked under: the drop count and the time when its
  // request was sent.
  struct Ticket {
    uint64_t epoch = 0;
    Clock::time_point at;
  };
  // A node's record as the update functions of Put see it.
  struct Entry {
    bool valid = false;  // false: only a drop mark (value is V{})
    V value{};
    Clock::time_point expires;
    uint64_t dropped_at = 0;  // epoch_ after this node's last drop
  };

  // `ttl_s` <= 0 or `max_nodes` == 0: off (nothing is kept).
  NodeTtlMap(double ttl_s, size_t max_nodes, std::function<Clock::time_point()> clock)
      : enabled_(ttl_s > 0 && max_nodes > 0),
        ttl_(std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(std::max(ttl_s, 0.0)))),
        max_nodes_(max_nodes),
        clock_(std::move(clock)) {}

  bool enabled() const { return enabled_; }

  // Take before sending the request whose answer will be Put.
  Ticket Begin() {
    if (!enabled_) return {};
    Clock::time_point now = clock_();
    std::lock_guard<std::mutex> lock(mu_);
    return Ticket{epoch_, now};
  }

  // Unless the node was dropped after `t` was taken or a value asked under
  // `t` would already have expired, calls update(entry, expires) to merge
  // the answer into the node's entry (an expired value is reset first).
  template <typename Update>
  void Put(uint64_t node, const Ticket& t, Update&& update) {
    if (!enabled_) return;
    Clock::time_point now = clock_();
    Clock::time_point expires = t.at + ttl_;
    if (expires <= now) return;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = records_.find(node);
    if (it == records_.end()) {
      if (t.epoch < forgotten_) return;
      MakeRoomLocked(now);
      // Forgetting to make room refuses older tickets too.
      if (t.epoch < forgotten_) return;
      it = records_.emplace(node, Entry{}).first;
    } else if (t.epoch < it->second.dropped_at) {
      return;
    }
    Entry& e = it->second;
    if (e.valid && e.expires <= now) Invalidate(e);
    update(e, expires);
  }

  // read(value, seconds left) if the node has a value that has not expired.
  template <typename Read>
  auto Find(uint64_t node, Read&& read)
      -> std::optional<decltype(read(std::declval<const V&>(), 0.0))> {
    if (!enabled_) return std::nullopt;
    Clock::time_point now = clock_();
    std::lock_guard<std::mutex> lock(mu_);
    auto it = records_.find(node);
    if (it == records_.end() || !it->second.valid || it->second.expires <= now) {
      return std::nullopt;
    }
    return read(it->second.value, std::chrono::duration<double>(it->second.expires - now).count());
  }

  // The node may have changed: forget its value and refuse answers to
  // requests sent before now.
  void Drop(uint64_t node) {
    if (!enabled_) return;
    std::lock_guard<std::mutex> lock(mu_);
    Entry& e = RecordLocked(node, clock_());
    Invalidate(e);
    e.dropped_at = ++epoch_;
  }

  // The answer to this mount's own change of `node` (its request sent
  // after `t` was taken), carrying the node's state after the change: drops
  // the node as Drop does, and keeps `v` unless the node was dropped after
  // `t` (another change may have run on the server after this one, and `v`
  // would lack it).
  void PutChanged(uint64_t node, V v, const Ticket& t) {
    if (!enabled_) return;
    Clock::time_point now = clock_();
    Clock::time_point expires = t.at + ttl_;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = records_.find(node);
    bool raced = it != records_.end() ? t.epoch < it->second.dropped_at : t.epoch < forgotten_;
    Entry& e = it != records_.end() ? it->second : RecordLocked(node, now);
    e.dropped_at = ++epoch_;
    if (raced || expires <= now) {
      Invalidate(e);
      return;
    }
    e.valid = true;
    e.value = std::move(v);
    e.expires = expires;
  }

  // Forgets everything and refuses answers to requests sent before
  // (reconnect: they came on the old connection).
  void Clear() {
    if (!enabled_) return;
    std::lock_guard<std::mutex> lock(mu_);
    records_.clear();
    forgotten_ = ++epoch_;
  }

  // Records held (values and drop marks), for tests.
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return records_.size();
  }

 private:
  static void Invalidate(Entry& e) {
    e.valid = false;
    e.value = V{};
  }

  // The node's record, made (after making room) if it has none. mu_ held.
  Entry& RecordLocked(uint64_t node, Clock::time_point now) {
    auto it = records_.find(node);
    if (it != records_.end()) return it->second;
    MakeRoomLocked(now);
    return records_.emplace(node, Entry{}).first->second;
  }

  // Makes room for one more record (mu_ held). Forgetting a drop mark means
  // refusing every ticket older than it, for any node without a record.
  void MakeRoomLocked(Clock::time_point now) {
    if (records_.size() < max_nodes_) return;
    for (auto it = records_.begin(); it != records_.end();) {
      if (!it->second.valid || it->second.expires <= now) {
        forgotten_ = std::max(forgotten_, it->second.dropped_at);
        it = records_.erase(it);
      } else {
        ++it;
      }
    }
    // Freeing little would make the next insert scan again: start over.
    if (records_.size() >= max_nodes_ - max_nodes_ / 4) {
      records_.clear();
      forgotten_ = epoch_;
    }
  }

  const bool enabled_;
  const Clock::duration ttl_;
  const size_t max_nodes_;
  const std::function<Clock::time_point()> clock_;

  std::mutex mu_;
  std::unordered_map<uint64_t, Entry> records_;  // guarded by mu_
  // Bumped by every drop; a ticket's epoch is its value then.
  uint64_t epoch_ = 0;  // guarded by mu_
  // Drop marks were discarded up to this epoch: a node without a record
  // refuses tickets older than it.
  uint64_t forgotten_ = 0;  // guarded by mu_
};

}  // namespace zerofs::mount
