// ShutdownGuard: the second-signal exit and the progress lines.
#include "cli/shutdown_guard.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "cli/report.h"

namespace zerofs::cli {

ShutdownGuard::ShutdownGuard(const sigset_t& signals, std::chrono::milliseconds interval)
    : signals_(signals), interval_(interval) {
  signal_thread_ = std::thread([this] { WaitForSecondSignal(); });
  progress_thread_ = std::thread([this] { ReportProgress(); });
}

ShutdownGuard::~ShutdownGuard() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  progress_thread_.join();
  // Wakes the signal thread's sigwait (the signal is blocked everywhere, so
  // it stays pending for that thread alone).
  pthread_kill(signal_thread_.native_handle(), SIGTERM);
  signal_thread_.join();
}

void ShutdownGuard::WaitForSecondSignal() {
  int sig = 0;
  sigwait(&signals_, &sig);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_) return;
  }
  spdlog::error(
      "received {} again: exiting without finishing the flush; changes since the last "
      "completed flush are lost (data acknowledged by fsync is in the store)",
      sig == SIGINT ? "SIGINT" : "SIGTERM");
  spdlog::shutdown();
  std::_Exit(kExitFailure);
}

void ShutdownGuard::ReportProgress() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return done_; })) {
    const auto secs =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start)
            .count();
    spdlog::warn(
        "still flushing to the store after {} s (is it reachable? see the upload errors "
        "above); send SIGINT or SIGTERM again to exit without flushing",
        secs);
  }
}

}  // namespace zerofs::cli
