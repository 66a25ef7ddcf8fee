#include "ninep_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "base/coding.h"

namespace zerofs::ninep {

void NinepTest::SetUp() {
  env_ = zerofs::testing::TestEnv::Create(env_options_);
  options_.addresses = {config::ListenAddress{"127.0.0.1", 0}};
  options_.unix_socket = env_->dir() + "/9p.sock";
  StartServer();
}

void NinepTest::TearDown() {
  StopServer();
  env_.reset();
}

void NinepTest::StartServer() {
  auto s = StartNinepServer(env_->fs(), options_);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  server_ = std::move(s).value();
  for (const auto& ep : server_->Endpoints()) {
    if (ep.starts_with("unix:")) {
      unix_ = ep;
    } else {
      tcp_ = ep;
    }
  }
  ASSERT_FALSE(tcp_.empty());
  ASSERT_FALSE(unix_.empty());
}

void NinepTest::StopServer() {
  if (server_) server_->Stop();
  server_.reset();
}

std::unique_ptr<Client> NinepTest::Connect(const std::string& address, uint32_t msize,
                                           bool zerofs) {
  ClientOptions o;
  o.msize = msize;
  o.ask_zerofs = zerofs;
  auto c = Client::Connect(address, o);
  EXPECT_TRUE(c.ok()) << c.error().ToString();
  if (!c.ok()) return nullptr;
  return std::move(c).value();
}

uint32_t NinepTest::AttachAs(Client* c, uint32_t uid) {
  uint32_t fid = c->AllocFid();
  auto q = c->Attach(fid, "", uid);
  EXPECT_TRUE(q.ok()) << q.error().ToString();
  return fid;
}

void NinepTest::MakeFile(Client* c, uint32_t root, const std::string& name, const std::string& data,
                         uint32_t mode) {
  auto fid = c->WalkNew(root, {});
  ASSERT_TRUE(fid.ok());
  auto o = c->Lcreate(*fid, name, kOpenCreate | kOpenWronly, mode, 0);
  ASSERT_TRUE(o.ok()) << o.error().ToString();
  for (size_t off = 0; off < data.size();) {
    auto n = c->Write(*fid, off, std::string_view(data).substr(off));
    ASSERT_TRUE(n.ok()) << n.error().ToString();
    off += *n;
  }
  ASSERT_TRUE(c->Clunk(*fid).ok());
}

Result<uint32_t> NinepTest::OpenPath(Client* c, uint32_t root, const std::vector<std::string>& path,
                                     uint32_t flags) {
  ZFS_ASSIGN_OR_RETURN(uint32_t fid, c->WalkNew(root, path));
  auto o = c->Lopen(fid, flags);
  if (!o.ok()) {
    c->Clunk(fid).Ignore();
    return o.error();
  }
  return fid;
}

std::string NinepTest::ReadAll(Client* c, uint32_t fid) {
  std::string out;
  for (;;) {
    auto chunk = c->Read(fid, out.size(), c->iounit());
    EXPECT_TRUE(chunk.ok()) << chunk.error().ToString();
    if (!chunk.ok() || chunk->empty()) return out;
    out += *chunk;
  }
}

// ---- RawConn -----------------------------------------------------------------

RawConn::RawConn(const std::string& address) {
  if (address.starts_with("unix:")) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::string path = address.substr(5);
    std::memcpy(sa.sun_path, path.data(), path.size());
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0) {
      ::close(fd_);
      fd_ = -1;
    }
    return;
  }
  auto colon = address.rfind(':');
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &sa.sin_addr);
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConn::~RawConn() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConn::Send(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

namespace {
bool RecvAll(int fd, char* p, size_t n, int timeout_ms) {
  while (n > 0) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) <= 0) return false;
    ssize_t r = ::recv(fd, p, n, 0);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}
}  // namespace

std::optional<std::string> RawConn::ReadFrame(int timeout_ms) {
  char size_field[4];
  if (!RecvAll(fd_, size_field, 4, timeout_ms)) return std::nullopt;
  uint32_t size = LoadLE32(size_field);
  if (size < kHeaderSize || size > (64u << 20)) return std::nullopt;
  std::string frame(size, '\0');
  std::memcpy(frame.data(), size_field, 4);
  if (!RecvAll(fd_, frame.data() + 4, size - 4, timeout_ms)) return std::nullopt;
  return frame;
}

bool RawConn::WaitClosed(int timeout_ms) {
  char buf[4096];
  for (;;) {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) <= 0) return false;
    ssize_t r = ::recv(fd_, buf, sizeof(buf), 0);
    if (r <= 0) return true;
  }
}

std::optional<Response> RawConn::Version(uint32_t msize, const std::string& version) {
  if (!Send(EncodeRequest(kNoTag, Tversion{msize, version}))) return std::nullopt;
  auto f = ReadFrame();
  if (!f) return std::nullopt;
  keep_ = std::move(*f);
  auto r = DecodeResponse(keep_);
  if (!r.ok()) return std::nullopt;
  return std::move(r).value();
}

}  // namespace zerofs::ninep
