#include "nfs/server.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <deque>
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "nfs/dispatcher.h"

namespace zerofs::nfs {

namespace asio = boost::asio;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kReadChunk = 256 * 1024;

std::array<char, kWriteVerfSize> RandomVerifier() {
  std::random_device rd;
  std::mt19937_64 gen(
      (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
      static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()));
  uint64_t v = gen();
  std::array<char, kWriteVerfSize> out;
  for (size_t i = 0; i < out.size(); i++) out[i] = static_cast<char>(v >> (8 * i));
  return out;
}

// Peer address and local port of a TCP (or Unix) connection.
ConnectionInfo DescribeConnection(const net::Socket& socket) {
  ConnectionInfo info;
  boost::system::error_code ec;
  auto local = socket.local_endpoint(ec);
  auto remote = socket.remote_endpoint(ec);
  if (ec || local.protocol().family() == AF_UNIX) {
    info.client_host = "local";
    return info;
  }
  asio::ip::tcp::endpoint l, r;
  std::memcpy(l.data(), local.data(), std::min<size_t>(local.size(), sizeof(sockaddr_in6)));
  std::memcpy(r.data(), remote.data(), std::min<size_t>(remote.size(), sizeof(sockaddr_in6)));
  info.local_port = l.port();
  info.client_host = r.address().to_string();
  return info;
}

// One client connection. Everything below runs on `strand`.
struct Connection {
  Connection(net::Socket s)
      : socket(std::move(s)), strand(asio::make_strand(socket.get_executor())), wake(strand) {
    wake.expires_at(asio::steady_timer::time_point::max());
  }

  net::Socket socket;
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer wake;  // cancelled when a call finishes
  ConnectionInfo info;
  std::deque<std::string> queue;  // replies waiting for the writer
  bool writing = false;
  bool closed = false;
  size_t in_flight = 0;        // calls read but not yet answered
  size_t in_flight_bytes = 0;  // their record bytes

  void Close() {
    if (closed) return;
    closed = true;
    boost::system::error_code ec;
    socket.shutdown(asio::socket_base::shutdown_both, ec);
    socket.close(ec);
    wake.cancel();
  }
  void Wake() { wake.cancel(); }
};

class NfsServer : public ProtocolServer {
 public:
  NfsServer(fs::FileSystem* fs, const NfsServerOptions& options)
      : options_(options),
        dispatcher_(ServerState{fs, options.write_mode, RandomVerifier()}),
        pool_(static_cast<size_t>(std::max(1, options.worker_threads))) {}

  ~NfsServer() override { Stop(); }

  Status Start() {
    net::ListenSpec spec = options_.listen;
    if (spec.protocol.empty()) spec.protocol = "nfs";
    ZFS_ASSIGN_OR_RETURN(listener_, net::Listener::Start(spec, [this](net::Socket s) {
                           return Serve(std::move(s));
                         }));
    spdlog::info("nfs: listening on {} (writes: {})", fmt::join(listener_->endpoints(), ", "),
                 config::NfsWriteModeName(options_.write_mode));
    return OkStatus();
  }

  std::vector<std::string> Endpoints() const override {
    return listener_ ? listener_->endpoints() : std::vector<std::string>{};
  }

  void Stop() override {
    std::lock_guard lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    if (listener_) listener_->Stop();
    pool_.join();  // calls in flight finish with the filesystem
    listener_.reset();
  }

 private:
  asio::awaitable<void> Serve(net::Socket socket) {
    auto conn = std::make_shared<Connection>(std::move(socket));
    conn->info = DescribeConnection(conn->socket);
    co_await asio::co_spawn(conn->strand, ReadLoop(conn), asio::use_awaitable);
  }

