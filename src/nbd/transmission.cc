#include "nbd/transmission.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "base/metrics.h"
#include "nbd/commands.h"
#include "nbd/errors.h"
#include "nbd/replies.h"
#include "nbd/request.h"
#include "nbd/wire.h"
#include "net/busy_poll.h"
#include "net/reply_queue.h"
#include "net/run_blocking.h"

namespace zerofs::nbd {

namespace {

using Action = RequestCheck::Action;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// The reader sends the replies it answered itself in batches of at most
// this many replies or bytes (see Session::Run).
constexpr size_t kBatchReplies = 64;
constexpr size_t kBatchBytes = 256 * 1024;

// Busy polls (Session::Fill) that found the next request, and that timed out.
metrics::Counter* BusyPolls(bool found) {
  static metrics::Counter* const counters[2] = {
      metrics::Registry::Global().GetCounter(
          "zerofs_nbd_busy_polls_total",
          "NBD readers' polls for the next request after a reply, by outcome",
          {{"result", "timeout"}}),
      metrics::Registry::Global().GetCounter(
          "zerofs_nbd_busy_polls_total",
          "NBD readers' polls for the next request after a reply, by outcome",
          {{"result", "request"}}),
  };
  return counters[found ? 1 : 0];
}

// One or more replies, in order, for one gather send. Heads are
// concatenated in `heads` (adjacent ones become one iovec); data refers to
// buffers that own it, such as the memory cache's extents.
class Outgoing {
 public:
  void AddHead(std::string_view head) {
    if (parts_.empty() || !parts_.back().in_heads || parts_.back().end != heads_.size()) {
      parts_.push_back(Part{true, heads_.size(), heads_.size(), {}});
    }
    heads_.append(head);
    parts_.back().end = heads_.size();
    bytes_ += head.size();
  }
  void AddData(std::shared_ptr<const std::string> owner, std::string_view data) {
    if (data.empty()) return;
    parts_.push_back(Part{false, 0, 0, net::QueuedBytes{std::move(owner), data}});
    bytes_ += data.size();
  }
  void Replied() { replies_++; }

  bool empty() const { return parts_.empty(); }
  size_t replies() const { return replies_; }
  size_t bytes() const { return bytes_; }
  size_t parts() const { return parts_.size(); }
  std::string_view Bytes(size_t i) const {
    const Part& p = parts_[i];
    return p.in_heads ? Heads().substr(p.begin, p.end - p.begin) : p.piece.bytes;
  }

  // Part i with an owner of its bytes, for the reply queue: the heads move
  // into one shared string the first time a head part is kept.
  net::QueuedBytes Keep(size_t i) {
    Part& p = parts_[i];
    if (!p.in_heads) return std::move(p.piece);
    if (!kept_heads_) kept_heads_ = std::make_shared<const std::string>(std::move(heads_));
    return {kept_heads_, std::string_view(*kept_heads_).substr(p.begin, p.end - p.begin)};
  }

  // Empties it, keeping the capacity for the next batch.
  void Clear() {
    kept_heads_.reset();
    heads_.clear();
    parts_.clear();
    bytes_ = 0;
    replies_ = 0;
  }

 private:
  struct Part {
    bool in_heads;
    size_t begin, end;       // in heads_, when in_heads
    net::QueuedBytes piece;  // otherwise
  };
  std::string_view Heads() const { return kept_heads_ ? *kept_heads_ : std::string_view(heads_); }

  std::string heads_;
  std::shared_ptr<const std::string> kept_heads_;  // heads_, once moved out by Keep
  std::vector<Part> parts_;
  size_t bytes_ = 0;
  size_t replies_ = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(net::Socket socket, Negotiated n, const ServerContext& ctx, std::string peer)
      : socket_(std::move(socket)),
        negotiated_(std::move(n)),
        ctx_(ctx),
        peer_(std::move(peer)),
        wake_(socket_.get_executor()),
        poll_(ctx.limits.busy_poll),
        replies_(
            socket_, [this] { WakeReader(); }, "nbd: " + peer_) {
    wake_.expires_at(asio::steady_timer::time_point::max());
  }

