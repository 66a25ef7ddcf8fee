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
#include <deque>
#include <memory>
#include <vector>

#include "nbd/blocking.h"
#include "nbd/commands.h"
#include "nbd/errors.h"
#include "nbd/replies.h"
#include "nbd/request.h"
#include "nbd/wire.h"

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
  };

  asio::awaitable<bool> ReadExact(void* data, size_t n);
  asio::awaitable<bool> Discard(uint64_t n);
  // Waits until a request of `cost` bytes fits the limits, then holds it.
  asio::awaitable<void> Admit(uint64_t cost);
  asio::awaitable<void> Handle(RequestHeader h, std::string payload, uint64_t cost);
  void Queue(OutgoingReply reply, uint64_t cost);
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
  asio::steady_timer wake_;  // the reader waits on it; cancelled when a slot frees
  uint32_t inflight_ = 0;    // admitted requests whose reply is not yet written
  uint64_t inflight_bytes_ = 0;
  std::deque<Queued> out_;
  bool writing_ = false;
  bool broken_ = false;  // the socket failed or was closed: drop replies
  bool released_ = false;
};

asio::awaitable<bool> Session::ReadExact(void* data, size_t n) {
  boost::system::error_code ec;
  co_await asio::async_read(socket_, asio::buffer(data, n),
                            asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
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
  co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> Session::Admit(uint64_t cost) {
  const NbdLimits& l = ctx_.limits;
  while (inflight_ >= l.max_inflight_requests ||
         (inflight_bytes_ > 0 && inflight_bytes_ + cost > l.max_inflight_bytes)) {
    co_await Wait();
  }
  inflight_++;
  inflight_bytes_ += cost;
}

void Session::Done(size_t requests, uint64_t cost) {
  inflight_ -= static_cast<uint32_t>(requests);
  inflight_bytes_ -= cost;
  wake_.cancel();
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
  out_.push_back(Queued{std::move(reply), cost});
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(
        strand_, [self = shared_from_this()] { return self->WriteLoop(); }, asio::detached);
  }
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
      buffers.push_back(asio::buffer(q.reply.head));
      if (!q.reply.data.empty()) buffers.push_back(asio::buffer(q.reply.data));
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
  auto op = RunBlocking(*ctx_.pool, std::move(execute));
  CommandResult r = co_await std::move(op);
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
  auto op = RunBlocking(*ctx_.pool, std::move(release));
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
