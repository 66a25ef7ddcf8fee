#include "ninep/session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>

#include "base/coding.h"
#include "net/run_blocking.h"
#include "ninep/errors.h"
#include "ninep/handlers.h"
#include "ninep/server.h"

namespace zerofs::ninep {

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// "9P2000.L", or "9P2000.L.<anything>" (version(5) lets a server answer a
// prefix it understands).
bool Is9P2000L(const std::string& v) {
  return v == kVersion9P2000L || v.rfind(std::string(kVersion9P2000L) + ".", 0) == 0;
}

}  // namespace

Session::Session(net::Socket socket, ServerShared* shared)
    : socket_(std::move(socket)),
      strand_(asio::make_strand(socket_.get_executor())),
      shared_(shared),
      id_(shared->next_session.fetch_add(1)),
      msize_(shared->max_msize) {}

Session::~Session() {
  // Backstop for requests that finished after Reset(): no fid or lock of a
  // closed connection survives it.
  fids_.Clear();
  shared_->locks.ReleaseSession(id_);
}

asio::awaitable<void> Session::Run() {
  auto self = shared_from_this();
  for (;;) {
    char size_field[kSizeFieldSize];
    auto [ec, n] = co_await asio::async_read(socket_, asio::buffer(size_field), kUseTuple);
    if (ec) break;
    uint32_t size = LoadLE32(size_field);
    if (!FrameSizeOk(size, msize_)) {
      spdlog::warn("9p: closing connection: frame size {} outside [{}, {}]", size, kHeaderSize,
                   msize_);
      break;
    }
    std::string frame(size, '\0');
    std::memcpy(frame.data(), size_field, kSizeFieldSize);
    auto [ec2, n2] = co_await asio::async_read(
        socket_, asio::buffer(frame.data() + kSizeFieldSize, size - kSizeFieldSize), kUseTuple);
    if (ec2) break;
    Header h = *ParseHeader(frame);  // the size field was just checked
    auto type = static_cast<MsgType>(h.type);
    if (type == MsgType::kTversion) {
      co_await HandleVersion(h, frame);
      continue;
    }
    if (!versioned_) {
      Enqueue(EncodeResponse(h.tag, Rlerror{EPROTO}));
      co_await Drain();
      continue;
    }
    if (type == MsgType::kTflush) {
      co_await HandleFlush(h, frame);
      continue;
    }
    if (inflight_.count(h.tag)) {
      spdlog::warn("9p: closing connection: tag {} reused while in flight", h.tag);
      break;
    }
    auto req = std::make_shared<InFlight>();
    req->frame = std::make_shared<const std::string>(std::move(frame));
    inflight_.emplace(h.tag, std::move(req));
    asio::co_spawn(strand_, RunRequest(h.tag), asio::detached);
  }
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_both, ignored);
  socket_.close(ignored);
  co_await Reset();
}

asio::awaitable<void> Session::Reset() {
  for (auto& [tag, req] : inflight_) {
    int queued = kQueued;
    req->state.compare_exchange_strong(queued, kCancelled);
  }
  auto self = shared_from_this();
  auto work = [self] {
    auto fids = self->fids_.Clear();
    self->shared_->locks.ReleaseSession(self->id_);
    fids.clear();  // releases open files here, on the worker
    return 0;
  };
  auto pending = net::RunBlocking(*shared_->pool, std::move(work));
  co_await std::move(pending);
}

asio::awaitable<void> Session::HandleVersion(const Header& h, const std::string& frame) {
  auto req = DecodeRequest(frame);
  if (!req.ok()) {
    Enqueue(EncodeResponse(h.tag, ToRlerror(req.error())));
    co_await Drain();
    co_return;
  }
  const auto& v = std::get<Tversion>(req->msg);
  if (v.msize < kMinMsize) {
    Enqueue(EncodeResponse(h.tag, Rlerror{EINVAL}));
    co_await Drain();
    co_return;
  }
  Rversion reply{std::min(v.msize, shared_->max_msize), kVersion9P2000L};
  if (!Is9P2000L(v.version)) {
    reply.version = kVersionUnknown;
  } else {
    // A new session: earlier fids and requests are abandoned (version(5)).
    co_await Reset();
    versioned_ = true;
    msize_ = reply.msize;
  }
  Enqueue(EncodeResponse(h.tag, reply));
  co_await Drain();
}

