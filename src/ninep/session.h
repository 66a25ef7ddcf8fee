// One 9P connection.
//
// Strand: every member below marked "strand" is touched only by coroutines
// running on strand_ (the reader, request completions, the writer), so they
// need no lock. Handlers run on worker threads and touch only fids_ (which
// locks itself) and the server-wide fs and lock table.
//
// Request lifecycle: the reader decodes the header, registers the tag in
// inflight_ and spawns RunRequest, which hands the frame to a worker. A
// request is kQueued until a worker starts it (kRunning); Tflush of a queued
// request cancels it (it never runs, no reply) and answers Rflush at once;
// Tflush of a running request lets it finish, sends its reply, then Rflush
// (so the client sees the effect of anything that did happen, as flush(5)
// allows). Replies are written in completion order by a single writer.
//
// Violations that make the byte stream untrustworthy close the connection:
// a size field below 7 or above msize, or a tag reused while in flight.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "fs/filesystem.h"
#include "net/listener.h"
#include "ninep/codec.h"
#include "ninep/fid_table.h"
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
  Session(net::Socket socket, ServerShared* shared);
  ~Session();

  // Serves the connection until the peer closes it or breaks the protocol.
  // REQUIRES: co_spawned on strand().
  asio::awaitable<void> Run();
  asio::strand<asio::any_io_executor>& strand() { return strand_; }

 private:
  enum State : int { kQueued, kRunning, kCancelled };
  struct InFlight {
    std::atomic<int> state{kQueued};
    std::shared_ptr<const std::string> frame;  // the request, set before spawning
    std::vector<uint16_t> flush_tags;          // strand: Tflushes waiting for the reply
  };

  asio::awaitable<void> HandleVersion(const Header& h, const std::string& frame);
  asio::awaitable<void> HandleFlush(const Header& h, const std::string& frame);
  // REQUIRES: inflight_ holds `tag`.
  asio::awaitable<void> RunRequest(uint16_t tag);
  // Cancels queued requests and drops fids and locks (Tversion, close).
  asio::awaitable<void> Reset();

  void Enqueue(std::string frame);
  asio::awaitable<void> Drain();

  net::Socket socket_;
  asio::strand<asio::any_io_executor> strand_;
  ServerShared* const shared_;
  const uint64_t id_;
  FidTable fids_;

  uint32_t msize_;                                                    // strand
  bool versioned_ = false;                                            // strand
  bool closed_ = false;                                               // strand
  std::unordered_map<uint16_t, std::shared_ptr<InFlight>> inflight_;  // strand
  std::deque<std::string> out_;                                       // strand
  bool writing_ = false;                                              // strand
};

// The net::ConnectionHandler body: runs one Session on its strand.
asio::awaitable<void> ServeConnection(ServerShared* shared, net::Socket socket);

}  // namespace zerofs::ninep