  // On Stop() the io_context may destroy the reader without resuming it;
  // the inode is released here then (no worker holds the session any more:
  // the pool was joined).
  ~Session() {
    if (!released_) ReleaseInode().Ignore();
  }

  asio::awaitable<void> Run();

 private:
  // ---- Read side: the connection's I/O thread only.

  // Input is buffered: one read brings every request the client has
  // pipelined, instead of one read (and one trip through the scheduler) per
  // request header.
  static constexpr size_t kInBuffer = 128 * 1024;
  size_t Buffered() const { return in_end_ - in_begin_; }
  // Makes at least n <= kInBuffer bytes available in in_.
  asio::awaitable<bool> Fill(size_t n);
  asio::awaitable<bool> ReadExact(void* data, size_t n);
  asio::awaitable<bool> Discard(uint64_t n);
  // Sends the replies the reader answered itself.
  void FlushBatch() {
    if (!batch_.empty()) Send(&batch_);
  }
  // Hands `h` to a worker, which runs it and sends the reply.
  void Dispatch(const RequestHeader& h, std::string payload, uint64_t cost);

  enum class Until { kUncongested, kDrained, kWorkersDone };
  bool Reached(Until until);
  // Pauses the reader until `until` holds (kUncongested and kDrained also
  // end when the connection breaks). Completions on other threads wake it
  // (WakeReader); the flag is published before the re-check, so no wake-up
  // is lost.
  asio::awaitable<void> Pause(Until until);

  // ---- Any thread.

  // Appends the reply to `h` with result `r` to `out`.
  void Encode(const RequestHeader& h, CommandResult r, Outgoing* out) const;
  // Appends an error reply (`error` is an NBD_E* value) to `out`.
  void EncodeError(const RequestHeader& h, uint32_t error, std::string_view what,
                   Outgoing* out) const;
  // Sends `out` now if the socket takes it and nothing is queued before
  // it; else the rest goes to the reply queue. Empties `out`.
  void Send(Outgoing* out);
  void WakeReader();
  Status ReleaseInode();
  ErrorContext ErrorCtx(const RequestHeader& h) const {
    return ErrorContext{(h.flags & kCmdFlagFastZero) != 0, negotiated_.structured};
  }

  // Fixed after construction.
  net::Socket socket_;
  const Negotiated negotiated_;
  const ServerContext& ctx_;
  const std::string peer_;

  // Reader only.
  asio::steady_timer wake_;  // cancelled when the reader may go on
  std::unique_ptr<char[]> in_ = std::make_unique<char[]>(kInBuffer);
  size_t in_begin_ = 0;  // unread input is in_[in_begin_, in_end_)
  size_t in_end_ = 0;
  Outgoing batch_;  // replies answered by the reader, not yet sent
  net::BusyPollGate poll_;
  // Reads since the reader last gave the io_context a turn (Fill).
  static constexpr int kReadsPerYield = 16;
  int reads_without_yield_ = 0;
  bool released_ = false;

  // Requests on workers and their bytes (WRITE payloads, READ lengths).
  std::atomic<uint32_t> inflight_{0};
  std::atomic<uint64_t> inflight_bytes_{0};
  std::atomic<bool> reader_waiting_{false};

