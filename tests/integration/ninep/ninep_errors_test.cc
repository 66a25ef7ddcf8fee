// Bad input: unknown fids, oversized walks, malformed and truncated frames,
// unknown message types. The server answers Rlerror or closes the one
// connection; it never crashes, and other connections keep working.
#include "base/coding.h"
#include "ninep_harness.h"

namespace zerofs::ninep {
namespace {

class NinepErrorsTest : public NinepTest {
 protected:
  // A raw connection that has negotiated 9P2000.L with msize 8192.
  std::unique_ptr<RawConn> Versioned(const std::string& addr) {
    auto raw = std::make_unique<RawConn>(addr);
    EXPECT_TRUE(raw->ok());
    auto r = raw->Version(8192);
    EXPECT_TRUE(r.has_value());
    return raw;
  }
  // Sends a frame and returns the reply's Rlerror code (0 if not Rlerror).
  uint32_t ErrorOf(RawConn* raw, const std::string& frame) {
    EXPECT_TRUE(raw->Send(frame));
    auto reply = raw->ReadFrame();
    EXPECT_TRUE(reply.has_value());
    if (!reply) return 0;
    auto r = DecodeResponse(*reply);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return 0;
    auto* e = std::get_if<Rlerror>(&r->msg);
    return e ? e->ecode : 0;
  }
  // The server still serves a fresh client.
  void ExpectServerHealthy() {
    auto c = ConnectTcp();
    ASSERT_TRUE(c);
    uint32_t root = AttachAs(c.get(), 0);
    EXPECT_TRUE(c->Getattr(root).ok());
  }
};

TEST_F(NinepErrorsTest, UnknownFidsAreEbadf) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  EXPECT_EQ(c->Getattr(999).error().sys_errno(), EBADF);
  EXPECT_EQ(c->Read(999, 0, 10).error().sys_errno(), EBADF);
  EXPECT_EQ(c->Write(999, 0, "x").error().sys_errno(), EBADF);
  EXPECT_EQ(c->Lopen(999, 0).error().sys_errno(), EBADF);
  EXPECT_EQ(c->Walk(999, 1000, {}).error().sys_errno(), EBADF);
  EXPECT_EQ(c->Clunk(999).error().sys_errno(), EBADF);
  EXPECT_EQ(c->Mkdir(999, "d", 0755, 0).error().sys_errno(), EBADF);
  EXPECT_EQ(c->Fsync(999).error().sys_errno(), EBADF);
  Tlock l;
  l.fid = 999;
  EXPECT_EQ(c->Lock(l).error().sys_errno(), EBADF);
  // Fid numbers in use.
  EXPECT_EQ(c->Attach(root, "", 0).error().sys_errno(), EBADF);
  uint32_t other = c->WalkNew(root, {}).value();
  EXPECT_EQ(c->Walk(root, other, {}).error().sys_errno(), EBADF);
  // A clunked fid is gone.
  ASSERT_TRUE(c->Clunk(other).ok());
  EXPECT_EQ(c->Getattr(other).error().sys_errno(), EBADF);
}

TEST_F(NinepErrorsTest, WalkOfSeventeenNamesIsEinval) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  std::vector<std::string> names(17, ".");
  auto reply = c->Rpc(Twalk{root, c->AllocFid(), names});
  ASSERT_TRUE(reply.ok());
  ASSERT_TRUE(std::holds_alternative<Rlerror>(reply->msg));
  EXPECT_EQ(std::get<Rlerror>(reply->msg).ecode, static_cast<uint32_t>(EINVAL));
  names.resize(16);
  EXPECT_EQ(c->Walk(root, c->AllocFid(), names).value().size(), 16u);
}

TEST_F(NinepErrorsTest, OpenStateErrors) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "f", "abc");
  uint32_t f = c->WalkNew(root, {"f"}).value();
  EXPECT_EQ(c->Read(f, 0, 10).error().sys_errno(), EBADF);  // not open
  ASSERT_TRUE(c->Lopen(f, kOpenRdonly).ok());
  EXPECT_EQ(c->Lopen(f, kOpenRdonly).error().sys_errno(), EINVAL);  // twice
  EXPECT_EQ(c->Lopen(c->WalkNew(root, {"f"}).value(), kOpenDirectory).error().sys_errno(), ENOTDIR);
  EXPECT_EQ(c->Lopen(c->WalkNew(root, {}).value(), kOpenWronly).error().sys_errno(), EISDIR);
}

TEST_F(NinepErrorsTest, UnknownMessageTypeIsEopnotsupp) {
  auto raw = Versioned(tcp_);
  // Legacy 9P2000 Topen (112): size tag fid mode.
  std::string frame;
  PutLE32(&frame, 7 + 5);
  PutU8(&frame, 112);
  PutLE16(&frame, 1);
  PutLE32(&frame, 0);
  PutU8(&frame, 0);
  EXPECT_EQ(ErrorOf(raw.get(), frame), static_cast<uint32_t>(EOPNOTSUPP));
  frame[4] = static_cast<char>(201);
  EXPECT_EQ(ErrorOf(raw.get(), frame), static_cast<uint32_t>(EOPNOTSUPP));
  // Tauth: no authentication.
  EXPECT_EQ(ErrorOf(raw.get(), EncodeRequest(2, Tauth{1, "u", "", 0})),
            static_cast<uint32_t>(EOPNOTSUPP));
}

