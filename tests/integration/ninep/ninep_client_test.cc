// The client library's batching (RpcMany), fire-and-forget clunk
// (ClunkNoWait), callers reading their own replies (leader/follower) and the
// 9P2000.L.zerofs pipelining, as the `zerofs mount` client uses them,
// against the real server.
#include <atomic>
#include <chrono>
#include <thread>

#include "ninep_harness.h"

namespace zerofs::ninep {
namespace {

class NinepClientTest : public NinepTest {};

TEST_F(NinepClientTest, RpcManyWalksAndStatsABatchInOrder) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  constexpr int kFiles = 300;
  for (int i = 0; i < kFiles; i++)
    MakeFile(c.get(), root, "f" + std::to_string(i), std::string(i, 'x'));

  std::vector<TMessage> walks;
  std::vector<uint32_t> fids;
  for (int i = 0; i <= kFiles; i++) {  // the last name does not exist
    fids.push_back(c->AllocFid());
    walks.push_back(Twalk{root, fids.back(), {"f" + std::to_string(i)}});
  }
  auto walked = c->RpcMany(walks);
  ASSERT_EQ(walked.size(), walks.size());
  std::vector<TMessage> stats;
  for (int i = 0; i < kFiles; i++) {
    auto w = Client::As<Rwalk>(std::move(walked[i]));
    ASSERT_TRUE(w.ok()) << i << ": " << w.error().ToString();
    ASSERT_EQ(w->qids.size(), 1u);
    stats.push_back(Tgetattr{fids[i], kGetattrBasic});
  }
  auto missing = Client::As<Rwalk>(std::move(walked[kFiles]));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().sys_errno(), ENOENT);
  c->FreeFid(fids[kFiles]);

  auto got = c->RpcMany(stats);
  for (int i = 0; i < kFiles; i++) {
    auto a = Client::As<Rgetattr>(std::move(got[i]));
    ASSERT_TRUE(a.ok()) << i;
    EXPECT_EQ(a->size, static_cast<uint64_t>(i)) << i;
  }
  for (int i = 0; i < kFiles; i++) ASSERT_TRUE(c->Clunk(fids[i]).ok());
}

TEST_F(NinepClientTest, ClunkNoWaitReleasesTheFidOnTheServer) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  std::vector<uint32_t> fids;
  for (int i = 0; i < 100; i++) {
    auto f = c->WalkNew(root, {});
    ASSERT_TRUE(f.ok());
    fids.push_back(*f);
  }
  for (uint32_t f : fids) c->ClunkNoWait(f);
  // Numbers come back once the replies are in; new walks never collide with
  // a fid the server still holds.
  for (int i = 0; i < 300; i++) {
    auto f = c->WalkNew(root, {});
    ASSERT_TRUE(f.ok()) << i << ": " << f.error().ToString();
    c->ClunkNoWait(*f);
  }
  // Every clunked fid is gone on the server (a walk to the same number
  // through a raw Twalk would succeed; Tgetattr of it answers EBADF).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (uint32_t f : fids) {
    for (;;) {
      auto a = c->Getattr(f);
      if (!a.ok() && a.error().sys_errno() == EBADF) break;
      // Still in flight, or the number was reused by the loop above and is
      // itself being clunked.
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "fid " << f << " never clunked";
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

// Many threads, each waiting for its own replies: whichever of them reads
// the socket hands every other thread its reply, and the reading passes on
// when the reader's own reply came.
TEST_F(NinepClientTest, ThreadsShareTheReadingOfReplies) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "data", "0123456789");
  constexpr int kThreads = 8;
  constexpr int kCalls = 400;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      auto fid = OpenPath(c.get(), root, {"data"}, kOpenRdonly);
      if (!fid.ok()) return (void)failures++;
      for (int i = 0; i < kCalls; i++) {
        auto r = c->Read(*fid, static_cast<uint64_t>((t + i) % 10), 1);
        if (!r.ok() || *r != std::string(1, static_cast<char>('0' + (t + i) % 10))) failures++;
        if (i % 7 == 0) {
          // Replies nobody waits for, read by whoever leads next.
          auto w = c->WalkNew(root, {});
          if (!w.ok()) failures++;
          if (w.ok()) c->ClunkNoWait(*w);
        }
        if (i % 50 == 0) {
          auto many = c->RpcMany({Tgetattr{root, kGetattrBasic}, Tgetattr{*fid, kGetattrBasic}});
          if (!Client::As<Rgetattr>(std::move(many[0])).ok()) failures++;
          if (!Client::As<Rgetattr>(std::move(many[1])).ok()) failures++;
        }
      }
      if (!c->Clunk(*fid).ok()) failures++;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

