// Single-flight for frame fetches: when several readers miss the same frame
// at once (two clients reading one file, or a read racing the read-ahead
// of the same range), one fetches it and the others wait for the memory
// cache to have it, instead of each sending its own GET.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace zerofs::engine {

class InflightFrames {
 public:
  // Claims `key` for the caller, who must Release it; false if another
  // reader is fetching it (then WaitFor it).
  bool TryClaim(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    return keys_.insert(key).second;
  }
  // Ends the caller's claims (fetched or failed) and wakes the waiters.
  void Release(const std::vector<std::string>& keys) {
    if (keys.empty()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& k : keys) keys_.erase(k);
    }
    cv_.notify_all();
  }
  // Returns once nobody is fetching `key`.
  void WaitFor(const std::string& key) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return keys_.count(key) == 0; });
  }

 private:
  std::mutex mu_;
  // One condition for all keys: claims are short and waiters few, so
  // waking them all is cheaper than a condition per frame.
  std::condition_variable cv_;
  std::unordered_set<std::string> keys_;  // guarded by mu_
};

// Releases a reader's claims however its fetch ends.
class ClaimedFrames {
 public:
  explicit ClaimedFrames(InflightFrames* table) : table_(table) {}
  ~ClaimedFrames() { table_->Release(keys_); }
  ClaimedFrames(const ClaimedFrames&) = delete;
  ClaimedFrames& operator=(const ClaimedFrames&) = delete;
  void Add(std::string key) { keys_.push_back(std::move(key)); }

 private:
  InflightFrames* const table_;
  std::vector<std::string> keys_;
};

}  // namespace zerofs::engine
