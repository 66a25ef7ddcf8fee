#include "nbd/server.h"

#include <spdlog/spdlog.h>

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "nbd/context.h"
#include "nbd/exports.h"
#include "nbd/handshake.h"
#include "nbd/transmission.h"
#include "net/io_pool.h"

namespace zerofs::nbd {

namespace {

bool IsPowerOfTwo(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

Status CheckLimits(const NbdLimits& l) {
  // proto.md "Block size constraints".
  if (!IsPowerOfTwo(l.min_block) || l.min_block > 64 * 1024 || !IsPowerOfTwo(l.preferred_block) ||
      l.preferred_block < std::max<uint32_t>(512, l.min_block) ||
      l.max_payload < l.preferred_block || l.max_payload % l.min_block != 0) {
    return Error(Code::kInvalidArgument,
                 "nbd: block sizes must be powers of two with minimum <= 64 KiB, "
                 "preferred >= max(512, minimum) and maximum a multiple of minimum >= preferred");
  }
  if (l.max_inflight_requests == 0 || l.max_inflight_bytes == 0) {
    return Error(Code::kInvalidArgument, "nbd: in-flight limits must be positive");
  }
  return OkStatus();
}

std::string PeerName(const net::Socket& socket) {
  boost::system::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return "?";
  if (ep.protocol().family() == AF_UNIX) return "unix";
  asio::ip::tcp::endpoint tcp;
  if (ep.size() > tcp.capacity()) return "?";
  std::memcpy(tcp.data(), ep.data(), ep.size());
  tcp.resize(ep.size());
  std::string host = tcp.address().to_string();
  if (tcp.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(tcp.port());
}

class NbdServer : public ProtocolServer {
 public:
  NbdServer(fs::FileSystem* fs, const NbdServerOptions& opts)
      : exports_(fs),
        pool_(static_cast<size_t>(std::max(1, opts.worker_threads))),
        io_pool_(opts.listen.io_threads) {
    ctx_.exports = &exports_;
    ctx_.pool = &pool_;
    ctx_.limits = opts.limits;
    // For measurements (bench/README.md, NBD): overrides `[servers.nbd]
    // busy_poll_us` without a config change; 0 turns polling off.
    if (const char* e = std::getenv("ZEROFS_NBD_BUSY_POLL_US")) {
      ctx_.limits.busy_poll = std::chrono::microseconds(std::max(0, std::atoi(e)));
    }
  }
  ~NbdServer() override { Stop(); }

  Status Start(net::ListenSpec spec) {
    spec.protocol = "nbd";
    spec.io_threads = 1;  // it only accepts; connections move to io_pool_
    ZFS_ASSIGN_OR_RETURN(listener_, net::Listener::Start(spec, [this](net::Socket s) {
                           return OnConnection(std::move(s));
                         }));
    endpoints_ = listener_->endpoints();
    return OkStatus();
  }

  std::vector<std::string> Endpoints() const override { return endpoints_; }

  // Order matters: stop accepting, stop the I/O threads (no connection
  // coroutine runs any more), let filesystem calls in flight finish; the
  // destructor then destroys the io_contexts, which destroys the suspended
  // connection coroutines (closing their sockets and releasing their
  // inodes).
  void Stop() override {
    std::lock_guard lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    if (listener_) listener_->Stop();
    io_pool_.Stop();
    pool_.join();
    listener_.reset();
  }

 private:
  // Moves the connection onto one of io_pool_'s single-threaded contexts:
  // its handshake, reads, inline answers and async writes all run there.
  asio::awaitable<void> OnConnection(net::Socket socket) {
    auto adopted = io_pool_.Adopt(std::move(socket));
    if (!adopted.ok()) {
      spdlog::warn("nbd: {}", adopted.error().ToString());
      co_return;
    }
    net::Socket s = std::move(adopted).value();
    auto ex = s.get_executor();
    // (Coroutine calls with by-value arguments stay out of co_await
    // expressions: GCC 12 may destroy such temporaries twice.)
    auto serve = Serve(std::move(s));
    asio::co_spawn(ex, std::move(serve), asio::detached);
  }

  // Runs on the connection's I/O thread.
  asio::awaitable<void> Serve(net::Socket socket) {
    std::string peer = PeerName(socket);
    // A client that stalls in the handshake is cut off: closing the socket
    // fails the read Negotiate is waiting in.
    auto done = std::make_shared<bool>(false);
    asio::steady_timer deadline(co_await asio::this_coro::executor);
    deadline.expires_after(ctx_.limits.handshake_timeout);
    deadline.async_wait([done, &socket, peer](boost::system::error_code ec) {
      if (ec || *done) return;
      spdlog::info("nbd: {}: handshake timed out", peer);
      socket.close(ec);
    });
    auto negotiate = Negotiate(socket, ctx_, peer);
    std::optional<Negotiated> n = co_await std::move(negotiate);
    *done = true;
    deadline.cancel();
    if (!n) co_return;
    auto transmit = Transmit(std::move(socket), std::move(*n), ctx_, std::move(peer));
    co_await std::move(transmit);
  }

  Exports exports_;
  asio::thread_pool pool_;
  ServerContext ctx_;
  // Connections' threads; destroyed before what their sessions use.
  net::IoContextPool io_pool_;
  std::unique_ptr<net::Listener> listener_;
  std::vector<std::string> endpoints_;
  std::mutex stop_mu_;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<ProtocolServer>> StartNbdServer(fs::FileSystem* fs,
                                                       const NbdServerOptions& opts) {
  ZFS_RETURN_IF_ERROR(CheckLimits(opts.limits));
  Exports exports(fs);
  if (Status st = exports.EnsureDirectory(); !st.ok()) return st.error().Wrap("nbd");
  auto server = std::make_unique<NbdServer>(fs, opts);
  ZFS_RETURN_IF_ERROR(server->Start(opts.listen));
  for (const std::string& ep : server->Endpoints()) spdlog::info("nbd: listening on {}", ep);
  return std::unique_ptr<ProtocolServer>(std::move(server));
}

}  // namespace zerofs::nbd
