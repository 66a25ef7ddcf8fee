#include "ninep/session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>

#include "base/coding.h"
#include "net/run_blocking.h"
#include "ninep/errors.h"
#include "ninep/placement.h"
#include "ninep/server.h"

namespace zerofs::ninep {

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// Input buffer: one read brings every request the client has pipelined.
// Frames larger than this are read straight into their own string.
constexpr size_t kReadChunk = 256 * 1024;

// "9P2000.L", or "9P2000.L.<anything>" (version(5) lets a server answer a
// prefix it understands).
bool Is9P2000L(const std::string& v) {
  return v == kVersion9P2000L || v.rfind(std::string(kVersion9P2000L) + ".", 0) == 0;
}

EncodedReply Encoded(uint16_t tag, const RMessage& msg) {
  return EncodedReply{EncodeResponse(tag, msg), {}};
}

}  // namespace

Session::Session(net::Socket socket, ServerShared* shared)
    : socket_(std::move(socket)),
      io_(socket_.get_executor()),
      shared_(shared),
      id_(shared->next_session.fetch_add(1)),
      msize_(shared->max_msize),
      wake_(io_),
      replies_(socket_, [this] { WakeReader(); }) {
  wake_.expires_at(asio::steady_timer::time_point::max());
}

Session::~Session() {
  // Backstop for requests that finished after Reset(), and the server's
  // stop (which ends Run without a Reset): no fid or lock of a closed
  // connection survives it.
  KeepOpenFilesForSession(fids_.Clear());
  shared_->locks.ReleaseSession(id_);
}

void Session::KeepOpenFilesForSession(const std::vector<std::shared_ptr<Fid>>& fids) {
  for (const auto& f : fids) {
    std::lock_guard<std::mutex> lock(f->mu);
    if (f->open && !f->open->session().empty()) f->open->KeepForSession();
  }
}

asio::awaitable<void> Session::Run() {
  auto self = shared_from_this();
  std::string buf(kReadChunk, '\0');
  size_t begin = 0;  // unprocessed input is buf[begin, end)
  size_t end = 0;
  for (;;) {
    const size_t have = end - begin;
    if (have >= kSizeFieldSize) {
      const uint32_t size = LoadLE32(buf.data() + begin);
      if (!FrameSizeOk(size, msize_)) {
        spdlog::warn("9p: closing connection: frame size {} outside [{}, {}]", size, kHeaderSize,
                     msize_);
        break;
      }
      if (have >= size) {
        std::string_view frame(buf.data() + begin, size);
        begin += size;
        if (!co_await Process(frame, nullptr, end > begin)) break;
        continue;
      }
      if (size > buf.size()) {
        std::string owned(size, '\0');
        std::memcpy(owned.data(), buf.data() + begin, have);
        begin = end = 0;
        auto [ec, n] = co_await asio::async_read(
            socket_, asio::buffer(owned.data() + have, size - have), kUseTuple);
        if (ec) break;
        if (!co_await Process(owned, &owned, false)) break;
        continue;
      }
    }
    if (begin > 0) {
      std::memmove(buf.data(), buf.data() + begin, have);
      begin = 0;
      end = have;
    }
    auto [ec, n] = co_await socket_.async_read_some(
        asio::buffer(buf.data() + end, buf.size() - end), kUseTuple);
    if (ec) break;
    end += n;
  }
  { replies_.CloseSocket(); }
  co_await Reset(/*connection_lost=*/true);
}

