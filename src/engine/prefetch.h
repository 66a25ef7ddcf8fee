// Read-ahead: when an inode is read sequentially, the extents after the
// read are fetched in the background (into the memory and disk caches)
// before they are asked for, so a sequential reader sees the object
// store's latency once per window rather than once per request. The window
// starts at twice the read and doubles per sequential read up to
// `max_extents`; a non-sequential read of the inode resets it. The window
// is topped up once less than half of it is left unread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace zerofs::engine {

struct PrefetchStats {
  uint64_t requests = 0;  // background reads issued
  uint64_t extents = 0;   // extents they covered
  uint64_t dropped = 0;   // windows skipped because the queue was full
};

class Prefetcher {
 public:
  // `fetch(ino, first, count)` reads extents into the caches; it runs on
  // the prefetcher's own threads and its errors are ignored (the reader
  // will ask again and see them).
  using Fetch = std::function<void(uint64_t ino, uint64_t first, uint64_t count)>;

  Prefetcher(Fetch fetch, uint64_t max_extents, int threads);
  ~Prefetcher();  // Stop()
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // Called for every foreground read of extents [first, first + count).
  void OnRead(uint64_t ino, uint64_t first, uint64_t count);
  // Drops queued work and joins the threads; OnRead is a no-op afterwards.
  void Stop();
  PrefetchStats stats() const;

 private:
  struct Stream {
    uint64_t next = 0;    // where a sequential read would start
    uint64_t until = 0;   // extents before this are fetched or queued
    uint64_t window = 0;  // current read-ahead size, 0 = not sequential
  };
  struct Task {
    uint64_t ino, first, count;
  };
  void Run();

  const Fetch fetch_;
  const uint64_t max_extents_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<uint64_t, Stream> streams_;  // guarded by mu_
  std::deque<Task> queue_;                        // guarded by mu_
  PrefetchStats stats_;                           // guarded by mu_
  bool stop_ = false;                             // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace zerofs::engine
