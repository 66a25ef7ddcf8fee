// The client session key of one connection (Tsession): names the client
// across its connections, so that unlinked files it had open are kept for
// it when a connection breaks (fs::FileSystem::Open's holder).
#pragma once

#include <mutex>
#include <string>

namespace zerofs::ninep {

class SessionKey {
 public:
  // Sets the key; false (nothing changes) if one was set before.
  bool Set(std::string key) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!key_.empty()) return false;
    key_ = std::move(key);
    return true;
  }
  // Empty when the client sent none.
  std::string Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return key_;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    key_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::string key_;  // guarded by mu_
};

}  // namespace zerofs::ninep
