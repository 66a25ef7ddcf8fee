#include "ninep/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/thread_pool.hpp>
#include <mutex>
#include <thread>

#include "net/io_pool.h"
#include "net/listener.h"
#include "ninep/session.h"

namespace zerofs::ninep {

namespace {

constexpr int kMaxIoThreads = 8;

// One per core, at least two (so a request that waits inline on the
// engine's write back-pressure does not stop every connection).
int IoThreads(int configured) {
  if (configured > 0) return configured;
  return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 2, kMaxIoThreads);
}

class NinepServer : public ProtocolServer {
 public:
  NinepServer(fs::FileSystem* fs, const NinepServerOptions& options)
      : pool_(options.worker_threads > 0 ? options.worker_threads : 1),
        io_pool_(IoThreads(options.io_threads)) {
    shared_.fs = fs;
    shared_.pool = &pool_;
    shared_.max_msize = std::max(options.max_msize, kMinMsize);
  }
  ~NinepServer() override { Stop(); }

  Status Listen(const NinepServerOptions& options) {
    net::ListenSpec spec;
    spec.protocol = "9p";
    spec.tcp = options.addresses;
    spec.unix_socket = options.unix_socket;
    spec.io_threads = 1;  // it only accepts; connections move to io_pool_
    ZFS_ASSIGN_OR_RETURN(listener_, net::Listener::Start(spec, [this](net::Socket socket) {
                           return Serve(std::move(socket));
                         }));
    endpoints_ = listener_->endpoints();
    return OkStatus();
  }

  std::vector<std::string> Endpoints() const override { return endpoints_; }

  // Order matters: stop accepting, stop the I/O threads (no new requests
  // reach the workers), let the workers finish what they run; the
  // connections' coroutines, and with them the sessions, whose fids release
  // their open files, are destroyed with io_pool_.
  void Stop() override {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    if (listener_) listener_->Stop();
    io_pool_.Stop();
    pool_.join();
    listener_.reset();
  }

 private:
  boost::asio::awaitable<void> Serve(net::Socket socket) {
    auto adopted = io_pool_.Adopt(std::move(socket));
    if (!adopted.ok()) {
      spdlog::warn("9p: {}", adopted.error().ToString());
      co_return;
    }
    StartSession(&shared_, std::move(adopted).value());
  }

  boost::asio::thread_pool pool_;
  ServerShared shared_;
  // Destroyed before shared_ and pool_: the sessions it destroys use them.
  net::IoContextPool io_pool_;
  std::vector<std::string> endpoints_;
  std::mutex stop_mu_;
  bool stopped_ = false;
  // Last: destroyed first, with the coroutines that refer to the members above.
  std::unique_ptr<net::Listener> listener_;
};

}  // namespace

Result<std::unique_ptr<ProtocolServer>> StartNinepServer(fs::FileSystem* fs,
                                                         const NinepServerOptions& options) {
  auto server = std::make_unique<NinepServer>(fs, options);
  ZFS_RETURN_IF_ERROR(server->Listen(options));
  return std::unique_ptr<ProtocolServer>(std::move(server));
}

}  // namespace zerofs::ninep
