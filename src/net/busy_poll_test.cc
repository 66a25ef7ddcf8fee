#include "net/busy_poll.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

namespace zerofs::net {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class BusyRecvTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
  void TearDown() override {
    for (int fd : fds_) {
      if (fd >= 0) ::close(fd);
    }
  }
  int fds_[2] = {-1, -1};
  char buf_[16];
};

TEST_F(BusyRecvTest, ReturnsWhatIsAlreadyThere) {
  ASSERT_EQ(::send(fds_[1], "abc", 3, 0), 3);
  EXPECT_EQ(BusyRecv(fds_[0], buf_, sizeof buf_, milliseconds(0)), 3);
  EXPECT_EQ(std::string(buf_, 3), "abc");
}

TEST_F(BusyRecvTest, TakesDataArrivingWithinTheWindow) {
  std::thread sender([&] {
    std::this_thread::sleep_for(milliseconds(20));
    ::send(fds_[1], "late", 4, 0);
  });
  const ssize_t n = BusyRecv(fds_[0], buf_, sizeof buf_, milliseconds(5000));
  sender.join();
  EXPECT_EQ(n, 4);
}

TEST_F(BusyRecvTest, GivesUpAfterTheWindow) {
  const auto start = Clock::now();
  errno = 0;
  EXPECT_EQ(BusyRecv(fds_[0], buf_, sizeof buf_, milliseconds(10)), -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_GE(Clock::now() - start, milliseconds(10));
  // The data that comes later is still there for the next read.
  ASSERT_EQ(::send(fds_[1], "x", 1, 0), 1);
  EXPECT_EQ(BusyRecv(fds_[0], buf_, sizeof buf_, milliseconds(0)), 1);
}

TEST_F(BusyRecvTest, ReportsEofAndErrors) {
  ::close(fds_[1]);
  fds_[1] = -1;
  EXPECT_EQ(BusyRecv(fds_[0], buf_, sizeof buf_, milliseconds(1000)), 0);
  EXPECT_EQ(BusyRecv(-1, buf_, sizeof buf_, milliseconds(1000)), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST(BusyPollGateTest, ZeroWindowNeverPolls) {
  BusyPollGate gate(std::chrono::nanoseconds(0));
  EXPECT_FALSE(gate.ShouldPoll());
}

TEST(BusyPollGateTest, PollsWhileRequestsComeWithinTheWindow) {
  BusyPollGate gate(std::chrono::microseconds(50));
  for (int i = 0; i < 10; i++) {
    ASSERT_TRUE(gate.ShouldPoll());
    gate.Polled(true);
  }
}

TEST(BusyPollGateTest, MissesBackOffExponentiallyUpToALimit) {
  BusyPollGate gate(std::chrono::microseconds(50));
  // Waits skipped after each consecutive miss: 1, 2, 4, ..., 64, 64.
  for (uint32_t expect_skip : {1u, 2u, 4u, 8u, 16u, 32u, 64u, 64u}) {
    ASSERT_TRUE(gate.ShouldPoll());
    gate.Polled(false);
    for (uint32_t i = 0; i < expect_skip; i++) ASSERT_FALSE(gate.ShouldPoll()) << expect_skip;
  }
  // A hit resets the back-off.
  ASSERT_TRUE(gate.ShouldPoll());
  gate.Polled(true);
  ASSERT_TRUE(gate.ShouldPoll());
  gate.Polled(false);
  EXPECT_FALSE(gate.ShouldPoll());
  EXPECT_TRUE(gate.ShouldPoll());
}

}  // namespace
}  // namespace zerofs::net
