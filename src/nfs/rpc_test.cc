#include "nfs/rpc.h"

#include <gtest/gtest.h>

#include "nfs/dispatcher.h"

namespace zerofs::nfs {
namespace {

struct CallBuilder {
  uint32_t xid = 0x1234;
  uint32_t msg_type = kMsgCall;
  uint32_t rpcvers = 2;
  uint32_t prog = kNfsProgram, vers = 3, proc = 0;
  uint32_t flavor = kAuthSys;
  std::string cred_body;
  uint32_t uid = 1000, gid = 100;
  std::vector<uint32_t> gids = {10, 20};
  std::string args;

  std::string Build() const {
    XdrEncoder e;
    e.PutU32(xid);
    e.PutU32(msg_type);
    e.PutU32(rpcvers);
    e.PutU32(prog);
    e.PutU32(vers);
    e.PutU32(proc);
    e.PutU32(flavor);
    if (flavor == kAuthSys && cred_body.empty()) {
      XdrEncoder c;
      c.PutU32(0);  // stamp
      c.PutOpaque("client");
      c.PutU32(uid);
      c.PutU32(gid);
      c.PutU32(static_cast<uint32_t>(gids.size()));
      for (uint32_t g : gids) c.PutU32(g);
      e.PutOpaque(c.bytes());
    } else {
      e.PutOpaque(cred_body);
    }
    e.PutU32(kAuthNone);
    e.PutOpaque("");
    return e.Take() + args;
  }
};

TEST(RpcTest, ParsesAuthSysCall) {
  CallBuilder b;
  b.proc = 1;
  b.args = "ARGS";
  std::string rec = b.Build();
  CallHeader h;
  std::string_view args;
  ASSERT_EQ(ParseCall(rec, &h, &args), CallStatus::kOk);
  EXPECT_EQ(h.xid, 0x1234u);
  EXPECT_EQ(h.prog, kNfsProgram);
  EXPECT_EQ(h.vers, 3u);
  EXPECT_EQ(h.proc, 1u);
  EXPECT_EQ(h.cred.uid, 1000u);
  EXPECT_EQ(h.cred.gid, 100u);
  EXPECT_EQ(h.cred.groups, (std::vector<uint32_t>{10, 20}));
  EXPECT_EQ(args, "ARGS");
}

TEST(RpcTest, AuthNoneIsAnonymous) {
  CallBuilder b;
  b.flavor = kAuthNone;
  std::string rec = b.Build();
  CallHeader h;
  std::string_view args;
  ASSERT_EQ(ParseCall(rec, &h, &args), CallStatus::kOk);
  EXPECT_EQ(h.cred.uid, kAnonymousId);
  EXPECT_EQ(h.cred.gid, kAnonymousId);
}

TEST(RpcTest, SeventeenGidsIsBadCred) {
  CallBuilder b;
  b.gids.assign(17, 5);
  std::string rec = b.Build();
  CallHeader h;
  std::string_view args;
  EXPECT_EQ(ParseCall(rec, &h, &args), CallStatus::kBadCred);
  b.gids.assign(16, 5);
  rec = b.Build();
  EXPECT_EQ(ParseCall(rec, &h, &args), CallStatus::kOk);
}

TEST(RpcTest, TruncatedAuthSysBodyIsBadCred) {
  CallBuilder b;
  b.cred_body = std::string("\0\0\0\0", 4);
  std::string rec = b.Build();
  CallHeader h;
  std::string_view args;
  EXPECT_EQ(ParseCall(rec, &h, &args), CallStatus::kBadCred);
}

TEST(RpcTest, OversizedCredentialIsBadCred) {
  CallBuilder b;
  b.flavor = 6;  // RPCSEC_GSS
  b.cred_body = std::string(401, 'x');
  std::string rec = b.Build();
  CallHeader h;
  std::string_view args;
  EXPECT_EQ(ParseCall(rec, &h, &args), CallStatus::kBadCred);
}

TEST(RpcTest, OtherFlavourIsTooWeak) {
  CallBuilder b;
  b.flavor = 3;  // AUTH_DH
  b.cred_body = "abcd";
  std::string rec = b.Build();
  CallHeader h;
  std::string_view args;
  EXPECT_EQ(ParseCall(rec, &h, &args), CallStatus::kTooWeak);
}

TEST(RpcTest, WrongRpcVersion) {
  CallBuilder b;
  b.rpcvers = 3;
  std::string rec = b.Build();
  CallHeader h;
  std::string_view args;
  EXPECT_EQ(ParseCall(rec, &h, &args), CallStatus::kRpcMismatch);
  EXPECT_EQ(h.xid, 0x1234u);
}

TEST(RpcTest, ReplyMessageIsNotACall) {
  CallBuilder b;
  b.msg_type = kMsgReply;
  std::string rec = b.Build();
  CallHeader h;
  std::string_view args;
  EXPECT_EQ(ParseCall(rec, &h, &args), CallStatus::kNotCall);
}

TEST(RpcTest, TruncatedHeaderIsMalformed) {
  std::string rec = CallBuilder{}.Build();
  CallHeader h;
  std::string_view args;
  for (size_t n : {0, 3, 7, 11, 20, 27}) {
    EXPECT_EQ(ParseCall(rec.substr(0, n), &h, &args), CallStatus::kMalformed) << n;
  }
  // Cut inside the verifier: credentials fine, header still malformed.
  EXPECT_EQ(ParseCall(rec.substr(0, rec.size() - 2), &h, &args), CallStatus::kMalformed);
}

// ---- Reply encoding, checked through the dispatcher (no fs needed for
// these paths) ---------------------------------------------------------------

struct Reply {
  uint32_t xid, msg_type, reply_stat;
  std::vector<uint32_t> rest;  // words after reply_stat
};

Reply Decode(const std::string& rec) {
  XdrDecoder d(rec);
  uint32_t mark;
  Reply r{};
  EXPECT_TRUE(d.GetU32(&mark));
  EXPECT_EQ(mark & 0x7fffffffu, rec.size() - 4);
  d.GetU32(&r.xid);
  d.GetU32(&r.msg_type);
  d.GetU32(&r.reply_stat);
  uint32_t w;
  while (d.GetU32(&w)) r.rest.push_back(w);
  return r;
}

std::string Dispatch(const std::string& record, Dispatcher::Outcome* out = nullptr) {
  static Dispatcher dispatcher(ServerState{});
  ConnectionInfo conn{2049, "127.0.0.1"};
  std::string reply;
  auto o = dispatcher.Handle(record, conn, &reply);
  if (out) *out = o;
  return reply;
}

TEST(RpcReplyTest, RpcMismatchGivesVersionRange) {
  CallBuilder b;
  b.rpcvers = 1;
  Reply r = Decode(Dispatch(b.Build()));
  EXPECT_EQ(r.xid, 0x1234u);
  EXPECT_EQ(r.msg_type, kMsgReply);
  EXPECT_EQ(r.reply_stat, kMsgDenied);
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 2, 2}));
}

