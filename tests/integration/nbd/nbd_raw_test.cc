// The NBD server fed raw bytes: malformed and unusual handshakes and
// requests that libnbd would never send. Each bad connection must be
// answered as the spec says or closed, without disturbing other clients.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>

#include "base/coding.h"
#include "nbd/wire.h"
#include "nbd_harness.h"

namespace zerofs::nbd::testing {
namespace {

// A blocking TCP connection with a receive timeout.
class RawConn {
 public:
  explicit RawConn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConn() { ::close(fd_); }

  bool connected() const { return connected_; }

  void Send(const std::string& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Exactly n bytes, or fewer if the peer closed or timed out.
  std::string Recv(size_t n) {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
    out.resize(got);
    return out;
  }
  // True if the server closed the connection (EOF before any byte).
  bool Closed() { return Recv(1).empty(); }

  // Reads the greeting and sends client flags.
  void Handshake(uint32_t client_flags) {
    std::string greeting = Recv(kGreetingSize);
    ASSERT_EQ(greeting.size(), kGreetingSize);
    EXPECT_EQ(greeting.substr(0, 16), "NBDMAGICIHAVEOPT");
    EXPECT_EQ(greeting.substr(16), std::string("\0\3", 2));
    std::string flags;
    PutBE32(&flags, client_flags);
    Send(flags);
  }

  void SendOption(uint32_t option, const std::string& data, uint64_t magic = kIHaveOpt) {
    std::string out;
    EncodeOptionHeader(&out, OptionHeader{magic, option, static_cast<uint32_t>(data.size())});
    Send(out + data);
  }
  // One option reply: header (checked for magic and option) and its data.
  OptionReplyHeader RecvReply(uint32_t option, std::string* data = nullptr) {
    OptionReplyHeader h;
    std::string raw = Recv(kOptionReplyHeaderSize);
    EXPECT_TRUE(DecodeOptionReplyHeader(raw, &h)) << "got " << raw.size() << " bytes";
    EXPECT_EQ(h.magic, kOptionReplyMagic);
    EXPECT_EQ(h.option, option);
    std::string body = Recv(h.length);
    if (data) *data = body;
    return h;
  }

  void SendRequest(uint16_t type, uint64_t offset, uint32_t length, uint16_t flags = 0,
                   uint64_t cookie = 1, uint32_t magic = kRequestMagic) {
    std::string out;
    RequestHeader h;
    h.magic = magic;
    h.type = type;
    h.flags = flags;
    h.cookie = cookie;
    h.offset = offset;
    h.length = length;
    EncodeRequestHeader(&out, h);
    Send(out);
  }
  SimpleReply RecvSimple() {
    SimpleReply r;
    EXPECT_TRUE(DecodeSimpleReply(Recv(kSimpleReplySize), &r));
    EXPECT_EQ(r.magic, kSimpleReplyMagic);
    return r;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

std::string GoPayload(const std::string& name, std::initializer_list<uint16_t> infos) {
  std::string s;
  PutBE32(&s, static_cast<uint32_t>(name.size()));
  s += name;
  s.push_back(0);
  s.push_back(static_cast<char>(infos.size()));
  for (uint16_t i : infos) {
    s.push_back(static_cast<char>(i >> 8));
    s.push_back(static_cast<char>(i));
  }
  return s;
}

class NbdRawTest : public NbdServerTest {
 protected:
  void SetUp() override {
    NbdServerTest::SetUp();
    MakeExport("vol1", 1 << 20);
  }
  int port() { return std::stoi(port_); }
  RawConn* Open() {
    conn_ = std::make_unique<RawConn>(port());
    EXPECT_TRUE(conn_->connected());
    return conn_.get();
  }
  // GO to vol1, optionally after STRUCTURED_REPLY; returns the transmission flags.
  uint16_t AttachWithGo(RawConn* c, bool structured) {
    c->Handshake(kClientFlagFixedNewstyle | kClientFlagNoZeroes);
    if (structured) {
      c->SendOption(kOptStructuredReply, "");
      EXPECT_EQ(c->RecvReply(kOptStructuredReply).type, kRepAck);
    }
    c->SendOption(kOptGo, GoPayload("vol1", {}));
    uint16_t flags = 0;
    for (;;) {
      std::string data;
      OptionReplyHeader h = c->RecvReply(kOptGo, &data);
      if (h.type == kRepAck || h.type != kRepInfo) {
        EXPECT_EQ(h.type, kRepAck);
        break;
      }
      if (data.size() == kInfoExportSize && data[1] == kInfoExport) {
        EXPECT_EQ(LoadBE64(data.data() + 2), 1u << 20);
        flags = static_cast<uint16_t>((static_cast<uint8_t>(data[10]) << 8) |
                                      static_cast<uint8_t>(data[11]));
      }
    }
    return flags;
  }
  // A libnbd client still works while raw connections misbehave.
  void ExpectServerHealthy() {
    Handle h = Connect("vol1");
    char buf[512];
    EXPECT_EQ(nbd_pread(h.get(), buf, sizeof buf, 0, 0), 0) << NbdError();
  }

  std::unique_ptr<RawConn> conn_;
};

TEST_F(NbdRawTest, UnknownClientFlagsCloseTheConnection) {
  RawConn* c = Open();
  c->Handshake(1u << 5);
  EXPECT_TRUE(c->Closed());
  ExpectServerHealthy();
}

TEST_F(NbdRawTest, BadOptionMagicClosesTheConnection) {
  RawConn* c = Open();
  c->Handshake(kClientFlagFixedNewstyle);
  c->SendOption(kOptList, "", kNbdMagic);
  EXPECT_TRUE(c->Closed());
  ExpectServerHealthy();
}

TEST_F(NbdRawTest, OversizedOptionIsRefusedAndClosed) {
  RawConn* c = Open();
  c->Handshake(kClientFlagFixedNewstyle);
  std::string header;
  EncodeOptionHeader(&header, OptionHeader{kIHaveOpt, kOptGo, 64u << 20});
  c->Send(header);
  EXPECT_EQ(c->RecvReply(kOptGo).type, kRepErrTooBig);
  EXPECT_TRUE(c->Closed());
  ExpectServerHealthy();
}

TEST_F(NbdRawTest, UnsupportedOptionsGetErrUnsupAndHagglingContinues) {
  RawConn* c = Open();
  c->Handshake(kClientFlagFixedNewstyle | kClientFlagNoZeroes);
  for (uint32_t opt :
       {0x1234u, kOptStartTls, kOptListMetaContext, kOptSetMetaContext, kOptExtendedHeaders}) {
    c->SendOption(opt, "abc");
    EXPECT_EQ(c->RecvReply(opt).type, kRepErrUnsup) << OptionName(opt);
  }
  c->SendOption(kOptList, "");
  std::string data;
  OptionReplyHeader h = c->RecvReply(kOptList, &data);
  EXPECT_EQ(h.type, kRepServer);
  EXPECT_EQ(data, std::string("\0\0\0\4vol1", 8));
  EXPECT_EQ(c->RecvReply(kOptList).type, kRepAck);
}

TEST_F(NbdRawTest, MalformedOptionsGetErrInvalid) {
  RawConn* c = Open();
  c->Handshake(kClientFlagFixedNewstyle);
  c->SendOption(kOptList, "x");
  EXPECT_EQ(c->RecvReply(kOptList).type, kRepErrInvalid);
  c->SendOption(kOptStructuredReply, "x");
  EXPECT_EQ(c->RecvReply(kOptStructuredReply).type, kRepErrInvalid);
  std::string bad = GoPayload("vol1", {1, 2});
  bad.pop_back();
  c->SendOption(kOptGo, bad);
  EXPECT_EQ(c->RecvReply(kOptGo).type, kRepErrInvalid);
  c->SendOption(kOptInfo, std::string("\0\0\1\0", 4));
  EXPECT_EQ(c->RecvReply(kOptInfo).type, kRepErrInvalid);
  // Still negotiating: a good GO works.
  c->SendOption(kOptGo, GoPayload("vol1", {}));
  EXPECT_EQ(c->RecvReply(kOptGo).type, kRepInfo);
}

TEST_F(NbdRawTest, GoForMissingExportIsErrUnknown) {
  RawConn* c = Open();
  c->Handshake(kClientFlagFixedNewstyle);
  for (const char* name : {"nope", "", "..", "a/b"}) {
    c->SendOption(kOptGo, GoPayload(name, {}));
    std::string msg;
    EXPECT_EQ(c->RecvReply(kOptGo, &msg).type, kRepErrUnknown) << name;
    EXPECT_FALSE(msg.empty());
  }
}

TEST_F(NbdRawTest, AbortIsAcknowledged) {
  RawConn* c = Open();
  c->Handshake(kClientFlagFixedNewstyle);
  c->SendOption(kOptAbort, "");
  EXPECT_EQ(c->RecvReply(kOptAbort).type, kRepAck);
  EXPECT_TRUE(c->Closed());
}

TEST_F(NbdRawTest, ExportNameWithAndWithoutZeroes) {
  for (bool no_zeroes : {true, false}) {
    RawConn* c = Open();
    c->Handshake(kClientFlagFixedNewstyle | (no_zeroes ? kClientFlagNoZeroes : 0));
    c->SendOption(kOptExportName, "vol1");
    std::string reply = c->Recv(kExportNameReplySize + (no_zeroes ? 0 : kExportNameZeroes));
    ASSERT_EQ(reply.size(), kExportNameReplySize + (no_zeroes ? 0 : kExportNameZeroes));
    EXPECT_EQ(LoadBE64(reply.data()), 1u << 20);
    EXPECT_TRUE(reply[9] & kTxHasFlags);
    if (!no_zeroes) {
      EXPECT_EQ(reply.substr(10), std::string(kExportNameZeroes, '\0'));
    }
    // Transmission follows immediately.
    c->SendRequest(kCmdRead, 0, 16, 0, 99);
    SimpleReply r = c->RecvSimple();
    EXPECT_EQ(r.error, 0u);
    EXPECT_EQ(r.cookie, 99u);
    EXPECT_EQ(c->Recv(16), std::string(16, '\0'));
    c->SendRequest(kCmdDisc, 0, 0);
    EXPECT_TRUE(c->Closed());
  }
}

TEST_F(NbdRawTest, ExportNameForMissingExportCloses) {
  RawConn* c = Open();
  c->Handshake(kClientFlagFixedNewstyle);
  c->SendOption(kOptExportName, "nope");
  EXPECT_TRUE(c->Closed());
  ExpectServerHealthy();
}

TEST_F(NbdRawTest, TruncatedOptionPayloadThenEof) {
  {
    RawConn c(port());
    c.Handshake(kClientFlagFixedNewstyle);
    std::string header;
    EncodeOptionHeader(&header, OptionHeader{kIHaveOpt, kOptGo, 100});
    c.Send(header + "short");
  }
  ExpectServerHealthy();
}

TEST_F(NbdRawTest, TransmissionFlagsAfterGo) {
  RawConn* c = Open();
  uint16_t flags = AttachWithGo(c, /*structured=*/true);
  EXPECT_EQ(flags, kTxHasFlags | kTxSendFlush | kTxSendFua | kTxSendTrim | kTxSendWriteZeroes |
                       kTxSendDf | kTxCanMultiConn | kTxSendCache | kTxSendFastZero);
}

TEST_F(NbdRawTest, UnknownCommandsAndFlagsAreEinval) {
  RawConn* c = Open();
  AttachWithGo(c, /*structured=*/false);
  c->SendRequest(kCmdBlockStatus, 0, 512, 0, 1);
  EXPECT_EQ(c->RecvSimple().error, kEInval);
  c->SendRequest(77, 0, 512, 0, 2);
  EXPECT_EQ(c->RecvSimple().error, kEInval);
  c->SendRequest(kCmdTrim, 0, 512, kCmdFlagNoHole, 3);
  EXPECT_EQ(c->RecvSimple().error, kEInval);
  // A refused WRITE's payload is skipped, so the next request is in sync.
  c->SendRequest(kCmdWrite, 0, 4, kCmdFlagDf, 4);
  c->Send("data");
  EXPECT_EQ(c->RecvSimple().error, kEInval);
  c->SendRequest(kCmdFlush, 0, 0, 0, 5);
  SimpleReply r = c->RecvSimple();
  EXPECT_EQ(r.error, 0u);
  EXPECT_EQ(r.cookie, 5u);
}

TEST_F(NbdRawTest, BadRequestMagicClosesOnlyThatConnection) {
  RawConn* c = Open();
  AttachWithGo(c, false);
  c->SendRequest(kCmdRead, 0, 512, 0, 1, 0xdeadbeef);
  EXPECT_TRUE(c->Closed());
  ExpectServerHealthy();
  EXPECT_TRUE(WaitForOpenInodes(0));
}

TEST_F(NbdRawTest, StructuredReadErrorIsAnErrorChunk) {
  RawConn* c = Open();
  AttachWithGo(c, /*structured=*/true);
  c->SendRequest(kCmdRead, (1 << 20) - 1, 2, 0, 42);
  StructuredReplyHeader h;
  ASSERT_TRUE(DecodeStructuredReplyHeader(c->Recv(kStructuredReplyHeaderSize), &h));
  EXPECT_EQ(h.magic, kStructuredReplyMagic);
  EXPECT_EQ(h.type, kReplyTypeError);
  EXPECT_EQ(h.flags, kReplyFlagDone);
  EXPECT_EQ(h.cookie, 42u);
  std::string payload = c->Recv(h.length);
  ASSERT_GE(payload.size(), 6u);
  EXPECT_EQ(LoadBE32(payload.data()), kEInval);
  // A good read is one OFFSET_DATA chunk.
  c->SendRequest(kCmdRead, 4096, 8, kCmdFlagDf, 43);
  ASSERT_TRUE(DecodeStructuredReplyHeader(c->Recv(kStructuredReplyHeaderSize), &h));
  EXPECT_EQ(h.type, kReplyTypeOffsetData);
  EXPECT_EQ(h.length, 16u);
  std::string data = c->Recv(16);
  EXPECT_EQ(LoadBE64(data.data()), 4096u);
  EXPECT_EQ(data.substr(8), std::string(8, '\0'));
}

TEST_F(NbdRawTest, ClientVanishingMidRequestIsHarmless) {
  {
    RawConn c(port());
    AttachWithGo(&c, false);
    c.SendRequest(kCmdWrite, 0, 1 << 20, 0, 1);
    c.Send(std::string(1000, 'x'));  // then closes mid-payload
  }
  EXPECT_TRUE(WaitForOpenInodes(0));
  ExpectServerHealthy();
}

}  // namespace
}  // namespace zerofs::nbd::testing
