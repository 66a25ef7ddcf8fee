#include "nfs/nfs3_args.h"

#include <gtest/gtest.h>

namespace zerofs::nfs {
namespace {

std::string Fh() { return std::string(20, 'h'); }

void PutSattr(XdrEncoder* e, bool mode = true) {
  e->PutBool(mode);
  if (mode) e->PutU32(0644);
  e->PutBool(false);  // uid
  e->PutBool(true);   // gid
  e->PutU32(7);
  e->PutBool(true);  // size
  e->PutU64(99);
  e->PutU32(1);  // atime: server time
  e->PutU32(2);  // mtime: client time
  e->PutU32(10);
  e->PutU32(20);
}

TEST(Nfs3ArgsTest, Sattr3) {
  XdrEncoder e;
  PutSattr(&e);
  XdrDecoder d(e.bytes());
  Sattr3 s;
  ASSERT_TRUE(DecodeSattr3(&d, &s));
  EXPECT_TRUE(d.done());
  EXPECT_EQ(s.mode, 0644u);
  EXPECT_FALSE(s.uid);
  EXPECT_EQ(s.gid, 7u);
  EXPECT_EQ(s.size, 99u);
  EXPECT_EQ(s.atime_how, TimeHow::kServerTime);
  EXPECT_EQ(s.mtime_how, TimeHow::kClientTime);
  EXPECT_EQ(s.mtime.sec, 10u);
  EXPECT_EQ(s.mtime.nsec, 20u);
}

TEST(Nfs3ArgsTest, Sattr3BadTimeHowFails) {
  XdrEncoder e;
  for (int i = 0; i < 4; i++) e.PutBool(false);
  e.PutU32(3);
  XdrDecoder d(e.bytes());
  Sattr3 s;
  EXPECT_FALSE(DecodeSattr3(&d, &s));
}

TEST(Nfs3ArgsTest, SetattrWithGuard) {
  XdrEncoder e;
  e.PutOpaque(Fh());
  PutSattr(&e);
  e.PutBool(true);
  e.PutU32(5);
  e.PutU32(6);
  SetattrArgs a;
  ASSERT_TRUE(DecodeSetattrArgs(e.bytes(), &a));
  ASSERT_TRUE(a.guard_ctime);
  EXPECT_EQ(a.guard_ctime->sec, 5u);
  EXPECT_EQ(a.object, Fh());
}

TEST(Nfs3ArgsTest, HandleLongerThan64Fails) {
  XdrEncoder e;
  e.PutOpaque(std::string(65, 'x'));
  FhArgs a;
  EXPECT_FALSE(DecodeFhArgs(e.bytes(), &a));
}

TEST(Nfs3ArgsTest, MalformedHandleStillDecodes) {
  // Format checks are the procedure's (BADHANDLE), not the decoder's.
  XdrEncoder e;
  e.PutOpaque("short");
  FhArgs a;
  EXPECT_TRUE(DecodeFhArgs(e.bytes(), &a));
}

TEST(Nfs3ArgsTest, TrailingBytesFail) {
  XdrEncoder e;
  e.PutOpaque(Fh());
  e.PutU32(0);
  FhArgs a;
  EXPECT_FALSE(DecodeFhArgs(e.bytes(), &a));
}

TEST(Nfs3ArgsTest, Write) {
  XdrEncoder e;
  e.PutOpaque(Fh());
  e.PutU64(4096);
  e.PutU32(5);
  e.PutU32(2);
  e.PutOpaque("hello");
  WriteArgs a;
  ASSERT_TRUE(DecodeWriteArgs(e.bytes(), &a));
  EXPECT_EQ(a.offset, 4096u);
  EXPECT_EQ(a.stable, StableHow::kFileSync);
  EXPECT_EQ(a.data, "hello");
  std::string bad = e.bytes();
  bad[4 + 20 + 8 + 4 + 3] = 3;  // stable_how 3
  EXPECT_FALSE(DecodeWriteArgs(bad, &a));
  EXPECT_FALSE(DecodeWriteArgs(e.bytes().substr(0, e.size() - 4), &a));
}

TEST(Nfs3ArgsTest, CreateModes) {
  XdrEncoder ex;
  ex.PutOpaque(Fh());
  ex.PutOpaque("f");
  ex.PutU32(2);
  ex.PutFixed("12345678");
  CreateArgs a;
  ASSERT_TRUE(DecodeCreateArgs(ex.bytes(), &a));
  EXPECT_EQ(a.mode, CreateMode::kExclusive);
  EXPECT_EQ(a.verf, "12345678");

  XdrEncoder un;
  un.PutOpaque(Fh());
  un.PutOpaque("f");
  un.PutU32(1);
  PutSattr(&un);
  ASSERT_TRUE(DecodeCreateArgs(un.bytes(), &a));
  EXPECT_EQ(a.mode, CreateMode::kGuarded);
  EXPECT_EQ(a.attrs.mode, 0644u);

  XdrEncoder bad;
  bad.PutOpaque(Fh());
  bad.PutOpaque("f");
  bad.PutU32(3);
  EXPECT_FALSE(DecodeCreateArgs(bad.bytes(), &a));
}

TEST(Nfs3ArgsTest, NameLongerThanDecodeLimitFails) {
  XdrEncoder e;
  e.PutOpaque(Fh());
  e.PutOpaque(std::string(kMaxNameDecode + 1, 'n'));
  LookupArgs a;
  EXPECT_FALSE(DecodeLookupArgs(e.bytes(), &a));
}

TEST(Nfs3ArgsTest, MknodArms) {
  XdrEncoder chr;
  chr.PutOpaque(Fh());
  chr.PutOpaque("dev");
  chr.PutU32(static_cast<uint32_t>(Ftype3::kChr));
  PutSattr(&chr);
  chr.PutU32(1);
  chr.PutU32(3);
  MknodArgs a;
  ASSERT_TRUE(DecodeMknodArgs(chr.bytes(), &a));
  EXPECT_EQ(a.major, 1u);
  EXPECT_EQ(a.minor, 3u);

  XdrEncoder reg;  // void arm
  reg.PutOpaque(Fh());
  reg.PutOpaque("r");
  reg.PutU32(static_cast<uint32_t>(Ftype3::kReg));
  ASSERT_TRUE(DecodeMknodArgs(reg.bytes(), &a));
  EXPECT_EQ(a.type, Ftype3::kReg);

  XdrEncoder bad;
  bad.PutOpaque(Fh());
  bad.PutOpaque("r");
  bad.PutU32(8);
  EXPECT_FALSE(DecodeMknodArgs(bad.bytes(), &a));
}

TEST(Nfs3ArgsTest, ReaddirAndReaddirplus) {
  XdrEncoder e;
  e.PutOpaque(Fh());
  e.PutU64(3);
  e.PutFixed("verifier");
  e.PutU32(4096);
  ReaddirArgs a;
  ASSERT_TRUE(DecodeReaddirArgs(e.bytes(), &a));
  EXPECT_EQ(a.count, 4096u);
  EXPECT_FALSE(DecodeReaddirplusArgs(e.bytes(), &a));
  e.PutU32(65536);
  ASSERT_TRUE(DecodeReaddirplusArgs(e.bytes(), &a));
  EXPECT_EQ(a.maxcount, 65536u);
}

TEST(Nfs3ArgsTest, RenameLinkCommitAccessRead) {
  XdrEncoder r;
  r.PutOpaque(Fh());
  r.PutOpaque("a");
  r.PutOpaque(Fh());
  r.PutOpaque("b");
  RenameArgs ra;
  ASSERT_TRUE(DecodeRenameArgs(r.bytes(), &ra));
  EXPECT_EQ(ra.to.name, "b");

  XdrEncoder l;
  l.PutOpaque(Fh());
  l.PutOpaque(Fh());
  l.PutOpaque("c");
  LinkArgs la;
  ASSERT_TRUE(DecodeLinkArgs(l.bytes(), &la));

  XdrEncoder c;
  c.PutOpaque(Fh());
  c.PutU64(1);
  c.PutU32(2);
  CommitArgs ca;
  ASSERT_TRUE(DecodeCommitArgs(c.bytes(), &ca));
  ReadArgs rd;
  ASSERT_TRUE(DecodeReadArgs(c.bytes(), &rd));
  EXPECT_EQ(rd.count, 2u);
  AccessArgs aa;
  EXPECT_FALSE(DecodeAccessArgs(c.bytes(), &aa));
}

TEST(Nfs3ArgsTest, SymlinkTarget) {
  XdrEncoder e;
  e.PutOpaque(Fh());
  e.PutOpaque("link");
  PutSattr(&e, false);
  e.PutOpaque("/target");
  SymlinkArgs a;
  ASSERT_TRUE(DecodeSymlinkArgs(e.bytes(), &a));
  EXPECT_EQ(a.target, "/target");
}

TEST(Nfs3ArgsTest, MountAndPortmap) {
  XdrEncoder m;
  m.PutOpaque("/");
  std::string_view path;
  ASSERT_TRUE(DecodeMountPath(m.bytes(), &path));
  EXPECT_EQ(path, "/");
  XdrEncoder big;
  big.PutOpaque(std::string(kMountPathLen + 1, 'p'));
  EXPECT_FALSE(DecodeMountPath(big.bytes(), &path));
  PortmapMapping pm;
  EXPECT_FALSE(DecodePortmapMapping(m.bytes(), &pm));
  EXPECT_TRUE(DecodeNullArgs(""));
  EXPECT_FALSE(DecodeNullArgs("x"));
}

}  // namespace
}  // namespace zerofs::nfs
