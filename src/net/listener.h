// Shared network plumbing for the protocol servers (NFS, 9P, NBD): binds the
// configured TCP addresses (IPv4 and IPv6) and an optional Unix socket, runs
// an Asio io_context on a few threads, and hands every accepted connection to
// the protocol's coroutine. Protocol code sees one socket type for TCP and
// Unix sockets alike.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "config/listen_address.h"

namespace zerofs::net {

namespace asio = boost::asio;
using Socket = asio::generic::stream_protocol::socket;
using Acceptor = asio::basic_socket_acceptor<asio::generic::stream_protocol>;

struct ListenSpec {
  std::string protocol;  // "nfs", "9p", "nbd": used in log lines and errors
  std::vector<config::ListenAddress> tcp;
  std::string unix_socket;  // empty: none. An existing socket file is replaced.
  int io_threads = 2;
};

// Called once per accepted connection, on the io_context. The coroutine owns
// the socket; when it returns the connection is closed.
using ConnectionHandler = std::function<asio::awaitable<void>(Socket)>;

// Listens until Stop(). Thread-safe Stop; the destructor stops.
class Listener {
 public:
  // Binds every endpoint (an error names the address and the reason, e.g.
  // "nbd: cannot listen on 127.0.0.1:10809: Address already in use") and
  // starts accepting on `io_threads` threads.
  static Result<std::unique_ptr<Listener>> Start(const ListenSpec& spec, ConnectionHandler handler);

  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // "127.0.0.1:10809", "[::1]:10809", "unix:/run/zerofs/nbd.sock": where it
  // actually listens (port 0 in the spec is resolved to the bound port).
  const std::vector<std::string>& endpoints() const { return endpoints_; }

  // The io_context the connections run on (for timers in protocol code).
  asio::io_context& io_context() { return io_; }

  // Stops accepting, closes every connection's socket, joins the threads.
  void Stop();

 private:
  explicit Listener(const ListenSpec& spec, ConnectionHandler handler);
  Status Bind();
  asio::awaitable<void> AcceptLoop(Acceptor& acceptor);

  ListenSpec spec_;
  ConnectionHandler handler_;
  asio::io_context io_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  std::vector<std::string> endpoints_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace zerofs::net