TEST(RpcReplyTest, AuthErrors) {
  CallBuilder b;
  b.flavor = 6;
  b.cred_body = "gss!";
  Reply r = Decode(Dispatch(b.Build()));
  EXPECT_EQ(r.reply_stat, kMsgDenied);
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{1, static_cast<uint32_t>(AuthStat::kTooWeak)}));
  CallBuilder bad;
  bad.gids.assign(20, 1);
  r = Decode(Dispatch(bad.Build()));
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{1, static_cast<uint32_t>(AuthStat::kBadCred)}));
}

TEST(RpcReplyTest, UnknownProgramIsProgUnavail) {
  CallBuilder b;
  b.prog = 100021;  // NLM
  Reply r = Decode(Dispatch(b.Build()));
  EXPECT_EQ(r.reply_stat, kMsgAccepted);
  // verifier flavor, verifier length, accept_stat
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 0, 1}));
}

TEST(RpcReplyTest, WrongVersionIsProgMismatchWithRange) {
  CallBuilder b;
  b.vers = 4;
  Reply r = Decode(Dispatch(b.Build()));
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 0, 2, 3, 3}));
  b.prog = kMountProgram;
  b.vers = 1;
  r = Decode(Dispatch(b.Build()));
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 0, 2, 3, 3}));
  b.prog = kPortmapProgram;
  b.vers = 4;
  r = Decode(Dispatch(b.Build()));
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 0, 2, 2, 2}));
}

TEST(RpcReplyTest, UnknownProcedureIsProcUnavail) {
  for (uint32_t prog : {kNfsProgram, kMountProgram, kPortmapProgram}) {
    CallBuilder b;
    b.prog = prog;
    b.vers = prog == kPortmapProgram ? 2 : 3;
    b.proc = 99;
    Reply r = Decode(Dispatch(b.Build()));
    EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 0, 3})) << prog;
  }
}

