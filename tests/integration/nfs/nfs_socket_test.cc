// Malformed and hostile input on a raw TCP socket: the server answers with
// the RPC error the protocol defines or closes the connection, and keeps
// serving other connections.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <set>

#include "base/coding.h"
#include "nfs/record.h"
#include "nfs/rpc.h"
#include "nfs/xdr.h"
#include "nfs_harness.h"

namespace zerofs::nfs::testing {
namespace {

class Sock {
 public:
  explicit Sock(int port, bool ipv6 = false) {
    fd_ = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (ipv6) {
      sockaddr_in6 a{};
      a.sin6_family = AF_INET6;
      a.sin6_port = htons(static_cast<uint16_t>(port));
      a.sin6_addr = in6addr_loopback;
      EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
      return;
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  }
  ~Sock() { close(fd_); }

  void Send(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  // One record, or "" on EOF/timeout.
  std::string ReadRecord(int timeout_ms = 5000) {
    std::string header = ReadN(4, timeout_ms);
    if (header.size() < 4) return "";
    uint32_t mark = LoadBE32(header.data());
    return ReadN(mark & 0x7fffffff, timeout_ms);
  }
  // True if the peer closed the connection within the timeout.
  bool Closed(int timeout_ms = 5000) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    char c;
    return recv(fd_, &c, 1, 0) <= 0;
  }
  void ShutdownWrite() { shutdown(fd_, SHUT_WR); }

 private:
  std::string ReadN(size_t n, int timeout_ms) {
    std::string out;
    while (out.size() < n) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, timeout_ms) <= 0) break;
      char buf[65536];
      ssize_t r = recv(fd_, buf, std::min(sizeof(buf), n - out.size()), 0);
      if (r <= 0) break;
      out.append(buf, static_cast<size_t>(r));
    }
    return out;
  }
  int fd_;
};

std::string Call(uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc,
                 const std::string& args = "", uint32_t rpcvers = 2, uint32_t flavor = kAuthNone) {
  XdrEncoder e;
  e.PutU32(xid);
  e.PutU32(kMsgCall);
  e.PutU32(rpcvers);
  e.PutU32(prog);
  e.PutU32(vers);
  e.PutU32(proc);
  e.PutU32(flavor);
  e.PutOpaque(flavor == kAuthNone ? "" : "cred");
  e.PutU32(kAuthNone);
  e.PutOpaque("");
  return e.Take() + args;
}

std::string Record(const std::string& body) {
  std::string out;
  PutBE32(&out, static_cast<uint32_t>(body.size()) | kLastFragment);
  return out + body;
}

struct Reply {
  uint32_t xid = 0, reply_stat = 99;
  std::vector<uint32_t> rest;
};
Reply Parse(const std::string& rec) {
  Reply r;
  XdrDecoder d(rec);
  uint32_t type;
  d.GetU32(&r.xid);
  d.GetU32(&type);
  d.GetU32(&r.reply_stat);
  uint32_t w;
  while (d.GetU32(&w)) r.rest.push_back(w);
  return r;
}

class NfsSocketTest : public NfsServerTest {
 protected:
  // A NULL call on a fresh connection works.
  void ExpectServing() {
    Sock s(port_);
    s.Send(Record(Call(77, kNfsProgram, 3, 0)));
    Reply r = Parse(s.ReadRecord());
    EXPECT_EQ(r.xid, 77u);
    EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 0, 0}));
  }
};

TEST_F(NfsSocketTest, RpcErrors) {
  Sock s(port_);
  s.Send(Record(Call(1, 100099, 1, 0)));
  EXPECT_EQ(Parse(s.ReadRecord()).rest, (std::vector<uint32_t>{0, 0, 1}));  // PROG_UNAVAIL
  s.Send(Record(Call(2, kNfsProgram, 2, 0)));
  EXPECT_EQ(Parse(s.ReadRecord()).rest, (std::vector<uint32_t>{0, 0, 2, 3, 3}));  // PROG_MISMATCH
  s.Send(Record(Call(3, kNfsProgram, 3, 22)));
  EXPECT_EQ(Parse(s.ReadRecord()).rest, (std::vector<uint32_t>{0, 0, 3}));  // PROC_UNAVAIL
  s.Send(Record(Call(4, kNfsProgram, 3, 1, "\0\0\0\x50garbage")));
  EXPECT_EQ(Parse(s.ReadRecord()).rest, (std::vector<uint32_t>{0, 0, 4}));  // GARBAGE_ARGS
  s.Send(Record(Call(5, kNfsProgram, 3, 0, "", 3)));
  Reply r = Parse(s.ReadRecord());
  EXPECT_EQ(r.reply_stat, kMsgDenied);
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 2, 2}));  // RPC_MISMATCH 2..2
  s.Send(Record(Call(6, kNfsProgram, 3, 0, "", 2, /*AUTH_DH=*/3)));
  r = Parse(s.ReadRecord());
  EXPECT_EQ(r.reply_stat, kMsgDenied);
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{1, 5}));  // AUTH_ERROR TOOWEAK
  // The connection still works after all of that.
  s.Send(Record(Call(7, kNfsProgram, 3, 0)));
  EXPECT_EQ(Parse(s.ReadRecord()).xid, 7u);
}