  asio::awaitable<void> ReadLoop(std::shared_ptr<Connection> conn) {
    RecordAssembler assembler(options_.max_record_bytes);
    std::string buf(kReadChunk, '\0');
    std::vector<std::string> records;
    bool orderly = false;  // the client closed; answer what is in flight
    while (!conn->closed) {
      auto [ec, n] = co_await conn->socket.async_read_some(asio::buffer(buf), kUseTuple);
      if (ec) {
        orderly = ec == asio::error::eof;
        break;
      }
      records.clear();
      if (auto s = assembler.Feed(std::string_view(buf.data(), n), &records); !s.ok()) {
        spdlog::warn("nfs: {}: {}; closing connection", conn->info.client_host,
                     s.error().ToString());
        break;
      }
      for (auto& record : records) {
        while (!conn->closed && (conn->in_flight >= options_.max_calls_in_flight ||
                                 conn->in_flight_bytes >= options_.max_bytes_in_flight)) {
          co_await conn->wake.async_wait(kUseTuple);
          conn->wake.expires_at(asio::steady_timer::time_point::max());
        }
        if (conn->closed) break;
        conn->in_flight++;
        conn->in_flight_bytes += record.size();
        asio::co_spawn(conn->strand, HandleCall(conn, std::move(record)), asio::detached);
      }
    }
    while (orderly && !conn->closed && (conn->in_flight > 0 || conn->writing)) {
      co_await conn->wake.async_wait(kUseTuple);
      conn->wake.expires_at(asio::steady_timer::time_point::max());
    }
    conn->Close();
  }

  asio::awaitable<void> HandleCall(std::shared_ptr<Connection> conn, std::string record) {
    std::string reply;
    auto outcome = co_await asio::co_spawn(
        pool_,
        [&]() -> asio::awaitable<Dispatcher::Outcome> {
          co_return dispatcher_.Handle(record, conn->info, &reply);
        },
        asio::use_awaitable);
    conn->in_flight--;
    conn->in_flight_bytes -= record.size();
    conn->Wake();
    if (outcome == Dispatcher::Outcome::kClose) {
      conn->Close();
      co_return;
    }
    if (outcome != Dispatcher::Outcome::kReply || conn->closed) co_return;
    conn->queue.push_back(std::move(reply));
    if (conn->writing) co_return;  // the active writer sends it
    conn->writing = true;
    std::vector<std::string> batch;
    std::vector<asio::const_buffer> buffers;
    while (!conn->queue.empty() && !conn->closed) {
      batch.clear();
      buffers.clear();
      while (!conn->queue.empty() && batch.size() < 64) {
        batch.push_back(std::move(conn->queue.front()));
        conn->queue.pop_front();
      }
      for (const auto& b : batch) buffers.push_back(asio::buffer(b));
      auto [ec, n] = co_await asio::async_write(conn->socket, buffers, kUseTuple);
      if (ec) {
        conn->Close();
        break;
      }
    }
    conn->writing = false;
    conn->Wake();
  }

  const NfsServerOptions options_;
  Dispatcher dispatcher_;
  asio::thread_pool pool_;
  std::mutex stop_mu_;
  bool stopped_ = false;
  // Last: destroyed first, with the coroutines that refer to the members above.
  std::unique_ptr<net::Listener> listener_;
};

}  // namespace

NfsServerOptions NfsServerOptionsFromConfig(const config::NfsServerConfig& config) {
  NfsServerOptions o;
  o.listen.protocol = "nfs";
  o.listen.tcp = config.addresses;
  if (o.listen.tcp.empty()) o.listen.tcp.push_back({"127.0.0.1", config::kDefaultNfsPort});
  o.write_mode = config.write_mode;
  return o;
}

Result<std::unique_ptr<ProtocolServer>> StartNfsServer(fs::FileSystem* fs,
                                                       const NfsServerOptions& options) {
  auto server = std::make_unique<NfsServer>(fs, options);
  ZFS_RETURN_IF_ERROR(server->Start());
  return std::unique_ptr<ProtocolServer>(std::move(server));
}

}  // namespace zerofs::nfs
