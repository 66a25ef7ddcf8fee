// Bounded busy-polling for a request/reply server loop. A client at queue
// depth 1 sends its next request a few microseconds after it receives the
// reply; a loop that sleeps in epoll_wait in between pays a sleep and a
// wake-up (on a VM, an idle vCPU's exit and an IPI) per request, more than
// the request itself costs. Polling the socket with non-blocking recv(2)
// for a bounded window after sending a reply takes the next request
// without either, at the price of the CPU spent polling. The window only
// opens right after a reply, so an idle connection never polls, and
// BusyPollGate stops polling for a client whose requests come later than
// the window (each miss would burn the whole window for nothing). Polling
// only pays when the client runs on another CPU: on the same CPU the poll
// keeps the client from running (PeerSendsFromThisCpu).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace zerofs::net {

// recv(2) with MSG_DONTWAIT, retried until it returns data, EOF or an error
// other than EAGAIN, or `window` has passed. Returns what recv returns; -1
// with errno EAGAIN when nothing arrived within the window.
ssize_t BusyRecv(int fd, void* buf, size_t len, std::chrono::nanoseconds window);

// True if the last data `fd` received was processed on the CPU this thread
// runs on. Over loopback that is the CPU the peer sent from: polling here
// would only keep the peer from running and sending its request. False when
// unknown (no SO_INCOMING_CPU, as for Unix sockets).
bool PeerSendsFromThisCpu(int fd);

// Whether to poll before the next wait. A poll that finds nothing makes the
// gate skip the next 1, 2, 4, ... 64 waits (it polls again after those, in
// case the client sped up); a poll that finds data resets the back-off. So a
// client whose requests come just after the window costs at most one window
// per 65 requests. Not thread-safe: one per connection reader.
class BusyPollGate {
 public:
  explicit BusyPollGate(std::chrono::nanoseconds window) : window_(window) {}

  std::chrono::nanoseconds window() const { return window_; }
  // True if the caller should poll (BusyRecv with window()) now; false
  // counts a skipped wait.
  bool ShouldPoll();
  // Reports the poll's outcome: data (or EOF) came within the window, or not.
  void Polled(bool found);

 private:
  static constexpr uint32_t kMaxSkip = 64;
  const std::chrono::nanoseconds window_;
  uint32_t skip_next_ = 0;  // waits to skip after the last miss
  uint32_t skipped_ = 0;    // waits skipped since then
};

}  // namespace zerofs::net
