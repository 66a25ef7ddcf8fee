// Many threads on one connection, Tflush, and the server-wide lock table.
#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "ninep_harness.h"

namespace zerofs::ninep {
namespace {

class NinepConcurrencyTest : public NinepTest {};

TEST_F(NinepConcurrencyTest, ManyThreadsShareOneConnection) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      std::string name = "t" + std::to_string(t);
      auto f = c->WalkNew(root, {});
      if (!f.ok() || !c->Lcreate(*f, name, kOpenCreate | kOpenRdwr, 0644, 0).ok()) {
        failures++;
        return;
      }
      for (int r = 0; r < kRounds; r++) {
        std::string chunk = name + ":" + std::to_string(r) + ";";
        auto a = c->Getattr(*f);
        if (!a.ok() || !c->Write(*f, a->size, chunk).ok()) failures++;
        auto w = c->WalkNew(root, {name});
        if (!w.ok() || !c->Clunk(*w).ok()) failures++;
      }
      std::string expect;
      for (int r = 0; r < kRounds; r++) expect += name + ":" + std::to_string(r) + ";";
      auto back = c->Read(*f, 0, 1 << 16);
      if (!back.ok() || *back != expect) failures++;
      if (!c->Clunk(*f).ok()) failures++;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  // Every entry is there.
  auto d = OpenPath(c.get(), root, {}, kOpenRdonly);
  ASSERT_TRUE(d.ok());
  auto entries = c->Readdir(*d, 0, 8192);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->size(), kThreads + 2u);
}

TEST_F(NinepConcurrencyTest, PipelinedRequestsAllGetTheirOwnReply) {
  auto c = ConnectUnix();
  uint32_t root = AttachAs(c.get(), 0);
  std::vector<std::shared_ptr<Client::Call>> calls;
  for (int i = 0; i < 500; i++) {
    auto call = c->Start(Tmkdir{root, "d" + std::to_string(i), 0755, 0});
    ASSERT_TRUE(call.ok());
    calls.push_back(*call);
  }
  std::set<uint64_t> paths;
  for (auto& call : calls) {
    auto r = c->Wait(call);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(std::holds_alternative<Rmkdir>(r->msg));
    paths.insert(std::get<Rmkdir>(r->msg).qid.path);
  }
  EXPECT_EQ(paths.size(), 500u);
}

// 1 MiB Twrites (frames larger than the server's read buffer, run on
// workers) pipelined between small requests answered on the I/O thread
// (Tgetattr, cached Tread): every request gets its own, intact reply, and
// the data lands where it was written.
TEST_F(NinepConcurrencyTest, LargeWritesInterleaveWithInlineRequests) {
  auto c = ConnectTcp(2u << 20);
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "small", "hello");
  uint32_t small = OpenPath(c.get(), root, {"small"}, kOpenRdonly).value();
  uint32_t big = c->WalkNew(root, {}).value();
  ASSERT_TRUE(c->Lcreate(big, "big", kOpenCreate | kOpenRdwr, 0644, 0).ok());
  constexpr int kChunks = 6;
  constexpr uint32_t kChunk = 1u << 20;
  std::vector<std::string> chunks;
  for (int i = 0; i < kChunks; i++) chunks.emplace_back(kChunk, static_cast<char>('a' + i));
  std::vector<std::shared_ptr<Client::Call>> writes, reads, stats;
  for (int i = 0; i < kChunks; i++) {
    auto w = c->Start(Twrite{big, static_cast<uint64_t>(i) * kChunk, chunks[i]});
    ASSERT_TRUE(w.ok());
    writes.push_back(*w);
    for (int j = 0; j < 4; j++) {
      auto r = c->Start(Tread{small, 0, 64});
      auto g = c->Start(Tgetattr{root, kGetattrBasic});
      ASSERT_TRUE(r.ok() && g.ok());
      reads.push_back(*r);
      stats.push_back(*g);
    }
  }
  for (auto& w : writes) {
    auto r = c->Wait(w);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_TRUE(std::holds_alternative<Rwrite>(r->msg));
    EXPECT_EQ(std::get<Rwrite>(r->msg).count, kChunk);
  }
  for (auto& call : reads) {
    auto r = c->Wait(call);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_TRUE(std::holds_alternative<Rread>(r->msg));
    EXPECT_EQ(std::get<Rread>(r->msg).data, "hello");
  }
  for (auto& call : stats) {
    auto r = c->Wait(call);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_TRUE(std::holds_alternative<Rgetattr>(r->msg));
  }
  for (int i = 0; i < kChunks; i++) {
    auto back = c->Read(big, static_cast<uint64_t>(i) * kChunk, kChunk);
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(*back == chunks[i]) << "chunk " << i;
  }
}

TEST_F(NinepConcurrencyTest, FlushOfUnknownTagAnswersRflush) {
  auto c = ConnectTcp();
  auto r = c->Rpc(Tflush{1234});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(std::holds_alternative<Rflush>(r->msg));
}

