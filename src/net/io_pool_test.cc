#include "net/io_pool.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <string>

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>

namespace zerofs::net {
namespace {

TEST(IoContextPoolTest, AdoptedSocketRunsOnAPoolThread) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  asio::io_context accept_io;
  Socket accepted(accept_io);
  accepted.assign(asio::generic::stream_protocol(AF_UNIX, 0), fds[0]);

  IoContextPool pool(2);
  ASSERT_EQ(pool.size(), 2u);
  auto adopted = pool.Adopt(std::move(accepted));
  ASSERT_TRUE(adopted.ok()) << adopted.error().ToString();
  Socket socket = std::move(adopted).value();
  EXPECT_NE(&socket.get_executor().context(), &accept_io.get_executor().context());

  std::string buf(5, '\0');
  std::promise<std::pair<std::string, std::thread::id>> done;
  asio::async_read(socket, asio::buffer(buf), [&](boost::system::error_code ec, size_t n) {
    done.set_value({ec ? ec.message() : buf.substr(0, n), std::this_thread::get_id()});
  });
  ASSERT_EQ(::write(fds[1], "hello", 5), 5);
  auto [got, thread] = done.get_future().get();
  EXPECT_EQ(got, "hello");
  EXPECT_NE(thread, std::this_thread::get_id());
  // Round robin: the next socket lands on the other context.
  int more[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, more), 0);
  Socket second(accept_io);
  second.assign(asio::generic::stream_protocol(AF_UNIX, 0), more[0]);
  auto other = pool.Adopt(std::move(second));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(&other->get_executor().context(), &socket.get_executor().context());
  pool.Stop();
  ::close(fds[1]);
  ::close(more[1]);
}

}  // namespace
}  // namespace zerofs::net
