#include "net/io_pool.h"

#include <unistd.h>

#include <algorithm>

namespace zerofs::net {

IoContextPool::IoContextPool(int threads) {
  const size_t n = static_cast<size_t>(std::max(1, threads));
  for (size_t i = 0; i < n; i++) {
    // Concurrency hint 1: only this context's thread runs its handlers.
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    guards_.emplace_back(contexts_.back()->get_executor());
  }
  for (auto& c : contexts_) threads_.emplace_back([io = c.get()] { io->run(); });
}

IoContextPool::~IoContextPool() { Stop(); }

Result<Socket> IoContextPool::Adopt(Socket socket) {
  boost::system::error_code ec;
  const auto protocol = socket.local_endpoint(ec).protocol();
  if (ec) return Error(Code::kIoError, "adopt connection: " + ec.message());
  const Socket::native_handle_type fd = socket.release(ec);
  if (ec) return Error(Code::kIoError, "adopt connection: " + ec.message());
  asio::io_context& io = *contexts_[next_++ % contexts_.size()];
  Socket out(io);
  out.assign(protocol, fd, ec);
  if (ec) {
    ::close(fd);
    return Error(Code::kIoError, "adopt connection: " + ec.message());
  }
  return out;
}

void IoContextPool::Stop() {
  for (auto& g : guards_) g.reset();
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

}  // namespace zerofs::net