  // Write side; closed once the socket failed or is closing (replies dropped).
  net::ReplyQueue replies_;
};

asio::awaitable<bool> Session::Fill(size_t n) {
  if (Buffered() >= n) co_return true;
  // Nothing more to answer before the client sends more.
  bool replied = !batch_.empty();
  FlushBatch();
  if (in_begin_ > 0) {
    std::memmove(in_.get(), in_.get() + in_begin_, Buffered());
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  while (in_end_ < n) {
    // A client waiting for these replies (queue depth 1) sends its next
    // request a few microseconds after it gets them: poll for it rather
    // than sleep in epoll and be woken (net/busy_poll.h). Otherwise one
    // non-blocking read: a request already there is taken without a trip
    // through asio's scheduler (which polls epoll once per round).
    const int fd = socket_.native_handle();
    bool poll = false;
    if (replied && poll_.ShouldPoll()) {
      // Polling on the client's CPU would only keep it from sending: back
      // off as after a miss (the client may move), without a poll.
      poll = !net::PeerSendsFromThisCpu(fd);
      if (!poll) poll_.Polled(false);
    }
    replied = false;
    const ssize_t got = net::BusyRecv(fd, in_.get() + in_end_, kInBuffer - in_end_,
                                      poll ? poll_.window() : std::chrono::nanoseconds(0));
    const bool found = got >= 0 || errno != EAGAIN;
    if (poll) {
      poll_.Polled(found);
      BusyPolls(found)->Inc();
    }
    if (got > 0) {
      in_end_ += static_cast<size_t>(got);
      // Reads that never wait would keep the other connections of this
      // I/O thread (and this one's writer) from running: yield now and then.
      if (++reads_without_yield_ >= kReadsPerYield) {
        reads_without_yield_ = 0;
        co_await asio::post(socket_.get_executor(), asio::use_awaitable);
      }
      continue;
    }
    if (found) co_return false;  // EOF or a broken socket
    reads_without_yield_ = 0;
    auto [ec] = co_await socket_.async_wait(net::Socket::wait_read, kUseTuple);
    if (ec) co_return false;
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
    FlushBatch();
    auto [ec, got] = co_await asio::async_read(socket_, asio::buffer(out, n), kUseTuple);
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

bool Session::Reached(Until until) {
  switch (until) {
    case Until::kUncongested: {
      const NbdLimits& l = ctx_.limits;
      return replies_.closed() ||
             (inflight_ < l.max_inflight_requests &&
              inflight_bytes_ + replies_.queued_bytes() < l.max_inflight_bytes);
    }
    case Until::kDrained:
      return replies_.closed() || (inflight_ == 0 && !replies_.writing());
    case Until::kWorkersDone:
      return inflight_ == 0;
  }
  return true;
}

asio::awaitable<void> Session::Pause(Until until) {
  FlushBatch();
  for (;;) {
    reader_waiting_ = true;
    if (Reached(until)) break;
    co_await wake_.async_wait(kUseTuple);
    wake_.expires_at(asio::steady_timer::time_point::max());
  }
  reader_waiting_ = false;
}

void Session::WakeReader() {
  if (!reader_waiting_) return;
  asio::post(wake_.get_executor(), [self = shared_from_this()] { self->wake_.cancel(); });
}

void Session::Encode(const RequestHeader& h, CommandResult r, Outgoing* out) const {
  if (r.err != 0) {
    spdlog::warn("nbd: {}: {} offset {} length {} on '{}': {}", peer_, CommandName(h.type),
                 h.offset, h.length, negotiated_.export_info.name, r.what);
    EncodeError(h, ToNbdError(r.err, ErrorCtx(h)), r.what, out);
    return;
  }
  const bool structured = negotiated_.structured;
  if (h.type != kCmdRead) {
    out->AddHead(EncodeReply(h.cookie, 0).head);
  } else if (r.cached) {
    out->AddHead(EncodeReadReplyHead(h.cookie, h.offset, h.length, structured));
    for (auto& piece : r.cached->pieces) out->AddData(std::move(piece.owner), piece.bytes);
  } else {
    out->AddHead(EncodeReadReplyHead(h.cookie, h.offset, h.length, structured));
    auto data = std::make_shared<const std::string>(std::move(r.data));
    out->AddData(data, *data);
  }
  out->Replied();
}

void Session::EncodeError(const RequestHeader& h, uint32_t error, std::string_view what,
                          Outgoing* out) const {
  if (h.type == kCmdRead) {
    out->AddHead(EncodeReadError(h.cookie, error, what, negotiated_.structured).head);
  } else {
    out->AddHead(EncodeReply(h.cookie, error).head);
  }
  out->Replied();
}

void Session::Send(Outgoing* out) {
  if (out->empty()) return;
  replies_.Send(
      out->parts(), [out](size_t i) { return out->Bytes(i); },
      [out](size_t i) { return out->Keep(i); }, [this] { return shared_from_this(); });
  out->Clear();
}

void Session::Dispatch(const RequestHeader& h, std::string payload, uint64_t cost) {
  inflight_++;
  inflight_bytes_ += cost;
  asio::post(*ctx_.pool, [self = shared_from_this(), h, p = std::move(payload), cost] {
    const ServerContext& ctx = self->ctx_;
    CommandResult r = ExecuteCommand(ctx.exports->fs(), self->negotiated_.export_info.ino, h, p,
                                     ctx.limits.max_payload);
    Outgoing out;
    self->Encode(h, std::move(r), &out);
    self->Send(&out);
    self->inflight_bytes_ -= cost;
    self->inflight_--;
    self->WakeReader();
  });
}

Status Session::ReleaseInode() {
  released_ = true;
  return ctx_.exports->fs()->Release(negotiated_.export_info.ino);
}

asio::awaitable<void> Session::Run() {
  const ExportLimits limits{negotiated_.export_info.size, ctx_.limits.max_payload,
                            negotiated_.read_only, negotiated_.structured};
  fs::FileSystem* fs = ctx_.exports->fs();
  const fs::InodeId ino = negotiated_.export_info.ino;
  std::array<char, kRequestHeaderSize> raw;
  bool graceful = false;
  bool eof = false;
  for (;;) {
    if (!co_await ReadExact(raw.data(), raw.size())) {
      eof = !replies_.closed();
      break;
    }
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
    if (!Reached(Until::kUncongested)) co_await Pause(Until::kUncongested);
    if (replies_.closed()) break;
    if (check.action == Action::kReplyError) {
      spdlog::info("nbd: {}: {} (cookie {}): {}", peer_, CommandName(h.type), h.cookie,
                   check.reason);
      if (h.type == kCmdWrite && !co_await Discard(h.length)) break;
      EncodeError(h, check.error, check.reason, &batch_);
      continue;
    }
    if (h.type == kCmdRead) {
      // A read the memory cache holds is answered here, on the I/O thread:
      // a hand-off to a worker costs a thread wake-up, more than the read.
      // Its reply joins the batch sent when the reader has no complete
      // request left to handle (Fill) or the batch is full: one sendmsg
      // for the replies to everything a client pipelined, instead of one
      // each (each send runs TCP's whole transmit and, on loopback,
      // receive path).
      std::optional<CommandResult> cached = TryReadCached(fs, ino, h);
      if (cached) {
        Encode(h, std::move(*cached), &batch_);
        if (batch_.replies() >= kBatchReplies || batch_.bytes() >= kBatchBytes) FlushBatch();
        continue;
      }
    }
    std::string payload;
    if (h.type == kCmdWrite) {
      payload.resize(h.length);
      if (!co_await ReadExact(payload.data(), payload.size())) break;
    }
    const uint64_t cost = h.type == kCmdRead || h.type == kCmdWrite ? h.length : 0;
    Dispatch(h, std::move(payload), cost);
  }
  FlushBatch();
  // NBD_CMD_DISC (and EOF): "handle all outstanding requests", then close.
  if (graceful || eof) co_await Pause(Until::kDrained);
  replies_.CloseSocket();
  // Workers still running use the inode: it is released after them.
  co_await Pause(Until::kWorkersDone);
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
  auto session =
      std::make_shared<Session>(std::move(socket), std::move(negotiated), ctx, std::move(peer));
  auto run = session->Run();
  co_await std::move(run);
}

}  // namespace zerofs::nbd
