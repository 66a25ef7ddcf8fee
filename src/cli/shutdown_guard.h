// Watches over `zerofs run`'s shutdown after the first SIGINT/SIGTERM:
// stopping the servers, writing back the fs buffers and the engine's final
// flush and snapshot can take long, or forever while the object store is
// unreachable (uploads are retried). Meanwhile it logs every `interval` that
// the shutdown is still going on, and a second SIGINT/SIGTERM exits at once
// with status 1, saying that changes not yet flushed are lost (what an
// fsync acknowledged is in the store already).
#pragma once

#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace zerofs::cli {

class ShutdownGuard {
 public:
  // `signals` must be blocked in every thread (sigwait receives them).
  ShutdownGuard(const sigset_t& signals, std::chrono::milliseconds interval);
  // The shutdown finished: stops both threads.
  ~ShutdownGuard();
  ShutdownGuard(const ShutdownGuard&) = delete;
  ShutdownGuard& operator=(const ShutdownGuard&) = delete;

 private:
  void WaitForSecondSignal();
  void ReportProgress();

  const sigset_t signals_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;  // guarded by mu_
  std::thread signal_thread_;
  std::thread progress_thread_;
};

}  // namespace zerofs::cli
