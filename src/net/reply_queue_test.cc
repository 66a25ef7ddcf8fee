#include "net/reply_queue.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace zerofs::net {
namespace {

// A ReplyQueue on one end of a socketpair whose io thread runs in the
// background; the test reads the other end.
struct Pair {
  Pair() : socket(io) {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    // A small send buffer, so that big replies and bursts queue up.
    int small = 16 << 10;
    ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    socket.assign(asio::generic::stream_protocol(AF_UNIX, 0), fds[0]);
    peer = fds[1];
    queue = std::make_unique<ReplyQueue>(socket, [this] { stops++; });
    thread = std::thread([this] { io.run(); });
  }
  ~Pair() {
    work.reset();
    thread.join();
    ::close(peer);
  }
  // Reads until EOF or `want` bytes.
  std::string ReadAll(size_t want) {
    std::string got;
    char buf[65536];
    while (got.size() < want) {
      ssize_t n = ::read(peer, buf, sizeof(buf));
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  Socket socket;
  int peer = -1;
  std::atomic<int> stops{0};
  std::unique_ptr<ReplyQueue> queue;
  std::shared_ptr<int> owner = std::make_shared<int>(0);
  std::thread thread;
};

// Sends `reply` as three parts; the kept copies own their bytes.
void SendInParts(Pair& p, const std::string& reply) {
  const size_t a = reply.size() / 3, b = 2 * reply.size() / 3;
  std::string_view parts[3] = {std::string_view(reply).substr(0, a),
                               std::string_view(reply).substr(a, b - a),
                               std::string_view(reply).substr(b)};
  p.queue->Send(
      3, [&](size_t i) { return parts[i]; },
      [&](size_t i) {
        auto copy = std::make_shared<const std::string>(parts[i]);
        return QueuedBytes{copy, *copy};
      },
      [&] { return p.owner; });
}

// A reply "<thread> <seq> <size>\n" followed by `size` copies of a letter.
std::string Reply(int thread, int seq, size_t size) {
  return std::to_string(thread) + " " + std::to_string(seq) + " " + std::to_string(size) + "\n" +
         std::string(size, static_cast<char>('a' + (thread + seq) % 26));
}

TEST(ReplyQueueTest, RepliesFromManyThreadsArriveWholeAndInOrder) {
  Pair p;
  constexpr int kThreads = 4, kReplies = 400;
  size_t total = 0;
  std::vector<std::vector<std::string>> replies(kThreads);
  for (int t = 0; t < kThreads; t++) {
    for (int i = 0; i < kReplies; i++) {
      // Mostly small, some larger than the socket buffer.
      replies[t].push_back(Reply(t, i, i % 50 == 0 ? 100000 : 10 + (i * 7) % 300));
      total += replies[t].back().size();
    }
  }
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; t++) {
    senders.emplace_back([&, t] {
      for (const std::string& r : replies[t]) SendInParts(p, r);
    });
  }
  std::string got = p.ReadAll(total);
  for (auto& s : senders) s.join();
  ASSERT_EQ(got.size(), total);

  std::vector<int> next(kThreads, 0);
  size_t pos = 0;
  while (pos < got.size()) {
    size_t eol = got.find('\n', pos);
    ASSERT_NE(eol, std::string::npos);
    int t = 0, seq = 0;
    size_t size = 0;
    ASSERT_EQ(std::sscanf(got.c_str() + pos, "%d %d %zu", &t, &seq, &size), 3);
    ASSERT_TRUE(t >= 0 && t < kThreads);
    // Each sender's replies in its order, none cut by another's.
    ASSERT_EQ(seq, next[t]++);
    ASSERT_EQ(got.substr(pos, eol + 1 - pos + size), replies[t][seq]);
    pos = eol + 1 + size;
  }
  for (int t = 0; t < kThreads; t++) EXPECT_EQ(next[t], kReplies);
  // The writer stopped and nothing is left queued.
  for (int i = 0; i < 200 && p.queue->writing(); i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_FALSE(p.queue->writing());
  EXPECT_EQ(p.queue->queued_bytes(), 0u);
  EXPECT_GE(p.stops.load(), 1);
}

TEST(ReplyQueueTest, BreakShutsTheSocketAndDropsLaterReplies) {
  Pair p;
  SendInParts(p, "before\n");
  EXPECT_EQ(p.ReadAll(7), "before\n");
  p.queue->Break();
  EXPECT_TRUE(p.queue->closed());
  SendInParts(p, "after\n");
  EXPECT_EQ(p.ReadAll(100), "");  // EOF, and nothing after the break
  asio::post(p.io, [&] { p.queue->CloseSocket(); });
}

}  // namespace
}  // namespace zerofs::net
