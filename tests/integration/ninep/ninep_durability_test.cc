// Tfsync durability across a restart, and access=user identity checks.
#include <sys/stat.h>

#include "ninep_harness.h"

namespace zerofs::ninep {
namespace {

class NinepDurabilityTest : public NinepTest {};

TEST_F(NinepDurabilityTest, FsyncedDataSurvivesACrash) {
  std::string data(100000, '\0');
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<char>(i % 251);
  {
    auto c = ConnectTcp();
    uint32_t root = AttachAs(c.get(), 0);
    uint32_t f = c->WalkNew(root, {}).value();
    ASSERT_TRUE(c->Lcreate(f, "durable", kOpenCreate | kOpenRdwr, 0644, 0).ok());
    for (size_t off = 0; off < data.size();) {
      auto n = c->Write(f, off, std::string_view(data).substr(off, 30000));
      ASSERT_TRUE(n.ok());
      off += *n;
    }
    ASSERT_TRUE(c->Fsync(f).ok());
    // Written after the fsync and never synced: may be lost by the crash.
    MakeFile(c.get(), root, "volatile", "maybe");
  }
  StopServer();
  env_->Restart(/*clean=*/false);
  StartServer();
  auto c = ConnectUnix();
  uint32_t root = AttachAs(c.get(), 0);
  auto f = OpenPath(c.get(), root, {"durable"}, kOpenRdonly);
  ASSERT_TRUE(f.ok()) << f.error().ToString();
  EXPECT_TRUE(ReadAll(c.get(), *f) == data);
  EXPECT_EQ(c->Getattr(*f).value().size, data.size());
}

TEST_F(NinepDurabilityTest, CleanRestartKeepsEverything) {
  {
    auto c = ConnectTcp();
    uint32_t root = AttachAs(c.get(), 0);
    ASSERT_TRUE(c->Mkdir(root, "dir", 0750, 0).ok());
    uint32_t dir = c->WalkNew(root, {"dir"}).value();
    MakeFile(c.get(), dir, "inner", "content");
  }
  StopServer();
  env_->Restart(/*clean=*/true);
  StartServer();
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  auto f = OpenPath(c.get(), root, {"dir", "inner"}, kOpenRdonly);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(ReadAll(c.get(), *f), "content");
}

TEST_F(NinepDurabilityTest, AttachUidIsTheIdentityForPermissionChecks) {
  auto admin = ConnectTcp();
  uint32_t root = AttachAs(admin.get(), 0);
  MakeFile(admin.get(), root, "secret", "for 1000 only", 0600);
  uint32_t s = admin->WalkNew(root, {"secret"}).value();
  Tsetattr chown;
  chown.fid = s;
  chown.valid = kSetattrUid | kSetattrGid;
  chown.uid = 1000;
  chown.gid = 1000;
  ASSERT_TRUE(admin->Setattr(chown).ok());
  ASSERT_TRUE(admin->Mkdir(root, "home", 0777, 0).ok());

  // Two users on one connection, each with their own attach fid.
  auto c = ConnectUnix();
  uint32_t as1000 = AttachAs(c.get(), 1000);
  uint32_t as1001 = AttachAs(c.get(), 1001);

  auto mine = OpenPath(c.get(), as1000, {"secret"}, kOpenRdonly);
  ASSERT_TRUE(mine.ok()) << mine.error().ToString();
  EXPECT_EQ(ReadAll(c.get(), *mine), "for 1000 only");

  EXPECT_EQ(OpenPath(c.get(), as1001, {"secret"}, kOpenRdonly).error().sys_errno(), EACCES);
  EXPECT_EQ(OpenPath(c.get(), as1001, {"secret"}, kOpenWronly).error().sys_errno(), EACCES);
  // Fids walked from a user's attach keep that user's identity.
  uint32_t walked = c->WalkNew(as1001, {"secret"}).value();
  Tsetattr chmod;
  chmod.fid = walked;
  chmod.valid = kSetattrMode;
  chmod.mode = 0644;
  EXPECT_EQ(c->Setattr(chmod).error().sys_errno(), EPERM);

  // Files created by a user belong to it (uid from attach, gid from the message).
  uint32_t home = c->WalkNew(as1001, {"home"}).value();
  auto q = c->Lcreate(home, "mine", kOpenCreate | kOpenWronly, 0600, 1001);
  ASSERT_TRUE(q.ok()) << q.error().ToString();
  auto a = c->Getattr(home).value();
  EXPECT_EQ(a.uid, 1001u);
  EXPECT_EQ(a.gid, 1001u);
  // ...and are private from the other user.
  EXPECT_EQ(OpenPath(c.get(), as1000, {"home", "mine"}, kOpenRdonly).error().sys_errno(), EACCES);
  // A file opened for writing stays writable after a chmod (checked at open).
  chmod.fid = home;
  chmod.mode = 0400;
  ASSERT_TRUE(c->Setattr(chmod).ok());
  EXPECT_TRUE(c->Write(home, 0, "still writable").ok());
}

}  // namespace
}  // namespace zerofs::ninep
