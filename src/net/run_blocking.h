// Runs a blocking call (a filesystem operation) on a thread pool and resumes
// the awaiting coroutine on its own executor (the connection's strand) with
// the result, so I/O threads never block on the filesystem. Shared by the
// protocol servers (9P, NBD).
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>
#include <utility>

namespace zerofs::net {

namespace asio = boost::asio;

// REQUIRES: `pool` outlives the call; the result type is movable. Not
// cancellable: the call always runs to completion.
//
// Not a coroutine itself, and callers pass a named function object: GCC 12
// mis-destroys lambda temporaries that appear inside a co_await expression.
template <typename F>
asio::awaitable<std::invoke_result_t<F&>> RunBlocking(asio::thread_pool& pool, F fn) {
  using R = std::invoke_result_t<F&>;
  auto initiation = [&pool](auto handler, F f) {
    auto work = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(
        pool, [handler = std::move(handler), f = std::move(f), work = std::move(work)]() mutable {
          R result = f();
          auto ex = work.get_executor();
          asio::post(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
  };
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
      std::move(initiation), asio::use_awaitable, std::move(fn));
}

}  // namespace zerofs::net