TEST(RpcReplyTest, GarbageArgumentsForEveryNfsProcedure) {
  for (uint32_t proc = 0; proc < kNfs3ProcCount; proc++) {
    CallBuilder b;
    b.proc = proc;
    b.args = "\x01\x02";  // never valid: not a multiple of four
    Reply r = Decode(Dispatch(b.Build()));
    EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 0, 4})) << proc;
  }
}

TEST(RpcReplyTest, NullProcedureSucceeds) {
  CallBuilder b;
  Reply r = Decode(Dispatch(b.Build()));
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 0, 0}));
}

TEST(RpcReplyTest, PortmapGetportAnswersThisPortForNfsAndMountOverTcp) {
  auto getport = [](uint32_t prog, uint32_t vers, uint32_t prot) {
    CallBuilder b;
    b.prog = kPortmapProgram;
    b.vers = 2;
    b.proc = 3;
    b.flavor = kAuthNone;
    XdrEncoder a;
    a.PutU32(prog);
    a.PutU32(vers);
    a.PutU32(prot);
    a.PutU32(0);
    b.args = a.Take();
    return Decode(Dispatch(b.Build())).rest;
  };
  EXPECT_EQ(getport(kNfsProgram, 3, 6), (std::vector<uint32_t>{0, 0, 0, 2049}));
  EXPECT_EQ(getport(kMountProgram, 3, 6), (std::vector<uint32_t>{0, 0, 0, 2049}));
  EXPECT_EQ(getport(kNfsProgram, 3, 17), (std::vector<uint32_t>{0, 0, 0, 0}));
  EXPECT_EQ(getport(kNfsProgram, 4, 6), (std::vector<uint32_t>{0, 0, 0, 0}));
  EXPECT_EQ(getport(100021, 4, 6), (std::vector<uint32_t>{0, 0, 0, 0}));
}

TEST(RpcReplyTest, MountExportListsRoot) {
  CallBuilder b;
  b.prog = kMountProgram;
  b.proc = 5;
  Reply r = Decode(Dispatch(b.Build()));
  // accepted, SUCCESS, then: follows, "/" (len 1 + pad), no groups, end.
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 0, 0, 1, 1, 0x2f000000, 0, 0}));
}

TEST(RpcReplyTest, MalformedHeaderClosesConnection) {
  Dispatcher::Outcome o;
  Dispatch(std::string("\0\0\0\x01", 4), &o);
  EXPECT_EQ(o, Dispatcher::Outcome::kClose);
  CallBuilder b;
  b.msg_type = kMsgReply;
  Dispatch(b.Build(), &o);
  EXPECT_EQ(o, Dispatcher::Outcome::kIgnore);
}

TEST(RpcPlacementTest, MetadataInlineDataAndFlushesOnWorkers) {
  using P = Dispatcher::Placement;
  auto place = [](uint32_t prog, uint32_t proc) {
    CallBuilder b;
    b.prog = prog;
    b.proc = proc;
    return Dispatcher::Place(b.Build());
  };
  auto nfs = [&](Nfs3Proc p) { return place(kNfsProgram, static_cast<uint32_t>(p)); };
  EXPECT_EQ(nfs(Nfs3Proc::kNull), P::kInline);
  EXPECT_EQ(nfs(Nfs3Proc::kGetattr), P::kInline);
  EXPECT_EQ(nfs(Nfs3Proc::kLookup), P::kInline);
  EXPECT_EQ(nfs(Nfs3Proc::kAccess), P::kInline);
  EXPECT_EQ(nfs(Nfs3Proc::kFsinfo), P::kInline);
  EXPECT_EQ(nfs(Nfs3Proc::kRead), P::kTryInline);
  EXPECT_EQ(nfs(Nfs3Proc::kCreate), P::kInlineIfIdle);
  EXPECT_EQ(nfs(Nfs3Proc::kRemove), P::kInlineIfIdle);
  EXPECT_EQ(nfs(Nfs3Proc::kWrite), P::kWorker);
  EXPECT_EQ(nfs(Nfs3Proc::kCommit), P::kWorker);
  EXPECT_EQ(nfs(Nfs3Proc::kReaddirplus), P::kWorker);
  EXPECT_EQ(place(kNfsProgram, 99), P::kInline);  // PROC_UNAVAIL
  EXPECT_EQ(place(kMountProgram, static_cast<uint32_t>(MountProc::kMnt)), P::kWorker);
  EXPECT_EQ(place(kMountProgram, 0), P::kInline);
  EXPECT_EQ(place(kPortmapProgram, 3), P::kInline);
  EXPECT_EQ(Dispatcher::Place("short"), P::kInline);
}

}  // namespace
}  // namespace zerofs::nfs
