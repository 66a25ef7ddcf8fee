#include "nbd/transmission.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "nbd/commands.h"
#include "nbd/errors.h"
#include "nbd/replies.h"
#include "nbd/request.h"
#include "nbd/wire.h"
#include "net/run_blocking.h"

namespace zerofs::nbd {

namespace {

using Action = RequestCheck::Action;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(net::Socket socket, Negotiated n, const ServerContext& ctx, std::string peer,
          asio::any_io_executor strand)
      : socket_(std::move(socket)),
        negotiated_(std::move(n)),
        ctx_(ctx),
        peer_(std::move(peer)),
        strand_(std::move(strand)),
        wake_(strand_) {}

  // On Stop() the io_context may destroy the coroutines without resuming
  // them; the inode is released here then.
  ~Session() {
    if (!released_) ReleaseInode().Ignore();
  }

  asio::awaitable<void> Run();

 private:
  struct Queued {
    OutgoingReply reply;
    uint64_t cost = 0;
    size_t sent = 0;  // bytes of `reply` already written
  };

  // Input is buffered: one read brings every request the client has
  // pipelined, instead of one read (and one trip through the scheduler) per
  // request header.
  static constexpr size_t kInBuffer = 128 * 1024;
  size_t Buffered() const { return in_end_ - in_begin_; }
  // Makes at least n <= kInBuffer bytes available in in_.
  asio::awaitable<bool> Fill(size_t n);
  asio::awaitable<bool> ReadExact(void* data, size_t n);
  asio::awaitable<bool> Discard(uint64_t n);
  // Waits until a request of `cost` bytes fits the limits, then holds it.
  asio::awaitable<void> Admit(uint64_t cost);
  asio::awaitable<void> Handle(RequestHeader h, std::string payload, uint64_t cost);
  // Queues the reply to `h` for a finished command.
  void Reply(const RequestHeader& h, CommandResult r, uint64_t cost);
  // Queues a reply and sends it if nothing is being sent. (Holding replies
  // back to send a batch in one write made the client wait for the whole
  // batch: fewer IOPS.)
  void Queue(OutgoingReply reply, uint64_t cost);
  // Writes what it can of out_ at once (the socket is non-blocking) and
  // leaves the rest to the writer coroutine.
  void Send();
  // Drops the first `bytes` of out_, accounting for the replies finished.
  void Consumed(size_t bytes);
  static void AppendBuffers(const Queued& q, std::vector<asio::const_buffer>* buffers);
  asio::awaitable<void> WriteLoop();
  void Done(size_t requests, uint64_t cost);
  asio::awaitable<void> Wait();
  void Fail();
  Status ReleaseInode();
  ErrorContext ErrorCtx(const RequestHeader& h) const {
    return ErrorContext{(h.flags & kCmdFlagFastZero) != 0, negotiated_.structured};
  }

  // Fixed after construction.
  net::Socket socket_;
  const Negotiated negotiated_;
  const ServerContext& ctx_;
  const std::string peer_;
  const asio::any_io_executor strand_;