asio::awaitable<bool> Session::Process(std::string_view frame, std::string* owned,
                                       bool more_buffered) {
  // Also before inline requests: their replies queue up too when the client
  // does not read them.
  if (Congested()) co_await Pause();
  const Header h = *ParseHeader(frame);  // the size field was checked
  const auto type = static_cast<MsgType>(h.type);
  if (type == MsgType::kTversion) {
    co_await HandleVersion(h, frame);
    co_return true;
  }
  if (!versioned_) {
    Send(Encoded(h.tag, Rlerror{EPROTO}));
    co_return true;
  }
  if (type == MsgType::kTflush) {
    HandleFlush(h, frame);
    co_return true;
  }
  {
    std::lock_guard lock(mu_);
    if (inflight_.count(h.tag)) {
      spdlog::warn("9p: closing connection: tag {} reused while in flight", h.tag);
      co_return false;
    }
  }
  Placement place = Place(frame);
  const bool idle = in_flight_ == 0 && !more_buffered;
  if (place == Placement::kInlineIfIdle) {
    // Later frames read with it are usually the same caller's requests that
    // use its result (the mount pipelines Tmkdir, Twalk to the new name and
    // Tgetattr): in order they make one round trip. A few in a row only,
    // so that a pipelined burst does not hold up other callers for long.
    const bool run = in_flight_ == 0 && (!more_buffered || inline_run_ < kMaxInlineRun);
    if (run && more_buffered) inline_run_++;
    place = run ? Placement::kInline : Placement::kWorker;
  }
  if (!more_buffered) inline_run_ = 0;  // the input read so far is used up
  if (place != Placement::kWorker) {
    RequestContext ctx = Context(msize_);
    ctx.cached_only = place == Placement::kTryInline;
    auto decoded = DecodeRequest(frame);
    if (!decoded.ok()) {
      spdlog::debug("9p: tag {}: {}", h.tag, decoded.error().ToString());
      Send(Encoded(h.tag, ToRlerror(decoded.error())));
      co_return true;
    }
    std::optional<EncodedReply> reply = Execute(ctx, h.tag, decoded->msg);
    if (!reply && type == MsgType::kTclunk && idle) {
      // Releasing an open file is one transaction at most: inline if idle.
      ctx.cached_only = ctx.would_block = false;
      reply = Execute(ctx, h.tag, decoded->msg);
    }
    if (reply) {
      Send(std::move(*reply));
      co_return true;
    }
  }
  auto req = std::make_shared<InFlight>();
  {
    std::lock_guard lock(mu_);
    inflight_.emplace(h.tag, req);
  }
  std::string bytes = owned != nullptr ? std::move(*owned) : std::string(frame);
  in_flight_++;
  in_flight_bytes_ += bytes.size();
  auto work = [self = shared_from_this(), req, tag = h.tag, msize = msize_,
               bytes = std::move(bytes)] {
    self->RunOnWorker(req, tag, msize, bytes);
    self->WakeReader();
  };
  asio::post(*shared_->pool, std::move(work));
  co_return true;
}

RequestContext Session::Context(uint32_t msize) {
  RequestContext ctx;
  ctx.fs = shared_->fs;
  ctx.locks = &shared_->locks;
  ctx.fids = &fids_;
  ctx.session_id = id_;
  ctx.session_key = &session_key_;
  ctx.msize = msize;
  return ctx;
}

void Session::RunOnWorker(const std::shared_ptr<InFlight>& req, uint16_t tag, uint32_t msize,
                          const std::string& frame) {
  // Done with the connection's counters before the reply leaves: a client
  // that sends its next request on seeing the reply finds the connection
  // idle (placement of kInlineIfIdle).
  auto done = [&] {
    in_flight_bytes_ -= frame.size();
    in_flight_--;
  };
  int queued = kQueued;
  if (!req->state.compare_exchange_strong(queued, kRunning)) return done();  // flushed or reset
  RequestContext ctx = Context(msize);
  EncodedReply reply;
  auto decoded = DecodeRequest(frame);
  if (!decoded.ok()) {
    spdlog::debug("9p: tag {}: {}", tag, decoded.error().ToString());
    reply = Encoded(tag, ToRlerror(decoded.error()));
  } else {
    reply = *Execute(ctx, tag, decoded->msg);  // not cached_only: always a reply
  }
  done();
  std::lock_guard lock(mu_);
  auto it = inflight_.find(tag);
  if (it != inflight_.end() && it->second == req) inflight_.erase(it);
  Send(std::move(reply));
  for (uint16_t flush_tag : req->flush_tags) Send(Encoded(flush_tag, Rflush{}));
}

