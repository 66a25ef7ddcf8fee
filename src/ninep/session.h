// One 9P connection.
//
// Threads: the connection lives on one single-threaded io_context
// (net::IoContextPool), whose thread runs the reader (Run) and, when the
// socket is full, the async writer; nothing there needs a strand. Each
// request runs where placement.h says: cheap ones on that thread, in the
// reader, and the rest on a worker of the server's pool. Whoever finishes a
// request sends its reply at once (Send: net::ReplyQueue, a non-blocking
// sendmsg; what does not fit is queued for the async writer), so a worker's request
// costs one thread hand-off, an inline one none.
//
// Request lifecycle: a request for a worker is registered in inflight_ as
// kQueued and posted to the pool; the worker marks it kRunning when it
// starts. Tflush of a queued request cancels it (it never runs, no reply)
// and answers Rflush at once; Tflush of a running request lets it finish,
// and its reply and then Rflush are sent (so the client sees the effect of
// anything that did happen, as flush(5) allows). A request answered inline
// is never in flight when a later Tflush is read. The completing worker
// takes the request out of inflight_ and sends its reply and Rflushes under
// one hold of mu_, so a Tflush either finds the request (and its Rflush
// follows the reply) or comes after the reply was sent, and a tag is free
// again before the client can see its reply. Replies leave in completion
// order.
//
// Tversion cancels queued requests and drops every fid and lock of the
// connection (running requests finish; their replies are still sent).
// Closing the connection does the same. Violations that make the byte
// stream untrustworthy close the connection: a size field below 7 or above
// msize, or a tag reused while in flight.
//
// Back-pressure: beyond kMaxInFlight requests on workers, or kMaxBytesInFlight
// of their frames plus queued reply bytes, the reader pauses until a
// completion or the writer wakes it.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fs/filesystem.h"
#include "net/listener.h"
#include "net/reply_queue.h"
#include "ninep/codec.h"
#include "ninep/fid_table.h"
#include "ninep/handlers.h"
#include "ninep/lock_table.h"

namespace zerofs::ninep {

namespace asio = boost::asio;

// What every connection of a server shares.
struct ServerShared {
  fs::FileSystem* fs = nullptr;
  LockTable locks;
  asio::thread_pool* pool = nullptr;
  uint32_t max_msize = 0;
  std::atomic<uint64_t> next_session{1};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  static constexpr size_t kMaxInFlight = 128;
  // kInlineIfIdle requests run inline in a row while later frames wait.
  static constexpr size_t kMaxInlineRun = 4;
  static constexpr size_t kMaxBytesInFlight = 64u << 20;

  // REQUIRES: `socket` belongs to a single-threaded io_context.
  Session(net::Socket socket, ServerShared* shared);
  ~Session();

  // Serves the connection until the peer closes it or breaks the protocol,
  // then closes the socket and drops the connection's fids and locks.
  // REQUIRES: co_spawned on the socket's executor.
  asio::awaitable<void> Run();
  const asio::any_io_executor& executor() const { return io_; }

 private:
  enum State : int { kQueued, kRunning, kCancelled };
  struct InFlight {
    std::atomic<int> state{kQueued};
    std::vector<uint16_t> flush_tags;  // guarded by mu_: Tflushes waiting for the reply
  };

  // Handles one frame read by Run; false closes the connection. `owned` is
  // null or the string `frame` views (a large frame read outside the
  // buffer), which a request for a worker may take. `more_buffered`: later
  // input was read with it (the connection is not idle).
  // Parameters are trivially copyable: GCC 12 mishandles class-type
  // coroutine parameters.
  asio::awaitable<bool> Process(std::string_view frame, std::string* owned, bool more_buffered);
  asio::awaitable<void> HandleVersion(Header h, std::string_view frame);
  void HandleFlush(const Header& h, std::string_view frame);
  // The handlers' view of this connection, for a request under `msize`.
  RequestContext Context(uint32_t msize);
  // Runs a request on a worker and sends its reply (taking it off the
  // in-flight counters first).
  void RunOnWorker(const std::shared_ptr<InFlight>& req, uint16_t tag, uint32_t msize,
                   const std::string& frame);
  // Cancels queued requests and drops fids and locks (Tversion, close).
  // `connection_lost`: the connection closed, so unlinked files the client
  // session had open are kept for it (OpenRef::KeepForSession).
  asio::awaitable<void> Reset(bool connection_lost);
  // The client did not close these fids' files (its connection broke or the
  // server stops): it may reconnect and want the unlinked ones back.
  static void KeepOpenFilesForSession(const std::vector<std::shared_ptr<Fid>>& fids);

  // Sends `reply` now if nothing is queued before it, else queues it; drops
  // it once the connection is closed. Any thread; callers that must order
  // a reply with inflight_ (Rflush after the reply) hold mu_.
  void Send(EncodedReply reply);

  bool Congested() const;
  asio::awaitable<void> Pause();
  void WakeReader();

  net::Socket socket_;
  const asio::any_io_executor io_;
  ServerShared* const shared_;
  const uint64_t id_;
  FidTable fids_;
  SessionKey session_key_;

  // Reader only (the io thread).
  uint32_t msize_;
  bool versioned_ = false;
  size_t inline_run_ = 0;    // kInlineIfIdle run inline since the input was last used up
  asio::steady_timer wake_;  // cancelled when the paused reader may go on

  std::atomic<size_t> in_flight_{0};        // requests posted to workers, not yet done
  std::atomic<size_t> in_flight_bytes_{0};  // and their frame bytes
  std::atomic<bool> reader_waiting_{false};

  std::mutex mu_;
  std::unordered_map<uint16_t, std::shared_ptr<InFlight>> inflight_;  // guarded by mu_

  net::ReplyQueue replies_;  // after socket_: it refers to it
};

// Runs a Session for `socket` on the socket's executor (detached).
// REQUIRES: that executor is a single-threaded io_context's.
void StartSession(ServerShared* shared, net::Socket socket);

}  // namespace zerofs::ninep
