#include "nfs/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/io_pool.h"
#include "net/reply_queue.h"
#include "nfs/dispatcher.h"

namespace zerofs::nfs {

namespace asio = boost::asio;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kReadChunk = 256 * 1024;
constexpr int kMaxIoThreads = 8;

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

// One client connection. The read side (ReadLoop, `wake`) and the async
// writer run on the single thread of the connection's io_context (`io`);
// replies are sent from whichever thread produced them (see SendReply).
struct Connection : std::enable_shared_from_this<Connection> {
  Connection(net::Socket s)
      : socket(std::move(s)),
        io(socket.get_executor()),
        wake(io),
        replies(socket, [this] { WakeReader(); }) {
    wake.expires_at(asio::steady_timer::time_point::max());
  }

  net::Socket socket;
  asio::any_io_executor io;
  asio::steady_timer wake;  // cancelled when the reader may go on
  ConnectionInfo info;      // set before the first call, then read-only

  // Calls handed to the pool and not yet answered, and their record bytes.
  std::atomic<size_t> in_flight{0};
  std::atomic<size_t> in_flight_bytes{0};
  // The reader is paused (back-pressure or draining); completions wake it.
  std::atomic<bool> reader_waiting{false};

  // Replies are sent straight from the producing thread; only when the
  // socket is full does the rest wait for a writer on the io thread.
  net::ReplyQueue replies;

  // Wakes the paused reader; any thread.
  void WakeReader() {
    if (!reader_waiting.load()) return;
    asio::post(io, [self = shared_from_this()] { self->wake.cancel(); });
  }
};

// Sends `reply` now if nothing is queued before it, else queues it. Any
// thread.
void SendReply(const std::shared_ptr<Connection>& conn, Dispatcher::Reply reply) {
  // The head, then the tail's pieces (READ data, shared with the cache).
  auto part = [&](size_t i) -> std::string_view {
    return i == 0 ? std::string_view(reply.head) : reply.tail.pieces[i - 1].bytes;
  };
  auto keep = [&](size_t i) -> net::QueuedBytes {
    if (i > 0) return {std::move(reply.tail.pieces[i - 1].owner), reply.tail.pieces[i - 1].bytes};
    auto head = std::make_shared<const std::string>(std::move(reply.head));
    return {head, *head};
  };
  conn->replies.Send(1 + reply.tail.pieces.size(), part, keep, [&] { return conn; });
}

class NfsServer : public ProtocolServer {
 public:
  NfsServer(fs::FileSystem* fs, const NfsServerOptions& options)
      : options_(options),
        dispatcher_(ServerState{fs, options.write_mode, RandomVerifier()}),
        pool_(static_cast<size_t>(std::max(1, options.worker_threads))),
        io_pool_(options.listen.io_threads) {}

  ~NfsServer() override { Stop(); }

  Status Start() {
    net::ListenSpec spec = options_.listen;
    if (spec.protocol.empty()) spec.protocol = "nfs";
    spec.io_threads = 1;  // it only accepts; connections move to io_pool_
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
    io_pool_.Stop();  // no new calls reach the workers
    pool_.join();     // calls in flight finish with the filesystem
    listener_.reset();
  }

 private:
  asio::awaitable<void> Serve(net::Socket socket) {
    auto adopted = io_pool_.Adopt(std::move(socket));
    if (!adopted.ok()) {
      spdlog::warn("nfs: {}", adopted.error().ToString());
      co_return;
    }
    auto conn = std::make_shared<Connection>(std::move(adopted).value());
    conn->info = DescribeConnection(conn->socket);
    asio::co_spawn(conn->io, ReadLoop(conn), asio::detached);
  }

  bool Congested(const Connection& conn) const {
    return conn.in_flight >= options_.max_calls_in_flight ||
           conn.in_flight_bytes + conn.replies.queued_bytes() >= options_.max_bytes_in_flight;
  }

