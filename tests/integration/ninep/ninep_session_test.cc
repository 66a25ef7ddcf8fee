// Tsession / Treclaim: an unlinked file that a client session had open
// survives the session's broken connection and a server restart, for the
// session only, for the grace period (docs/protocol/9p2000l.md).
#include <chrono>
#include <thread>

#include "ninep_harness.h"

namespace zerofs::ninep {
namespace {

const std::string kKeyA(kSessionKeySize, 'A');
const std::string kKeyB(kSessionKeySize, 'B');

class NinepSessionTest : public NinepTest {
 protected:
  NinepSessionTest() { env_options_.fs_options.reconnect_grace = std::chrono::seconds(2); }

  // A client of session `key` (none if empty) attached as root.
  std::unique_ptr<Client> SessionClient(const std::string& key, uint32_t* root) {
    auto c = ConnectTcp(1u << 20, /*zerofs=*/true);
    if (!key.empty()) {
      EXPECT_TRUE(c->Session(key).ok());
    }
    *root = AttachAs(c.get(), 0);
    return c;
  }
  // Creates "f" with `data` through `c`, keeps it open read-write and
  // unlinks it; returns its qid.path.
  uint64_t OpenUnlinked(Client* c, uint32_t root, const std::string& data) {
    uint32_t f = c->WalkNew(root, {}).value();
    auto o = c->Lcreate(f, "f", kOpenCreate | kOpenRdwr, 0644, 0);
    EXPECT_TRUE(o.ok());
    EXPECT_TRUE(c->Write(f, 0, data).ok());
    EXPECT_TRUE(c->Unlinkat(root, "f", 0).ok());
    EXPECT_TRUE(c->Fsync(f).ok());
    return o->qid.path;
  }
  bool FreedWithin(fs::InodeId ino, std::chrono::milliseconds limit) {
    for (auto end = std::chrono::steady_clock::now() + limit;
         std::chrono::steady_clock::now() < end;) {
      auto a = env_->fs()->GetAttr(ino);
      if (!a.ok() && a.error().sys_errno() == ESTALE) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
};

TEST_F(NinepSessionTest, ALostConnectionKeepsTheFileForTheSession) {
  uint32_t root1;
  auto c1 = SessionClient(kKeyA, &root1);
  const uint64_t ino = OpenUnlinked(c1.get(), root1, "still here");
  c1->Close();  // the connection breaks; the file was never closed

  uint32_t root_b;
  auto other = SessionClient(kKeyB, &root_b);
  EXPECT_EQ(other->ReclaimNew(root_b, ino).error().sys_errno(), ESTALE);

  uint32_t root2;
  auto c2 = SessionClient(kKeyA, &root2);
  auto f = c2->ReclaimNew(root2, ino);
  ASSERT_TRUE(f.ok()) << f.error().ToString();
  ASSERT_TRUE(c2->Lopen(*f, kOpenRdwr).ok());
  EXPECT_EQ(ReadAll(c2.get(), *f), "still here");
  ASSERT_TRUE(c2->Write(*f, 0, "STILL").ok());
  EXPECT_EQ(ReadAll(c2.get(), *f), "STILL here");
  EXPECT_EQ(c2->Getattr(*f).value().nlink, 0u);
  // A proper close frees it once the grace of the lost connection is over.
  ASSERT_TRUE(c2->Clunk(*f).ok());
  EXPECT_TRUE(FreedWithin(ino, std::chrono::seconds(5)));
  EXPECT_EQ(c2->ReclaimNew(root2, ino).error().sys_errno(), ESTALE);
}

TEST_F(NinepSessionTest, UnclaimedFilesAreFreedAfterTheGrace) {
  uint32_t root;
  auto c = SessionClient(kKeyA, &root);
  const uint64_t ino = OpenUnlinked(c.get(), root, "x");
  c->Close();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(env_->fs()->GetAttr(ino).ok());  // kept for the grace (2 s)
  EXPECT_TRUE(FreedWithin(ino, std::chrono::seconds(5)));
  EXPECT_EQ(env_->fs()->OpenInodeCount(), 0u);
}

TEST_F(NinepSessionTest, WithoutASessionALostConnectionFreesTheFile) {
  uint32_t root;
  auto c = SessionClient("", &root);
  const uint64_t ino = OpenUnlinked(c.get(), root, "x");
  c->Close();
  EXPECT_TRUE(FreedWithin(ino, std::chrono::milliseconds(1500)));
}

class NinepSessionRestartTest : public NinepSessionTest,
                                public ::testing::WithParamInterface<bool> {};

// A crash (the store as last flushed), and a clean stop, during which the
// server drops every connection (the client never closed the file).
TEST_P(NinepSessionRestartTest, ARestartKeepsTheFileForTheSession) {
  uint32_t root;
  auto c = SessionClient(kKeyA, &root);
  const uint64_t ino = OpenUnlinked(c.get(), root, "across a restart");
  StopServer();
  env_->Restart(/*clean=*/GetParam());
  StartServer();
  c = SessionClient(kKeyA, &root);
  auto f = c->ReclaimNew(root, ino);
  ASSERT_TRUE(f.ok()) << f.error().ToString();
  ASSERT_TRUE(c->Lopen(*f, kOpenRdonly).ok());
  EXPECT_EQ(ReadAll(c.get(), *f), "across a restart");
}
INSTANTIATE_TEST_SUITE_P(CleanOrCrash, NinepSessionRestartTest, ::testing::Bool());

TEST_F(NinepSessionTest, BadUse) {
  auto c = ConnectTcp(1u << 20, /*zerofs=*/true);
  uint32_t root = AttachAs(c.get(), 0);
  EXPECT_EQ(c->ReclaimNew(root, 1).error().sys_errno(), EINVAL);  // no Tsession yet
  EXPECT_EQ(c->Session("short").error().sys_errno(), EINVAL);
  ASSERT_TRUE(c->Session(kKeyA).ok());
  EXPECT_EQ(c->Session(kKeyB).error().sys_errno(), EINVAL);  // once per connection
  // A file with a name is found by its name, not reclaimed.
  MakeFile(c.get(), root, "named", "n");
  uint32_t named = c->WalkNew(root, {"named"}).value();
  const uint64_t ino = c->Getattr(named).value().qid.path;
  ASSERT_TRUE(c->Lopen(named, kOpenRdonly).ok());
  EXPECT_EQ(c->ReclaimNew(root, ino).error().sys_errno(), ESTALE);
  EXPECT_EQ(c->ReclaimNew(12345, ino).error().sys_errno(), EBADF);
}

}  // namespace
}  // namespace zerofs::ninep