// More fire-and-forget clunks than there are tags, with no thread waiting
// for anything: the client reads the backlog itself instead of running out
// of tags.
TEST_F(NinepClientTest, ClunkNoWaitNeverRunsOutOfTags) {
  auto c = ConnectUnix();
  for (int i = 0; i < 70000; i++) c->ClunkNoWait(c->AllocFid());  // unknown fids: Rlerror
  uint32_t root = AttachAs(c.get(), 0);
  EXPECT_TRUE(c->Getattr(root).ok());
}

// Closing the connection while a thread waits (and reads) fails that call
// and every later one with ECONNRESET.
TEST_F(NinepClientTest, CloseFailsTheWaitingCallAndLaterOnes) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  std::atomic<int> reset{0};
  std::thread caller([&] {
    for (;;) {
      auto a = c->Getattr(root);
      if (!a.ok()) {
        if (a.error().sys_errno() == ECONNRESET) reset++;
        return;
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  c->Close();
  caller.join();
  EXPECT_EQ(reset.load(), 1);
  auto again = c->Getattr(root);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().sys_errno(), ECONNRESET);
}

// The server grants 9P2000.L.zerofs when asked, only then.
TEST_F(NinepClientTest, ZerofsVersionIsGrantedWhenAsked) {
  ClientOptions o;
  o.ask_zerofs = true;
  auto asked = Client::Connect(tcp_, o);
  ASSERT_TRUE(asked.ok()) << asked.error().ToString();
  EXPECT_TRUE((*asked)->pipelines_walks());
  auto plain = ConnectTcp();
  EXPECT_FALSE(plain->pipelines_walks());

  RawConn raw(tcp_);
  ASSERT_TRUE(raw.Send(EncodeRequest(kNoTag, Tversion{8192, "9P2000.L.zerofs"})));
  auto frame = raw.ReadFrame();
  ASSERT_TRUE(frame.has_value());
  auto r = DecodeResponse(*frame);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Rversion>(r->msg).version, "9P2000.L.zerofs");
  ASSERT_TRUE(raw.Send(EncodeRequest(kNoTag, Tversion{8192, "9P2000.L.other"})));
  frame = raw.ReadFrame();
  ASSERT_TRUE(frame.has_value());
  r = DecodeResponse(*frame);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Rversion>(r->msg).version, "9P2000.L");
}

// What the mount pipelines on an idle connection: a creation, the walk to
// the new name and the new fid's Tgetattr, sent together, are done in order;
// and a walk's newfid is usable by the next request before Rwalk.
TEST_F(NinepClientTest, PipelinedCreateWalkAndGetattrRunInOrder) {
  ClientOptions o;
  o.ask_zerofs = true;
  auto connected = Client::Connect(tcp_, o);
  ASSERT_TRUE(connected.ok());
  auto& c = *connected;
  uint32_t root = AttachAs(c.get(), 0);
  for (int i = 0; i < 50; i++) {
    std::string name = "d" + std::to_string(i);
    uint32_t nf = c->AllocFid();
    auto r = c->RpcMany(
        {Tmkdir{root, name, 0755, 0}, Twalk{root, nf, {name}}, Tgetattr{nf, kGetattrBasic}});
    auto made = Client::As<Rmkdir>(std::move(r[0]));
    auto walked = Client::As<Rwalk>(std::move(r[1]));
    auto attr = Client::As<Rgetattr>(std::move(r[2]));
    ASSERT_TRUE(made.ok()) << i << ": " << made.error().ToString();
    ASSERT_TRUE(walked.ok()) << i << ": " << walked.error().ToString();
    ASSERT_TRUE(attr.ok()) << i << ": " << attr.error().ToString();
    ASSERT_EQ(walked->qids.size(), 1u);
    EXPECT_EQ(walked->qids[0].path, made->qid.path);
    EXPECT_EQ(attr->qid.path, made->qid.path);
    EXPECT_TRUE(S_ISDIR(attr->mode));
    ASSERT_TRUE(c->Clunk(nf).ok());
  }
  // A walk that fails leaves no fid: the request using it gets an error.
  uint32_t nf = c->AllocFid();
  auto r = c->RpcMany({Twalk{root, nf, {"missing"}}, Tgetattr{nf, kGetattrBasic}});
  EXPECT_FALSE(Client::As<Rwalk>(std::move(r[0])).ok());
  EXPECT_FALSE(Client::As<Rgetattr>(std::move(r[1])).ok());
  c->FreeFid(nf);
}

}  // namespace
}  // namespace zerofs::ninep