TEST_F(NfsSocketTest, BadHandleInGetattr) {
  Sock s(port_);
  XdrEncoder args;
  args.PutOpaque("not-a-handle");
  s.Send(Record(Call(9, kNfsProgram, 3, 1, args.bytes())));
  Reply r = Parse(s.ReadRecord());
  EXPECT_EQ(r.rest, (std::vector<uint32_t>{0, 0, 0, 10001}));  // SUCCESS, BADHANDLE
}

TEST_F(NfsSocketTest, MultiFragmentRecord) {
  Sock s(port_);
  std::string body = Call(11, kNfsProgram, 3, 0);
  std::string stream;
  PutBE32(&stream, 5);
  stream += body.substr(0, 5);
  PutBE32(&stream, 0);
  PutBE32(&stream, static_cast<uint32_t>(body.size() - 5) | kLastFragment);
  stream += body.substr(5);
  for (char c : stream) s.Send(std::string(1, c));  // byte by byte
  EXPECT_EQ(Parse(s.ReadRecord()).xid, 11u);
}

TEST_F(NfsSocketTest, PipelinedCallsAllAnswered) {
  Sock s(port_);
  XdrEncoder fh_args;
  {
    auto c = RawClient::Connect(port_);
    fh_args.PutOpaque(c->MountRoot());
  }
  std::string batch;
  for (uint32_t i = 0; i < 200; i++) {
    batch += Record(Call(1000 + i, kNfsProgram, 3, i % 2 ? 1 : 0, i % 2 ? fh_args.bytes() : ""));
  }
  s.Send(batch);
  std::set<uint32_t> xids;
  for (int i = 0; i < 200; i++) {
    Reply r = Parse(s.ReadRecord());
    EXPECT_EQ(r.rest.at(2), 0u);
    xids.insert(r.xid);
  }
  EXPECT_EQ(xids.size(), 200u);
}

TEST_F(NfsSocketTest, OversizedRecordClosesConnection) {
  Sock s(port_);
  std::string mark;
  PutBE32(&mark, 0x7fffffff | kLastFragment);
  s.Send(mark + "xxxx");
  EXPECT_TRUE(s.Closed());
  // Many fragments adding up past the limit.
  Sock t(port_);
  std::string frag;
  PutBE32(&frag, 1u << 20);
  frag += std::string(1u << 20, 'a');
  for (int i = 0; i < 6; i++) t.Send(frag);
  EXPECT_TRUE(t.Closed());
  ExpectServing();
}

TEST_F(NfsSocketTest, MalformedHeaderClosesConnection) {
  Sock s(port_);
  s.Send(Record(std::string("\0\0\0\x01\0\0", 6)));
  EXPECT_TRUE(s.Closed());
  ExpectServing();
}

TEST_F(NfsSocketTest, TruncatedRecordThenHangUp) {
  {
    Sock s(port_);
    std::string rec = Record(Call(5, kNfsProgram, 3, 0));
    s.Send(rec.substr(0, rec.size() - 3));
  }
  {
    Sock s(port_);
    s.Send(std::string("\x80\0", 2));  // half a record mark
  }
  ExpectServing();
}

TEST_F(NfsSocketTest, RepliesInFlightAreSentAfterClientHalfClose) {
  Sock s(port_);
  s.Send(Record(Call(21, kNfsProgram, 3, 0)) + Record(Call(22, kNfsProgram, 3, 0)));
  s.ShutdownWrite();
  std::set<uint32_t> xids{Parse(s.ReadRecord()).xid, Parse(s.ReadRecord()).xid};
  EXPECT_EQ(xids, (std::set<uint32_t>{21, 22}));
}

