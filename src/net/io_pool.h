// IoContextPool: a few single-threaded io_contexts, each run by its own
// thread. A protocol server moves every accepted connection onto one of
// them (round robin), so that connection's reads, the calls it answers
// inline and its writes all stay on one thread: no strand, and no
// cross-thread wakeups inside Asio's scheduler. (With one io_context run by
// several threads, each socket event woke a second thread; on 2 cores that
// was a quarter of the NFS server's CPU.) The cost: a call that blocks
// delays the other connections of its thread, so only calls that do not
// wait on the network or the object store should run there.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "base/result.h"
#include "net/listener.h"

namespace zerofs::net {

class IoContextPool {
 public:
  // Starts `threads` (at least 1) threads, one io_context each.
  explicit IoContextPool(int threads);
  ~IoContextPool();
  IoContextPool(const IoContextPool&) = delete;
  IoContextPool& operator=(const IoContextPool&) = delete;

  // Moves `socket` (with no operation pending) onto the next context; the
  // descriptor is kept.
  Result<Socket> Adopt(Socket socket);

  // Stops every context and joins the threads. Handlers still queued are
  // destroyed with the pool. Idempotent; not concurrent with itself.
  void Stop();

  size_t size() const { return contexts_.size(); }

 private:
  using Guard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_{0};
};

}  // namespace zerofs::net