  // Whether an orderly close must still wait (answers in flight or queued).
  static bool Draining(Connection& conn) { return conn.in_flight > 0 || conn.replies.writing(); }

  // Pauses the reader until Congested() (or, with `drain`, Draining()) is
  // false or the connection closed. Completions on other threads wake it
  // (Connection::WakeReader); the flag is published before the re-check so
  // that no wakeup is lost.
  asio::awaitable<void> Pause(Connection* conn, bool drain) {
    while (!conn->replies.closed()) {
      conn->reader_waiting = true;
      if (!(drain ? Draining(*conn) : Congested(*conn))) break;
      co_await conn->wake.async_wait(kUseTuple);
      conn->wake.expires_at(asio::steady_timer::time_point::max());
    }
    conn->reader_waiting = false;
  }

  asio::awaitable<void> ReadLoop(std::shared_ptr<Connection> conn) {
    RecordAssembler assembler(options_.max_record_bytes);
    std::string buf(kReadChunk, '\0');
    std::vector<std::string> records;
    bool orderly = false;  // the client closed; answer what is in flight
    while (!conn->replies.closed()) {
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
      for (size_t i = 0; i < records.size(); i++) {
        std::string& record = records[i];
        if (Congested(*conn)) co_await Pause(conn.get(), false);
        if (conn->replies.closed()) break;
        using enum Dispatcher::Placement;
        Dispatcher::Placement place = Dispatcher::Place(record);
        // Idle: no call of this connection in flight and none read after it.
        const bool idle = conn->in_flight == 0 && i + 1 == records.size();
        if (place == kInlineIfIdle) place = idle ? kInline : kWorker;
        if (place != kWorker && Finish(conn, record, place == kTryInline, idle)) {
          continue;  // answered here, without waking a worker
        }
        conn->in_flight++;
        conn->in_flight_bytes += record.size();
        asio::post(pool_, [this, conn, r = std::move(record)] {
          Finish(conn, r);
          conn->in_flight_bytes -= r.size();
          conn->in_flight--;
          conn->WakeReader();
        });
      }
    }
    if (orderly) co_await Pause(conn.get(), true);
    conn->replies.CloseSocket();
  }

  // Runs one call and sends its reply. False only with `cached_only`, when
  // the call would wait for the store (or is a large READ while the
  // connection is not `idle`) and must go to a worker.
  bool Finish(const std::shared_ptr<Connection>& conn, std::string_view record,
              bool cached_only = false, bool idle = false) {
    Dispatcher::Reply reply;
    switch (dispatcher_.Handle(record, conn->info, &reply, cached_only, idle)) {
      case Dispatcher::Outcome::kReply:
        SendReply(conn, std::move(reply));
        break;
      case Dispatcher::Outcome::kIgnore:
        break;
      case Dispatcher::Outcome::kClose:
        conn->replies.Break();
        break;
      case Dispatcher::Outcome::kWouldBlock:
        return false;
    }
    return true;
  }

  const NfsServerOptions options_;
  Dispatcher dispatcher_;
  asio::thread_pool pool_;
  // Connections' threads; destroyed after listener_ (which hands them
  // sockets) and before pool_ (whose tasks may post to them, but only
  // before Stop() joined it).
  net::IoContextPool io_pool_;
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
  // Metadata calls run on the io threads: one per core (at least two, so a
  // call waiting on the engine's write back-pressure does not stop the rest).
  o.listen.io_threads =
      std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 2, kMaxIoThreads);
  return o;
}

Result<std::unique_ptr<ProtocolServer>> StartNfsServer(fs::FileSystem* fs,
                                                       const NfsServerOptions& options) {
  auto server = std::make_unique<NfsServer>(fs, options);
  ZFS_RETURN_IF_ERROR(server->Start());
  return std::unique_ptr<ProtocolServer>(std::move(server));
}

}  // namespace zerofs::nfs