// Flushes racing requests: each flushed request either completed (its reply
// came before Rflush) or never happened; the connection stays consistent.
TEST_F(NinepConcurrencyTest, FlushCancelsOrCompletesEveryRequest) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  constexpr int kN = 300;
  std::vector<std::shared_ptr<Client::Call>> calls;
  for (int i = 0; i < kN; i++) {
    auto call = c->Start(Tmkdir{root, "f" + std::to_string(i), 0755, 0});
    ASSERT_TRUE(call.ok());
    calls.push_back(*call);
  }
  int completed = 0, cancelled = 0;
  for (int i = kN - 1; i >= 0; i--) {
    ASSERT_TRUE(c->Flush(calls[i]).ok());
    auto r = c->Wait(calls[i]);
    std::string name = "f" + std::to_string(i);
    bool exists = c->WalkNew(root, {name}).ok();
    if (r.ok()) {
      EXPECT_TRUE(std::holds_alternative<Rmkdir>(r->msg));
      EXPECT_TRUE(exists) << name;
      completed++;
    } else {
      EXPECT_EQ(r.error().sys_errno(), EINTR);
      EXPECT_FALSE(exists) << name << " was created but its reply was suppressed";
      cancelled++;
    }
  }
  EXPECT_EQ(completed + cancelled, kN);
  // The connection still works, tags were recycled.
  for (int i = 0; i < 100; i++) ASSERT_TRUE(c->Getattr(root).ok());
}

Tlock LockReq(uint32_t fid, uint8_t type, uint64_t start, uint64_t length, uint32_t pid,
              const std::string& client) {
  Tlock l;
  l.fid = fid;
  l.type = type;
  l.start = start;
  l.length = length;
  l.proc_id = pid;
  l.client_id = client;
  return l;
}

// The lock status, or a test failure naming the error.
uint8_t LockStatus(Client* c, const Tlock& l) {
  auto r = c->Lock(l);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? *r : kLockError;
}

TEST_F(NinepConcurrencyTest, LocksAreSharedAcrossConnectionsAndListeners) {
  auto a = ConnectTcp();
  auto b = ConnectUnix();
  uint32_t ra = AttachAs(a.get(), 0);
  uint32_t rb = AttachAs(b.get(), 0);
  MakeFile(a.get(), ra, "locked", "0123456789");
  uint32_t fa = OpenPath(a.get(), ra, {"locked"}, kOpenRdwr).value();
  uint32_t fb = OpenPath(b.get(), rb, {"locked"}, kOpenRdwr).value();

  ASSERT_EQ(LockStatus(a.get(), LockReq(fa, kLockTypeWrite, 0, 5, 10, "A")), kLockSuccess);
  EXPECT_EQ(LockStatus(b.get(), LockReq(fb, kLockTypeWrite, 4, 1, 20, "B")), kLockBlocked);
  EXPECT_EQ(LockStatus(b.get(), LockReq(fb, kLockTypeRead, 0, 0, 20, "B")), kLockBlocked);
  EXPECT_EQ(LockStatus(b.get(), LockReq(fb, kLockTypeWrite, 5, 0, 20, "B")), kLockSuccess);

  Tgetlock g;
  g.fid = fb;
  g.type = kLockTypeWrite;
  g.start = 0;
  g.length = 0;
  g.proc_id = 20;
  g.client_id = "B";
  auto held = b->Getlock(g);
  ASSERT_TRUE(held.ok()) << held.error().ToString();
  EXPECT_EQ(held->type, kLockTypeWrite);
  EXPECT_EQ(held->start, 0u);
  EXPECT_EQ(held->length, 5u);
  EXPECT_EQ(held->proc_id, 10u);
  EXPECT_EQ(held->client_id, "A");

  // Unlocking half of A's range lets B into that half only.
  ASSERT_EQ(LockStatus(a.get(), LockReq(fa, kLockTypeUnlock, 0, 2, 10, "A")), kLockSuccess);
  EXPECT_EQ(LockStatus(b.get(), LockReq(fb, kLockTypeWrite, 0, 2, 20, "B")), kLockSuccess);
  EXPECT_EQ(LockStatus(b.get(), LockReq(fb, kLockTypeWrite, 2, 1, 20, "B")), kLockBlocked);

  // A no-conflict Getlock answers UNLCK.
  g.fid = fa;
  g.client_id = "A";
  g.proc_id = 10;
  g.start = 2;
  g.length = 3;
  auto free_range = a->Getlock(g);
  ASSERT_TRUE(free_range.ok()) << free_range.error().ToString();
  EXPECT_EQ(free_range->type, kLockTypeUnlock);

  // Closing A's connection drops its locks.
  a.reset();
  for (int i = 0; i < 100; i++) {
    auto st = b->Lock(LockReq(fb, kLockTypeWrite, 2, 1, 20, "B"));
    ASSERT_TRUE(st.ok());
    if (*st == kLockSuccess) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL() << "locks of a closed connection were not released";
}

TEST_F(NinepConcurrencyTest, BadLockRequests) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "f", "");
  uint32_t f = OpenPath(c.get(), root, {"f"}, kOpenRdwr).value();
  EXPECT_EQ(c->Lock(LockReq(f, 7, 0, 0, 1, "c")).error().sys_errno(), EINVAL);
  EXPECT_EQ(c->Lock(LockReq(f, kLockTypeRead, UINT64_MAX, 2, 1, "c")).error().sys_errno(), EINVAL);
}

}  // namespace
}  // namespace zerofs::ninep