asio::awaitable<void> Session::HandleFlush(const Header& h, const std::string& frame) {
  auto req = DecodeRequest(frame);
  if (!req.ok()) {
    Enqueue(EncodeResponse(h.tag, ToRlerror(req.error())));
    co_await Drain();
    co_return;
  }
  uint16_t oldtag = std::get<Tflush>(req->msg).oldtag;
  auto it = inflight_.find(oldtag);
  if (it != inflight_.end()) {
    int queued = kQueued;
    if (!it->second->state.compare_exchange_strong(queued, kCancelled)) {
      // Running: Rflush goes out right after its reply (RunRequest).
      it->second->flush_tags.push_back(h.tag);
      co_return;
    }
    inflight_.erase(it);  // cancelled before it started: no reply at all
  }
  Enqueue(EncodeResponse(h.tag, Rflush{}));
  co_await Drain();
}

// Takes only a trivially copyable parameter (the request and its frame come
// from inflight_): GCC 12 mishandles class-type coroutine parameters that
// lambdas capture (double destruction).
asio::awaitable<void> Session::RunRequest(uint16_t tag) {
  auto self = shared_from_this();
  std::shared_ptr<InFlight> req = inflight_.at(tag);
  std::shared_ptr<const std::string> frame = req->frame;
  uint32_t msize = msize_;
  auto work = [self, req, tag, msize, frame]() -> std::optional<std::string> {
    int queued = kQueued;
    if (!req->state.compare_exchange_strong(queued, kRunning)) return std::nullopt;
    RequestContext ctx;
    ctx.fs = self->shared_->fs;
    ctx.locks = &self->shared_->locks;
    ctx.fids = &self->fids_;
    ctx.session_id = self->id_;
    ctx.msize = msize;
    auto decoded = DecodeRequest(*frame);
    if (!decoded.ok()) {
      spdlog::debug("9p: tag {}: {}", tag, decoded.error().ToString());
      return EncodeResponse(tag, ToRlerror(decoded.error()));
    }
    return Execute(ctx, tag, decoded->msg);
  };
  // Named, not temporaries in the co_await expression: GCC 12 destroys such
  // temporaries twice.
  auto pending = net::RunBlocking(*shared_->pool, std::move(work));
  std::optional<std::string> reply = co_await std::move(pending);
  if (!reply) co_return;  // flushed before it started
  auto it = inflight_.find(tag);
  if (it != inflight_.end() && it->second == req) inflight_.erase(it);
  Enqueue(std::move(*reply));
  for (uint16_t flush_tag : req->flush_tags) Enqueue(EncodeResponse(flush_tag, Rflush{}));
  co_await Drain();
}

void Session::Enqueue(std::string frame) {
  if (!closed_) out_.push_back(std::move(frame));
}

asio::awaitable<void> Session::Drain() {
  if (writing_) co_return;  // the active writer will pick our frames up
  writing_ = true;
  while (!out_.empty() && !closed_) {
    std::vector<std::string> batch;
    while (!out_.empty() && batch.size() < 64) {
      batch.push_back(std::move(out_.front()));
      out_.pop_front();
    }
    std::vector<asio::const_buffer> bufs;
    bufs.reserve(batch.size());
    for (const auto& f : batch) bufs.push_back(asio::buffer(f));
    auto [ec, n] = co_await asio::async_write(socket_, bufs, kUseTuple);
    if (ec) {
      out_.clear();
      boost::system::error_code ignored;
      socket_.shutdown(asio::socket_base::shutdown_both, ignored);
      break;
    }
  }
  writing_ = false;
}

asio::awaitable<void> ServeConnection(ServerShared* shared, net::Socket socket) {
  auto session = std::make_shared<Session>(std::move(socket), shared);
  co_await asio::co_spawn(session->strand(), session->Run(), asio::use_awaitable);
}

}  // namespace zerofs::ninep
