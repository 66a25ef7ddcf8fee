#include "net/listener.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace zerofs::net {

namespace {

using GenericAcceptor = Acceptor;

std::string TcpEndpointString(const asio::ip::tcp::endpoint& ep) {
  if (ep.address().is_v6()) {
    return "[" + ep.address().to_string() + "]:" + std::to_string(ep.port());
  }
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

Listener::Listener(const ListenSpec& spec, ConnectionHandler handler)
    : spec_(spec), handler_(std::move(handler)) {}

Listener::~Listener() { Stop(); }

Result<std::unique_ptr<Listener>> Listener::Start(const ListenSpec& spec,
                                                  ConnectionHandler handler) {
  std::unique_ptr<Listener> l(new Listener(spec, std::move(handler)));
  ZFS_RETURN_IF_ERROR(l->Bind());
  for (auto& acceptor : l->acceptors_) {
    asio::co_spawn(l->io_, l->AcceptLoop(*acceptor), asio::detached);
  }
  int n = spec.io_threads > 0 ? spec.io_threads : 1;
  for (int i = 0; i < n; i++) {
    l->threads_.emplace_back([io = &l->io_] { io->run(); });
  }
  return l;
}

Status Listener::Bind() {
  boost::system::error_code ec;
  for (const auto& addr : spec_.tcp) {
    std::string what = spec_.protocol + ": cannot listen on " + addr.ToString();
    asio::ip::tcp::resolver resolver(io_);
    auto results = resolver.resolve(addr.host, std::to_string(addr.port),
                                    asio::ip::tcp::resolver::passive, ec);
    if (ec) return Error(Code::kInvalidArgument, what + ": " + ec.message());
    bool bound = false;
    for (const auto& r : results) {
      asio::ip::tcp::endpoint tcp_ep = r.endpoint();
      auto acceptor = std::make_unique<GenericAcceptor>(io_);
      asio::generic::stream_protocol::endpoint ep(tcp_ep.data(), tcp_ep.size());
      acceptor->open(ep.protocol(), ec);
      if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec && tcp_ep.address().is_v6()) {
        int one = 1;  // "[::]" should not also claim the IPv4 port
        ::setsockopt(acceptor->native_handle(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
      }
      if (!ec) acceptor->bind(ep, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return Error(Code::kIoError, what + ": " + ec.message());
      // Report the bound port (the spec may say 0 for "any free port").
      auto local = acceptor->local_endpoint();
      asio::ip::tcp::endpoint bound_ep;
      std::memcpy(bound_ep.data(), local.data(), local.size());
      endpoints_.push_back(TcpEndpointString(bound_ep));
      acceptors_.push_back(std::move(acceptor));
      bound = true;
      break;  // one endpoint per configured address
    }
    if (!bound) return Error(Code::kInvalidArgument, what + ": address did not resolve");
  }
  if (!spec_.unix_socket.empty()) {
    std::string what = spec_.protocol + ": cannot listen on unix socket " + spec_.unix_socket;
    ::unlink(spec_.unix_socket.c_str());  // a stale socket from an earlier run
    asio::local::stream_protocol::endpoint uep(spec_.unix_socket);
    asio::generic::stream_protocol::endpoint ep(uep);
    auto acceptor = std::make_unique<GenericAcceptor>(io_);
    acceptor->open(ep.protocol(), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Error(Code::kIoError, what + ": " + ec.message());
    endpoints_.push_back("unix:" + spec_.unix_socket);
    acceptors_.push_back(std::move(acceptor));
  }
  if (acceptors_.empty()) {
    return Error(Code::kInvalidArgument, spec_.protocol + ": no address to listen on");
  }
  return OkStatus();
}

asio::awaitable<void> Listener::AcceptLoop(GenericAcceptor& acceptor) {
  for (;;) {
    boost::system::error_code ec;
    Socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      spdlog::warn("{}: accept failed: {}", spec_.protocol, ec.message());
      continue;
    }
    if (socket.local_endpoint().protocol().family() != AF_UNIX) {
      int one = 1;  // small replies must not wait for Nagle
      ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    asio::co_spawn(io_, handler_(std::move(socket)), asio::detached);
  }
}

void Listener::Stop() {
  if (stopped_) return;
  stopped_ = true;
  asio::post(io_, [this] {
    boost::system::error_code ec;
    for (auto& a : acceptors_) a->close(ec);
  });
  io_.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  if (!spec_.unix_socket.empty()) ::unlink(spec_.unix_socket.c_str());
}

}  // namespace zerofs::net
