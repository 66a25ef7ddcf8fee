#include "ninep/server.h"

#include <boost/asio/thread_pool.hpp>
#include <mutex>

#include "net/listener.h"
#include "ninep/session.h"

namespace zerofs::ninep {

namespace {

class NinepServer : public ProtocolServer {
 public:
  NinepServer(fs::FileSystem* fs, const NinepServerOptions& options)
      : pool_(options.worker_threads > 0 ? options.worker_threads : 1) {
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
    spec.io_threads = options.io_threads;
    ServerShared* shared = &shared_;
    ZFS_ASSIGN_OR_RETURN(listener_, net::Listener::Start(spec, [shared](net::Socket socket) {
                           return ServeConnection(shared, std::move(socket));
                         }));
    endpoints_ = listener_->endpoints();
    return OkStatus();
  }

  std::vector<std::string> Endpoints() const override { return endpoints_; }

  // Order matters: stop the I/O threads (no new requests), let the workers
  // finish what they run, then destroy the io_context, which destroys the
  // suspended connection coroutines and with them the sessions, whose fids
  // release their open files.
  void Stop() override {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    if (listener_) listener_->Stop();
    pool_.join();
    listener_.reset();
  }

 private:
  boost::asio::thread_pool pool_;
  ServerShared shared_;
  std::unique_ptr<net::Listener> listener_;
  std::vector<std::string> endpoints_;
  std::mutex stop_mu_;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<ProtocolServer>> StartNinepServer(fs::FileSystem* fs,
                                                         const NinepServerOptions& options) {
  auto server = std::make_unique<NinepServer>(fs, options);
  ZFS_RETURN_IF_ERROR(server->Listen(options));
  return std::unique_ptr<ProtocolServer>(std::move(server));
}

}  // namespace zerofs::ninep
