// ReplyQueue: the writer coroutine and closing.
#include "net/reply_queue.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace zerofs::net {

namespace {

// Pieces gathered into one write at most.
constexpr size_t kMaxGather = 64;

}  // namespace

ReplyQueue::ReplyQueue(Socket& socket, std::function<void()> on_stopped, std::string log_name)
    : socket_(socket),
      fd_(socket.native_handle()),
      on_stopped_(std::move(on_stopped)),
      log_name_(std::move(log_name)) {}

void ReplyQueue::Break() {
  std::lock_guard lock(mu_);
  BreakLocked();
}

void ReplyQueue::BreakLocked() {
  if (closed_.exchange(true)) return;
  ::shutdown(fd_, SHUT_RDWR);
}

void ReplyQueue::FailedLocked(const char* what) {
  if (!closed_ && !log_name_.empty()) {
    spdlog::info("{}: write failed: {}", log_name_, what ? what : std::strerror(errno));
  }
  BreakLocked();
}

void ReplyQueue::CloseSocket() {
  std::lock_guard lock(mu_);
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_both, ignored);
  socket_.close(ignored);
}

bool ReplyQueue::writing() {
  std::lock_guard lock(mu_);
  return writing_;
}

void ReplyQueue::StartWriter(std::shared_ptr<void> owner) {
  // co_spawn posts: the writer starts on the io thread, never inline.
  asio::co_spawn(socket_.get_executor(), WriteLoop(std::move(owner)), asio::detached);
}

asio::awaitable<void> ReplyQueue::WriteLoop(std::shared_ptr<void> owner) {
  std::vector<QueuedBytes> batch;
  std::vector<asio::const_buffer> buffers;
  for (;;) {
    batch.clear();
    buffers.clear();
    {
      std::lock_guard lock(mu_);
      if (closed_ || queue_.empty()) {
        writing_ = false;
        queue_.clear();
        queued_bytes_ = 0;
        break;
      }
      while (!queue_.empty() && batch.size() < kMaxGather) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    size_t bytes = 0;
    for (const QueuedBytes& b : batch) {
      buffers.push_back(asio::buffer(b.bytes.data(), b.bytes.size()));
      bytes += b.bytes.size();
    }
    auto [ec, n] =
        co_await asio::async_write(socket_, buffers, asio::as_tuple(asio::use_awaitable));
    queued_bytes_ -= bytes;
    if (ec) {
      std::lock_guard lock(mu_);
      FailedLocked(ec.message().c_str());
    }
  }
  on_stopped_();
}

}  // namespace zerofs::net