  // Touched only on the strand.
  asio::steady_timer wake_;   // the reader waits on it; cancelled when a slot frees
  bool waiting_ = false;      // the reader is waiting on wake_
  bool direct_send_ = false;  // the socket is non-blocking: Send may write at once
  std::unique_ptr<char[]> in_ = std::make_unique<char[]>(kInBuffer);
  size_t in_begin_ = 0;  // unread input is in_[in_begin_, in_end_)
  size_t in_end_ = 0;
  std::vector<asio::const_buffer> send_buffers_;  // Send's, kept for its capacity
  uint32_t inflight_ = 0;  // admitted requests whose reply is not yet written
  uint64_t inflight_bytes_ = 0;
  std::deque<Queued> out_;
  bool writing_ = false;
  bool broken_ = false;  // the socket failed or was closed: drop replies
  bool released_ = false;
};

asio::awaitable<bool> Session::Fill(size_t n) {
  if (Buffered() >= n) co_return true;
  if (in_begin_ > 0) {
    std::memmove(in_.get(), in_.get() + in_begin_, Buffered());
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  while (in_end_ < n) {
    // (asio tries the read at once and waits only if nothing is there.)
    boost::system::error_code ec;
    const size_t got =
        co_await socket_.async_read_some(asio::buffer(in_.get() + in_end_, kInBuffer - in_end_),
                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    in_end_ += got;
  }
  co_return true;
}

asio::awaitable<bool> Session::ReadExact(void* data, size_t n) {
  char* out = static_cast<char*>(data);
  const size_t have = std::min(n, Buffered());
  std::memcpy(out, in_.get() + in_begin_, have);
  in_begin_ += have;
  out += have;
  n -= have;
  if (n == 0) co_return true;
  if (n >= kInBuffer / 2) {
    // A large payload goes straight to its destination.
    boost::system::error_code ec;
    co_await asio::async_read(socket_, asio::buffer(out, n),
                              asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }
  if (!co_await Fill(n)) co_return false;
  std::memcpy(out, in_.get() + in_begin_, n);
  in_begin_ += n;
  co_return true;
}

asio::awaitable<bool> Session::Discard(uint64_t n) {
  std::vector<char> sink(std::min<uint64_t>(n, 64 * 1024));
  while (n > 0) {
    size_t step = static_cast<size_t>(std::min<uint64_t>(n, sink.size()));
    if (!co_await ReadExact(sink.data(), step)) co_return false;
    n -= step;
  }
  co_return true;
}

asio::awaitable<void> Session::Wait() {
  wake_.expires_at(asio::steady_timer::time_point::max());
  boost::system::error_code ec;
  waiting_ = true;
  co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  waiting_ = false;
}

asio::awaitable<void> Session::Admit(uint64_t cost) {
  const NbdLimits& l = ctx_.limits;
  auto full = [&] {
    return inflight_ >= l.max_inflight_requests ||
           (inflight_bytes_ > 0 && inflight_bytes_ + cost > l.max_inflight_bytes);
  };
  while (full()) co_await Wait();
  inflight_++;
  inflight_bytes_ += cost;
}

void Session::Done(size_t requests, uint64_t cost) {
  inflight_ -= static_cast<uint32_t>(requests);
  inflight_bytes_ -= cost;
  if (waiting_) wake_.cancel();
}

void Session::Fail() {
  if (broken_) return;
  broken_ = true;
  boost::system::error_code ec;
  socket_.shutdown(asio::socket_base::shutdown_both, ec);
  socket_.close(ec);  // wakes the reader
}

void Session::Queue(OutgoingReply reply, uint64_t cost) {
  if (broken_) {
    Done(1, cost);
    return;
  }
  out_.push_back(Queued{std::move(reply), cost, 0});
  Send();
}

void Session::AppendBuffers(const Queued& q, std::vector<asio::const_buffer>* buffers) {
  const std::string& head = q.reply.head;
  const std::string& data = q.reply.data;
  if (q.sent < head.size()) buffers->push_back(asio::buffer(head) + q.sent);
  const size_t from_data = q.sent > head.size() ? q.sent - head.size() : 0;
  if (from_data < data.size()) buffers->push_back(asio::buffer(data) + from_data);
}

void Session::Consumed(size_t bytes) {
  size_t requests = 0;
  uint64_t cost = 0;
  while (bytes > 0 && !out_.empty()) {
    Queued& q = out_.front();
    const size_t left = q.reply.size() - q.sent;
    if (bytes < left) {
      q.sent += bytes;
      break;
    }
    bytes -= left;
    requests++;
    cost += q.cost;
    out_.pop_front();
  }
  if (requests > 0) Done(requests, cost);
}

void Session::Send() {
  if (writing_ || out_.empty()) return;
  if (broken_) {
    for (; !out_.empty(); out_.pop_front()) Done(1, out_.front().cost);
    return;
  }
  if (direct_send_) {
    // The first replies usually fit the socket's buffer: written here they
    // cost no coroutine and no trip through the scheduler. (asio passes at
    // most 64 buffers to one writev.)
    send_buffers_.clear();
    for (const Queued& q : out_) {
      if (send_buffers_.size() + 2 > 64) break;
      AppendBuffers(q, &send_buffers_);
    }
    boost::system::error_code ec;
    size_t sent = socket_.write_some(send_buffers_, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      sent = 0;
      ec.clear();
    }
    if (ec) {
      spdlog::info("nbd: {}: write failed: {}", peer_, ec.message());
      Fail();
      for (; !out_.empty(); out_.pop_front()) Done(1, out_.front().cost);
      return;
    }
    Consumed(sent);
    if (out_.empty()) return;
  }
  // The socket is full (or blocking): the writer waits until it drains.
  writing_ = true;
  asio::co_spawn(
      strand_, [self = shared_from_this()] { return self->WriteLoop(); }, asio::detached);
}

asio::awaitable<void> Session::WriteLoop() {
  std::vector<Queued> batch;
  std::vector<asio::const_buffer> buffers;
  while (!out_.empty() && !broken_) {
    batch.clear();
    buffers.clear();
    uint64_t cost = 0;
    while (!out_.empty() && batch.size() < 64) {
      batch.push_back(std::move(out_.front()));
      out_.pop_front();
    }
    for (const Queued& q : batch) {
      cost += q.cost;
      AppendBuffers(q, &buffers);
    }
    boost::system::error_code ec;
    co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
    Done(batch.size(), cost);
    if (ec) {
      if (!broken_) spdlog::info("nbd: {}: write failed: {}", peer_, ec.message());
      Fail();
    }
  }
  // After a failure nothing more is sent: account for what is left.
  for (; !out_.empty(); out_.pop_front()) Done(1, out_.front().cost);
  writing_ = false;
}

asio::awaitable<void> Session::Handle(RequestHeader h, std::string payload, uint64_t cost) {
  fs::FileSystem* fs = ctx_.exports->fs();
  const fs::InodeId ino = negotiated_.export_info.ino;
  const uint32_t chunk = ctx_.limits.max_payload;
  auto execute = [fs, ino, h, chunk, p = std::move(payload)] {
    return ExecuteCommand(fs, ino, h, p, chunk);
  };
  auto op = net::RunBlocking(*ctx_.pool, std::move(execute));
  CommandResult r = co_await std::move(op);
  Reply(h, std::move(r), cost);
}

void Session::Reply(const RequestHeader& h, CommandResult r, uint64_t cost) {
  if (r.err != 0) {
    spdlog::warn("nbd: {}: {} offset {} length {} on '{}': {}", peer_, CommandName(h.type),
                 h.offset, h.length, negotiated_.export_info.name, r.what);
  }
  const uint32_t error = r.err != 0 ? ToNbdError(r.err, ErrorCtx(h)) : 0;
  if (h.type == kCmdRead) {
    Queue(error != 0
              ? EncodeReadError(h.cookie, error, r.what, negotiated_.structured)
              : EncodeReadReply(h.cookie, h.offset, std::move(r.data), negotiated_.structured),
          cost);
  } else {
    Queue(EncodeReply(h.cookie, error), cost);
  }
}

Status Session::ReleaseInode() {
  released_ = true;
  return ctx_.exports->fs()->Release(negotiated_.export_info.ino);
}

asio::awaitable<void> Session::Run() {
  const ExportLimits limits{negotiated_.export_info.size, ctx_.limits.max_payload,
                            negotiated_.read_only, negotiated_.structured};
  std::array<char, kRequestHeaderSize> raw;
  bool graceful = false;
  {
    // For Queue's direct send, which must never block the I/O thread.
    boost::system::error_code ec;
    socket_.non_blocking(true, ec);
    direct_send_ = !ec;
  }
  while (!broken_) {
    if (!co_await ReadExact(raw.data(), raw.size())) break;
    RequestHeader h;
    DecodeRequestHeader(std::string_view(raw.data(), raw.size()), &h);
    RequestCheck check = CheckRequest(h, limits);
    if (check.action == Action::kClose) {
      spdlog::warn("nbd: {}: {}; closing", peer_, check.reason);
      break;
    }
    if (check.action == Action::kDisconnect) {
      graceful = true;
      break;
    }
    if (check.action == Action::kReplyError) {
      spdlog::info("nbd: {}: {} (cookie {}): {}", peer_, CommandName(h.type), h.cookie,
                   check.reason);
      if (h.type == kCmdWrite && !co_await Discard(h.length)) break;
      co_await Admit(kSimpleReplySize);
      if (h.type == kCmdRead) {
        Queue(EncodeReadError(h.cookie, check.error, check.reason, negotiated_.structured),
              kSimpleReplySize);
      } else {
        Queue(EncodeReply(h.cookie, check.error), kSimpleReplySize);
      }
      continue;
    }
    const uint64_t cost =
        kSimpleReplySize + (h.type == kCmdRead || h.type == kCmdWrite ? h.length : 0);
    co_await Admit(cost);
    if (h.type == kCmdRead) {
      // A read the memory cache holds is answered here, on the I/O thread:
      // a hand-off to the pool and back would cost two thread wake-ups,
      // more than the read itself.
      std::optional<CommandResult> cached =
          TryReadCached(ctx_.exports->fs(), negotiated_.export_info.ino, h);
      if (cached) {
        Reply(h, std::move(*cached), cost);
        continue;
      }
    }
    std::string payload;
    if (h.type == kCmdWrite) {
      payload.resize(h.length);
      if (!co_await ReadExact(payload.data(), payload.size())) {
        Done(1, cost);
        break;
      }
    }
    asio::co_spawn(
        strand_,
        [self = shared_from_this(), h, p = std::move(payload), cost]() mutable {
          return self->Handle(h, std::move(p), cost);
        },
        asio::detached);
  }
  // Finish what was admitted (NBD_CMD_DISC: "handle all outstanding
  // requests"), then close.
  while (inflight_ > 0) co_await Wait();
  if (!broken_) {
    broken_ = true;
    boost::system::error_code ec;
    socket_.shutdown(asio::socket_base::shutdown_both, ec);
    socket_.close(ec);
  }
  auto release = [self = shared_from_this()] { return self->ReleaseInode(); };
  auto op = net::RunBlocking(*ctx_.pool, std::move(release));
  Status st = co_await std::move(op);
  if (!st.ok()) spdlog::warn("nbd: {}: release: {}", peer_, st.error().ToString());
  spdlog::info("nbd: {}: detached export '{}'{}", peer_, negotiated_.export_info.name,
               graceful ? "" : " (connection closed)");
}

}  // namespace

asio::awaitable<void> Transmit(net::Socket socket, Negotiated negotiated, const ServerContext& ctx,
                               std::string peer) {
  auto strand = co_await asio::this_coro::executor;
  auto session = std::make_shared<Session>(std::move(socket), std::move(negotiated), ctx,
                                           std::move(peer), strand);
  auto run = session->Run();
  co_await std::move(run);
}

}  // namespace zerofs::nbd
