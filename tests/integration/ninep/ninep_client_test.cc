// The client library's batching (RpcMany) and fire-and-forget clunk
// (ClunkNoWait), as the `zerofs mount` client uses them for readdirplus and
// fid caching, against the real server.
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

}  // namespace
}  // namespace zerofs::ninep
