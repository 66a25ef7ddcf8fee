// The reader's busy poll for the next request (NbdLimits::busy_poll,
// net/busy_poll.h): requests that come within the poll window, after it,
// and while the reader is skipping polls are all served; pipelined requests
// are all answered; a client that leaves while the reader polls is cleaned
// up. The zerofs_nbd_busy_polls_total counters show which path ran.
#include <libnbd.h>
#include <sched.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "base/metrics.h"
#include "nbd_harness.h"

namespace zerofs::nbd::testing {
namespace {

using std::chrono::milliseconds;

constexpr uint64_t kSize = 1024 * 1024;
constexpr size_t kBlock = 4096;

// zerofs_nbd_busy_polls_total{result="<result>"}, 0 before the first poll.
uint64_t BusyPolls(const std::string& result) {
  const std::string text = metrics::Registry::Global().Render();
  std::smatch m;
  const std::regex re("zerofs_nbd_busy_polls_total\\{result=\"" + result + "\"\\} ([0-9]+)");
  return std::regex_search(text, m, re) ? std::stoull(m[1]) : 0;
}

class NbdBusyPollTest : public NbdServerTest {
 protected:
  void TearDown() override {
    h_.reset();
    NbdServerTest::TearDown();
    if (pinned_) sched_setaffinity(0, sizeof saved_, &saved_);
  }

  // Restarts the server with `window`, its threads on another CPU than this
  // (client) thread: the reader does not poll while the client runs on its
  // CPU (net::PeerSendsFromThisCpu). Then writes kSize random bytes to vol1
  // and reads them once (the read after a write updates atime on a worker;
  // later reads are answered from the memory cache by the reader).
  void Setup(std::chrono::microseconds window) {
    StopServer();
    limits_.busy_poll = window;
    ASSERT_EQ(sched_getaffinity(0, sizeof saved_, &saved_), 0);
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; c++) {
      if (CPU_ISSET(c, &saved_)) cpus.push_back(c);
    }
    if (cpus.size() < 2) GTEST_SKIP() << "needs two CPUs";
    pinned_ = true;
    PinTo(cpus[1]);  // threads inherit it
    StartServer();
    PinTo(cpus[0]);
    MakeExport("vol1", kSize);
    data_ = RandomBytes(kSize, 7);
    h_ = Connect("vol1");
    ASSERT_EQ(nbd_pwrite(h_.get(), data_.data(), kSize, 0, 0), 0) << NbdError();
    ExpectRead(0, kSize);
  }

  void ExpectRead(uint64_t offset, size_t n) {
    std::string buf(n, '\0');
    ASSERT_EQ(nbd_pread(h_.get(), buf.data(), n, offset, 0), 0) << NbdError();
    ASSERT_EQ(buf, data_.substr(offset, n)) << "offset " << offset;
  }

  static void PinTo(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    ASSERT_EQ(sched_setaffinity(0, sizeof set, &set), 0);
  }

  cpu_set_t saved_;
  bool pinned_ = false;
  std::string data_;
  Handle h_;
};

TEST_F(NbdBusyPollTest, RequestsWithinAndAfterTheWindowAreServed) {
  Setup(std::chrono::microseconds(5000));
  if (IsSkipped() || HasFatalFailure()) return;
  const uint64_t found0 = BusyPolls("request");
  const uint64_t timeout0 = BusyPolls("timeout");
  // Gaps after each reply: within the 5 ms window, then past it (the poll
  // times out and the reader sleeps in epoll), then while the reader skips
  // polls after a miss, then within it again.
  const int gaps_ms[] = {0, 0, 0, 20, 0, 30, 0, 0, 0, 0, 1, 0, 0, 50, 0};
  uint64_t offset = 0;
  for (int gap : gaps_ms) {
    std::this_thread::sleep_for(milliseconds(gap));
    ExpectRead(offset, kBlock);
    offset = (offset + 3 * kBlock) % kSize;
  }
  EXPECT_GT(BusyPolls("request"), found0);
  EXPECT_GT(BusyPolls("timeout"), timeout0);
}

TEST_F(NbdBusyPollTest, PipelinedRequestsAreAllAnswered) {
  Setup(std::chrono::microseconds(50));
  if (IsSkipped() || HasFatalFailure()) return;
  // Reads (answered by the reader) and writes (on workers) pipelined in
  // waves, with a pause between waves longer than the window.
  constexpr int kWaves = 5;
  constexpr int kPerWave = 200;
  for (int w = 0; w < kWaves; w++) {
    std::vector<std::string> bufs(kPerWave, std::string(kBlock, '\0'));
    std::vector<int64_t> cookies;
    for (int i = 0; i < kPerWave; i++) {
      const uint64_t offset = ((w * 7919 + i * 104729) % (kSize / kBlock)) * kBlock;
      int64_t c;
      if (i % 10 == 9) {
        // Writes the bytes already there, so every read stays predictable.
        c = nbd_aio_pwrite(h_.get(), data_.data() + offset, kBlock, offset, NBD_NULL_COMPLETION, 0);
      } else {
        c = nbd_aio_pread(h_.get(), bufs[i].data(), kBlock, offset, NBD_NULL_COMPLETION, 0);
      }
      ASSERT_GT(c, 0) << NbdError();
      cookies.push_back(c);
    }
    while (nbd_aio_in_flight(h_.get()) > 0) ASSERT_NE(nbd_poll(h_.get(), -1), -1) << NbdError();
    for (int i = 0; i < kPerWave; i++) {
      ASSERT_EQ(nbd_aio_command_completed(h_.get(), cookies[i]), 1) << NbdError();
      if (i % 10 == 9) continue;
      const uint64_t offset = ((w * 7919 + i * 104729) % (kSize / kBlock)) * kBlock;
      ASSERT_EQ(bufs[i], data_.substr(offset, kBlock)) << "wave " << w << " request " << i;
    }
    std::this_thread::sleep_for(milliseconds(2));
  }
  // Queue depth 1 afterwards, many times: most polls find the request.
  for (int i = 0; i < 300; i++) ExpectRead((i * 13 % (kSize / kBlock)) * kBlock, kBlock);
}

TEST_F(NbdBusyPollTest, ClientLeavingWhileTheReaderPollsIsCleanedUp) {
  // A long window: the reader is still polling when the client goes away.
  Setup(std::chrono::microseconds(2'000'000));
  if (IsSkipped() || HasFatalFailure()) return;
  const uint64_t found0 = BusyPolls("request");
  const uint64_t timeout0 = BusyPolls("timeout");
  ExpectRead(0, kBlock);
  const auto start = std::chrono::steady_clock::now();
  h_.reset();  // closes the connection without NBD_CMD_DISC
  EXPECT_TRUE(WaitForOpenInodes(0));
  // It ended on EOF, not by waiting out the window.
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
  EXPECT_EQ(BusyPolls("request"), found0 + 1);  // the EOF, while polling
  EXPECT_EQ(BusyPolls("timeout"), timeout0);
  // The server still serves new connections.
  h_ = Connect("vol1");
  ExpectRead(kBlock, kBlock);
}

}  // namespace
}  // namespace zerofs::nbd::testing
