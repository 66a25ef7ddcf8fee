// Runs blocking work on a thread pool from a coroutine: the coroutine
// suspends, `f` runs on a worker thread, and the coroutine resumes on its own
// executor (the connection's strand) with f's result.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>
#include <utility>

namespace zerofs::ninep {

namespace asio = boost::asio;

// REQUIRES: the result type of f is movable and default-constructible.
template <typename F>
asio::awaitable<std::invoke_result_t<F&>> OnWorker(asio::thread_pool& pool, F f) {
  using R = std::invoke_result_t<F&>;
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
      [&pool](auto handler, F work) {
        asio::post(pool, [handler = std::move(handler), work = std::move(work)]() mutable {
          R r = work();
          auto ex = asio::get_associated_executor(handler);
          asio::post(ex, [handler = std::move(handler), r = std::move(r)]() mutable {
            std::move(handler)(std::move(r));
          });
        });
      },
      asio::use_awaitable, std::move(f));
}

}  // namespace zerofs::ninep
