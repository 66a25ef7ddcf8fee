// ReplyQueue: the write side of a connection whose replies are finished on
// several threads (the NFS, 9P and NBD servers).
//
// A reply goes out at once from the thread that finished it, with one
// non-blocking gather send, when nothing is queued before it: no wake-up of
// the io thread and no copy. What the socket does not take then waits here,
// in order, and one writer coroutine on the socket's io thread drains it
// with gather writes, so replies never interleave.
//
// Closing: Break() (any thread) shuts the socket down, so that the reader's
// pending read fails and the reader closes the socket on its own thread
// with CloseSocket() (asio sockets are not thread-safe; shutdown(2) on the
// descriptor is). After either, replies are dropped.
#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "net/listener.h"
#include "net/send_now.h"

namespace zerofs::net {

// Reply bytes waiting to be sent and what keeps them alive (null: bytes
// that outlive the connection, such as static zeros).
struct QueuedBytes {
  std::shared_ptr<const std::string> owner;
  std::string_view bytes;
};

class ReplyQueue {
 public:
  // `on_stopped` runs on the io thread whenever the writer stops (queue
  // drained or connection closed): a reader paused for queued bytes may go
  // on. `log_name` ("nbd: 10.0.0.2:4711") prefixes a log line when a write
  // fails; empty: nothing is logged.
  ReplyQueue(Socket& socket, std::function<void()> on_stopped, std::string log_name = {});
  ReplyQueue(const ReplyQueue&) = delete;
  ReplyQueue& operator=(const ReplyQueue&) = delete;

  // Sends parts 0..n-1 (part(i) returns part i's bytes) in order, behind
  // everything queued before. The parts the socket does not take at once
  // are kept with keep(i), which returns part i with an owner of its bytes
  // (called only for those parts). If the writer must start, it keeps
  // owner() (a shared_ptr to what holds this queue and the socket) alive
  // while it runs. Any thread; callers may hold their own locks.
  template <typename Part, typename Keep, typename Owner>
  void Send(size_t n, Part&& part, Keep&& keep, Owner&& owner) {
    std::unique_lock lock(mu_);
    if (closed_) return;
    size_t sent = 0;
    if (!writing_ && !SendWithoutBlocking(fd_, n, part, &sent)) {
      FailedLocked(nullptr);
      return;
    }
    bool queued = false;
    for (size_t i = 0; i < n; i++) {
      const size_t size = part(i).size();
      if (sent >= size) {
        sent -= size;
        continue;
      }
      QueuedBytes q = keep(i);
      q.bytes.remove_prefix(sent);
      sent = 0;
      queued_bytes_ += q.bytes.size();
      queue_.push_back(std::move(q));
      queued = true;
    }
    if (!queued || writing_) return;  // all sent, or the running writer sends it
    writing_ = true;
    lock.unlock();
    StartWriter(owner());
  }

  // Shuts the socket down (once). Any thread.
  void Break();
  // The reader's last step: no send may be using the descriptor when it
  // closes. Io thread.
  void CloseSocket();

  bool closed() const { return closed_; }
  // Bytes waiting in the queue (for back-pressure).
  size_t queued_bytes() const { return queued_bytes_; }
  // Whether a writer is still draining the queue (an orderly close waits).
  bool writing();

 private:
  void StartWriter(std::shared_ptr<void> owner);
  boost::asio::awaitable<void> WriteLoop(std::shared_ptr<void> owner);
  // REQUIRES: mu_ held.
  void BreakLocked();
  // A send failed (`what`: the asio error's text, or null for errno): logs
  // it unless closed already, and breaks. REQUIRES: mu_ held.
  void FailedLocked(const char* what);

  Socket& socket_;
  const int fd_;
  const std::function<void()> on_stopped_;
  const std::string log_name_;

  std::mutex mu_;
  std::deque<QueuedBytes> queue_;    // guarded by mu_: unsent bytes, in order
  bool writing_ = false;             // guarded by mu_: WriteLoop owns the queue
  std::atomic<bool> closed_{false};  // set under mu_
  std::atomic<size_t> queued_bytes_{0};
};

}  // namespace zerofs::net
