#include "net/busy_poll.h"

#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace zerofs::net {

ssize_t BusyRecv(int fd, void* buf, size_t len, std::chrono::nanoseconds window) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + window;
  for (;;) {
    const ssize_t n = ::recv(fd, buf, len, MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (Clock::now() >= deadline) {
      errno = EAGAIN;
      return -1;
    }
  }
}

bool PeerSendsFromThisCpu(int fd) {
  int cpu = -1;
  socklen_t len = sizeof cpu;
  if (::getsockopt(fd, SOL_SOCKET, SO_INCOMING_CPU, &cpu, &len) != 0 || cpu < 0) return false;
  return cpu == ::sched_getcpu();
}

bool BusyPollGate::ShouldPoll() {
  if (window_.count() <= 0) return false;
  if (skipped_ < skip_next_) {
    skipped_++;
    return false;
  }
  return true;
}

void BusyPollGate::Polled(bool found) {
  skipped_ = 0;
  skip_next_ = found ? 0 : std::clamp<uint32_t>(skip_next_ * 2, 1, kMaxSkip);
}

}  // namespace zerofs::net