TEST_F(NfsSocketTest, GarbageStreamNeverCrashes) {
  std::mt19937 rng(42);
  for (int round = 0; round < 50; round++) {
    Sock s(port_);
    std::string junk;
    size_t n = rng() % 2000;
    // A plausible record mark, then random bytes.
    PutBE32(&junk, static_cast<uint32_t>(n) | kLastFragment);
    for (size_t i = 0; i < n; i++) junk.push_back(static_cast<char>(rng()));
    s.Send(junk);
  }
  ExpectServing();
}

TEST_F(NfsSocketTest, ServesIpv4AndIpv6AddressesAtOnce) {
  StopServer();
  NfsServerOptions o;
  o.listen.tcp = {{"127.0.0.1", 0}, {"::1", 0}};
  auto s = StartNfsServer(env_->fs(), o);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  server_ = std::move(s).value();
  auto eps = server_->Endpoints();
  ASSERT_EQ(eps.size(), 2u);
  EXPECT_EQ(eps[1].rfind("[::1]:", 0), 0u) << eps[1];
  for (size_t i = 0; i < 2; i++) {
    int port = std::stoi(eps[i].substr(eps[i].rfind(':') + 1));
    Sock sock(port, /*ipv6=*/i == 1);
    // GETPORT answers the port the call arrived on.
    XdrEncoder args;
    for (uint32_t w : {kNfsProgram, 3u, 6u, 0u}) args.PutU32(w);
    sock.Send(Record(Call(40, kPortmapProgram, 2, 3, args.bytes())));
    EXPECT_EQ(Parse(sock.ReadRecord()).rest,
              (std::vector<uint32_t>{0, 0, 0, static_cast<uint32_t>(port)}));
  }
}

// Replies larger than the socket buffers, sent while the client is not
// reading: the server queues what does not fit and later replies (small
// GETATTRs answered on another path) must not cut into a READ's bytes.
TEST_F(NfsSocketTest, LargeReadRepliesQueueIntactWhileClientIsSlow) {
  constexpr size_t kMiB = 1 << 20;
  std::string content(4 * kMiB, '\0');
  for (size_t i = 0; i < content.size(); i++) content[i] = static_cast<char>((i * 7) ^ (i >> 12));
  nfs_context* nfs = Mount();
  nfsfh* fh = nullptr;
  ASSERT_EQ(nfs_creat(nfs, "/big", 0644, &fh), 0) << nfs_get_error(nfs);
  for (size_t off = 0; off < content.size();) {
    int w = nfs_pwrite(nfs, fh, off, content.size() - off, content.data() + off);
    ASSERT_GT(w, 0) << nfs_get_error(nfs);
    off += static_cast<size_t>(w);
  }
  nfs_close(nfs, fh);
  auto client = RawClient::Connect(port_);
  std::string handle = client->Lookup(client->MountRoot(), "big");
  ASSERT_FALSE(handle.empty());
  XdrEncoder fh_args;
  fh_args.PutOpaque(handle);

  Sock s(port_);
  std::string batch;
  constexpr uint32_t kReads = 32;
  for (uint32_t i = 0; i < kReads; i++) {
    XdrEncoder read_args;
    read_args.PutOpaque(handle);
    read_args.PutU64((i % 4) * kMiB);
    read_args.PutU32(kMiB);
    batch += Record(Call(5000 + i, kNfsProgram, 3, 6, read_args.bytes()));
    batch += Record(Call(6000 + i, kNfsProgram, 3, 1, fh_args.bytes()));
  }
  s.Send(batch);
  usleep(300 * 1000);  // the server fills the socket and queues the rest
  std::set<uint32_t> xids;
  for (uint32_t i = 0; i < 2 * kReads; i++) {
    std::string rec = s.ReadRecord();
    Reply r = Parse(rec);
    ASSERT_EQ(r.rest.size() > 3 ? r.rest[3] : 99, 0u) << "xid " << r.xid;  // NFS3_OK
    xids.insert(r.xid);
    if (r.xid < 6000) {
      // Header words, post_op_attr (1 + fattr3), count, eof, data length.
      constexpr size_t kDataAt = 7 * 4 + 4 + 84 + 3 * 4;
      ASSERT_EQ(rec.size(), kDataAt + kMiB) << "xid " << r.xid;
      const size_t off = ((r.xid - 5000) % 4) * kMiB;
      EXPECT_TRUE(rec.compare(kDataAt, kMiB, content, off, kMiB) == 0) << "xid " << r.xid;
    }
  }
  EXPECT_EQ(xids.size(), 2 * kReads);
}

}  // namespace
}  // namespace zerofs::nfs::testing