asio::awaitable<void> Session::Reset(bool connection_lost) {
  {
    std::lock_guard lock(mu_);
    for (auto it = inflight_.begin(); it != inflight_.end();) {
      int queued = kQueued;
      if (it->second->state.compare_exchange_strong(queued, kCancelled)) {
        it = inflight_.erase(it);
      } else {
        ++it;  // running: its reply frees the tag
      }
    }
  }
  auto fids = fids_.Clear();
  shared_->locks.ReleaseSession(id_);
  if (fids.empty()) co_return;
  if (connection_lost) KeepOpenFilesForSession(fids);
  // Dropping fids releases their open files, which may commit: a worker's job.
  auto drop = [fids = std::move(fids)]() mutable {
    fids.clear();
    return 0;
  };
  auto pending = net::RunBlocking(*shared_->pool, std::move(drop));
  co_await std::move(pending);
}

asio::awaitable<void> Session::HandleVersion(Header h, std::string_view frame) {
  auto req = DecodeRequest(frame);
  if (!req.ok()) {
    Send(Encoded(h.tag, ToRlerror(req.error())));
    co_return;
  }
  const auto& v = std::get<Tversion>(req->msg);
  if (v.msize < kMinMsize) {
    Send(Encoded(h.tag, Rlerror{EINVAL}));
    co_return;
  }
  Rversion reply{std::min(v.msize, shared_->max_msize), kVersion9P2000L};
  if (!Is9P2000L(v.version)) {
    reply.version = kVersionUnknown;
  } else {
    // A new session: earlier fids and requests are abandoned (version(5)).
    co_await Reset(/*connection_lost=*/false);
    session_key_.Clear();
    versioned_ = true;
    msize_ = reply.msize;
    // The extension is granted by naming it back.
    if (v.version == kVersion9P2000LZerofs) reply.version = kVersion9P2000LZerofs;
  }
  Send(Encoded(h.tag, reply));
}

void Session::HandleFlush(const Header& h, std::string_view frame) {
  auto req = DecodeRequest(frame);
  if (!req.ok()) {
    Send(Encoded(h.tag, ToRlerror(req.error())));
    return;
  }
  const uint16_t oldtag = std::get<Tflush>(req->msg).oldtag;
  std::lock_guard lock(mu_);
  auto it = inflight_.find(oldtag);
  if (it != inflight_.end()) {
    int queued = kQueued;
    if (!it->second->state.compare_exchange_strong(queued, kCancelled)) {
      // Running: Rflush goes out right after its reply (RunOnWorker).
      it->second->flush_tags.push_back(h.tag);
      return;
    }
    inflight_.erase(it);  // cancelled before it started: no reply at all
  }
  Send(Encoded(h.tag, Rflush{}));
}

void Session::Send(EncodedReply reply) {
  std::string* parts[2] = {&reply.head, &reply.tail};
  replies_.Send(
      2, [&](size_t i) { return std::string_view(*parts[i]); },
      [&](size_t i) {
        auto kept = std::make_shared<const std::string>(std::move(*parts[i]));
        return net::QueuedBytes{kept, *kept};
      },
      [this] { return shared_from_this(); });
}

bool Session::Congested() const {
  return in_flight_ >= kMaxInFlight ||
         in_flight_bytes_ + replies_.queued_bytes() >= kMaxBytesInFlight;
}

// Completions on other threads wake the reader (WakeReader); the flag is
// published before the re-check so that no wakeup is lost.
asio::awaitable<void> Session::Pause() {
  while (!replies_.closed()) {
    reader_waiting_ = true;
    if (!Congested()) break;
    co_await wake_.async_wait(kUseTuple);
    wake_.expires_at(asio::steady_timer::time_point::max());
  }
  reader_waiting_ = false;
}

void Session::WakeReader() {
  if (!reader_waiting_) return;
  asio::post(io_, [self = shared_from_this()] { self->wake_.cancel(); });
}

void StartSession(ServerShared* shared, net::Socket socket) {
  auto session = std::make_shared<Session>(std::move(socket), shared);
  auto ex = session->executor();
  asio::co_spawn(
      ex, [session] { return session->Run(); }, asio::detached);
}

}  // namespace zerofs::ninep
