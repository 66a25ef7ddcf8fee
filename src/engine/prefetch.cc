#include "engine/prefetch.h"

#include <algorithm>

namespace zerofs::engine {

namespace {

// Streams remembered at once; beyond this the table starts over (a few
// sequential readers lose their window, nothing else).
constexpr size_t kMaxStreams = 1024;
// Queued windows at most: read-ahead must never become a backlog.
constexpr size_t kMaxQueue = 32;

}  // namespace

Prefetcher::Prefetcher(Fetch fetch, uint64_t max_extents, int threads)
    : fetch_(std::move(fetch)), max_extents_(std::max<uint64_t>(1, max_extents)) {
  for (int i = 0; i < std::max(1, threads); i++) threads_.emplace_back([this] { Run(); });
}

Prefetcher::~Prefetcher() { Stop(); }

void Prefetcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

PrefetchStats Prefetcher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void Prefetcher::OnRead(uint64_t ino, uint64_t first, uint64_t count) {
  if (count == 0 || first > UINT64_MAX - count) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    if (streams_.size() >= kMaxStreams && streams_.count(ino) == 0) streams_.clear();
    Stream& s = streams_[ino];
    if (first == s.next) {
      s.window = std::min(max_extents_, s.window == 0 ? 2 * count : 2 * s.window);
    } else {
      s = Stream{};  // random access: no read-ahead until it is sequential again
    }
    s.next = first + count;
    if (s.window == 0) return;
    // Top the window up only once half of it has been read: one background
    // read per half window, not one per request (a sequential reader served
    // from memory would otherwise wake a prefetch thread on every read).
    const uint64_t ahead = s.until > s.next ? s.until - s.next : 0;
    if (ahead * 2 > s.window) return;
    const uint64_t start = std::max(s.next, s.until);
    const uint64_t end = s.next + s.window;
    if (end <= start) return;
    if (queue_.size() >= kMaxQueue) {
      stats_.dropped++;
      return;
    }
    queue_.push_back(Task{ino, start, end - start});
    s.until = end;
  }
  cv_.notify_one();
}

void Prefetcher::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Task t = queue_.front();
    queue_.pop_front();
    stats_.requests++;
    stats_.extents += t.count;
    lock.unlock();
    fetch_(t.ino, t.first, t.count);
    lock.lock();
  }
}

}  // namespace zerofs::engine