TEST_F(NinepErrorsTest, MalformedBodyIsEinvalAndConnectionSurvives) {
  auto raw = Versioned(tcp_);
  std::string frame = EncodeRequest(3, Tunlinkat{1, "name", 0});
  frame[kHeaderSize + 4] = '\x70';  // name length past the frame
  EXPECT_EQ(ErrorOf(raw.get(), frame), static_cast<uint32_t>(EINVAL));
  frame = EncodeRequest(4, Tclunk{1});
  frame += "xx";
  frame[0] = static_cast<char>(frame.size());
  EXPECT_EQ(ErrorOf(raw.get(), frame), static_cast<uint32_t>(EINVAL));
  // Still usable.
  ASSERT_TRUE(raw->Send(EncodeRequest(5, Tattach{1, kNoFid, "", "", 0})));
  auto reply = raw->ReadFrame();
  ASSERT_TRUE(reply.has_value());
  EXPECT_TRUE(std::holds_alternative<Rattach>(DecodeResponse(*reply)->msg));
}

TEST_F(NinepErrorsTest, MessagesBeforeVersionAreEproto) {
  RawConn raw(tcp_);
  EXPECT_EQ(ErrorOf(&raw, EncodeRequest(1, Tattach{1, kNoFid, "", "", 0})),
            static_cast<uint32_t>(EPROTO));
}

TEST_F(NinepErrorsTest, UndersizedFrameClosesConnection) {
  for (uint32_t size : {0u, 1u, 6u}) {
    auto raw = Versioned(tcp_);
    std::string frame;
    PutLE32(&frame, size);
    frame += std::string(3, '\0');
    ASSERT_TRUE(raw->Send(frame));
    EXPECT_TRUE(raw->WaitClosed()) << size;
  }
  ExpectServerHealthy();
}

TEST_F(NinepErrorsTest, OversizedFrameClosesConnection) {
  auto raw = Versioned(unix_);
  std::string frame;
  PutLE32(&frame, 8193);  // msize is 8192
  PutU8(&frame, static_cast<uint8_t>(MsgType::kTwrite));
  PutLE16(&frame, 1);
  ASSERT_TRUE(raw->Send(frame));
  EXPECT_TRUE(raw->WaitClosed());
  // Before Tversion the limit is the server's maximum msize.
  RawConn raw2(tcp_);
  frame.clear();
  PutLE32(&frame, 0xFFFFFFFF);
  ASSERT_TRUE(raw2.Send(frame));
  EXPECT_TRUE(raw2.WaitClosed());
  ExpectServerHealthy();
}

TEST_F(NinepErrorsTest, TruncatedFrameThenHangupDoesNotDisturbOthers) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "keep", "kept");
  for (int i = 0; i < 20; i++) {
    auto raw = Versioned(i % 2 ? tcp_ : unix_);
    std::string frame = EncodeRequest(1, Twrite{1, 0, std::string(4000, 'w')});
    ASSERT_TRUE(raw->Send(frame.substr(0, 100 + i * 37)));
    // raw goes out of scope: the server sees EOF mid-frame.
  }
  auto f = OpenPath(c.get(), root, {"keep"}, kOpenRdonly);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(ReadAll(c.get(), *f), "kept");
  ExpectServerHealthy();
}

TEST_F(NinepErrorsTest, GarbageStreamsNeverCrashTheServer) {
  uint64_t seed = 12345;
  auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(seed >> 33);
  };
  for (int i = 0; i < 50; i++) {
    auto raw = Versioned(tcp_);
    // Well-framed messages with random type and random body.
    for (int j = 0; j < 20; j++) {
      std::string body(next() % 64, '\0');
      for (auto& ch : body) ch = static_cast<char>(next());
      std::string frame;
      PutLE32(&frame, static_cast<uint32_t>(kHeaderSize + body.size()));
      PutU8(&frame, static_cast<uint8_t>(next()));
      PutLE16(&frame, static_cast<uint16_t>(j));
      frame += body;
      if (!raw->Send(frame)) break;
    }
  }
  ExpectServerHealthy();
}

TEST_F(NinepErrorsTest, ReversionDropsFids) {
  auto raw = Versioned(tcp_);
  ASSERT_TRUE(raw->Send(EncodeRequest(1, Tattach{7, kNoFid, "", "", 0})));
  ASSERT_TRUE(raw->ReadFrame().has_value());
  ASSERT_TRUE(raw->Version(8192).has_value());
  EXPECT_EQ(ErrorOf(raw.get(), EncodeRequest(2, Tgetattr{7, kGetattrAll})),
            static_cast<uint32_t>(EBADF));
}

}  // namespace
}  // namespace zerofs::ninep
