// Client connection: socket, version negotiation, tag multiplexing, flush.
#include "ninep/client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/coding.h"
#include "config/listen_address.h"

namespace zerofs::ninep {

class Client::Call {
 public:
  uint16_t tag = 0;
  uint32_t free_fid = kNoFid;           // freed when the reply comes (ClunkNoWait)
  bool done = false;                    // guarded by Client::mu_
  std::optional<Result<Reply>> result;  // guarded by Client::mu_
  std::condition_variable cv;
};

namespace {

Error Disconnected() { return Error::Posix(ECONNRESET, "9p connection closed"); }

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// Reads one frame; nullopt on EOF, error or a size outside [7, msize].
std::optional<std::string> ReadFrame(int fd, uint32_t msize) {
  char size_field[kSizeFieldSize];
  if (!ReadAll(fd, size_field, sizeof(size_field))) return std::nullopt;
  uint32_t size = LoadLE32(size_field);
  if (!FrameSizeOk(size, msize)) return std::nullopt;
  std::string frame(size, '\0');
  std::memcpy(frame.data(), size_field, kSizeFieldSize);
  if (!ReadAll(fd, frame.data() + kSizeFieldSize, size - kSizeFieldSize)) return std::nullopt;
  return frame;
}

Result<int> Dial(const std::string& address) {
  if (address.starts_with("unix:") || address.starts_with("/")) {
    std::string path = address.starts_with("unix:") ? address.substr(5) : address;
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.size() >= sizeof(sa.sun_path)) {
      return Error::Posix(ENAMETOOLONG, "unix socket path too long: " + path);
    }
    std::memcpy(sa.sun_path, path.data(), path.size());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error::Posix(errno, "socket");
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0) {
      int e = errno;
      ::close(fd);
      return Error::Posix(e, "connect to unix:" + path + ": " + std::strerror(e));
    }
    return fd;
  }
  ZFS_ASSIGN_OR_RETURN(config::ListenAddress addr, config::ParseListenAddress(address));
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(addr.host.c_str(), std::to_string(addr.port).c_str(), &hints, &res);
  if (rc != 0) {
    return Error::Posix(EHOSTUNREACH, "resolve " + address + ": " + ::gai_strerror(rc));
  }
  int last = ECONNREFUSED;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      ::freeaddrinfo(res);
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      return fd;
    }
    last = errno;
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return Error::Posix(last, "connect to " + address + ": " + std::strerror(last));
}

}  // namespace

Result<std::unique_ptr<Client>> Client::Connect(const std::string& address,
                                                const ClientOptions& options) {
  ZFS_ASSIGN_OR_RETURN(int fd, Dial(address));
  std::unique_ptr<Client> c(new Client(fd, options.msize));
  ZFS_RETURN_IF_ERROR(c->Negotiate(options));
  c->reader_ = std::thread([p = c.get()] { p->ReaderLoop(); });
  return c;
}

Client::Client(int fd, uint32_t msize) : fd_(fd), msize_(msize) {}

Client::~Client() {
  Close();
  if (reader_.joinable()) reader_.join();
  ::close(fd_);
}

void Client::Close() { ::shutdown(fd_, SHUT_RDWR); }

// Before the reader thread starts: one Tversion, one Rversion.
Status Client::Negotiate(const ClientOptions& options) {
  std::string frame = EncodeRequest(kNoTag, Tversion{options.msize, options.version});
  if (!WriteAll(fd_, frame.data(), frame.size())) return Disconnected();
  auto reply = ReadFrame(fd_, options.msize);
  if (!reply) return Disconnected();
  ZFS_ASSIGN_OR_RETURN(Response r, DecodeResponse(*reply));
  if (auto* e = std::get_if<Rlerror>(&r.msg)) {
    return Error::Posix(static_cast<int>(e->ecode), "Tversion refused");
  }
  auto* v = std::get_if<Rversion>(&r.msg);
  if (v == nullptr) return Error::Posix(EPROTO, "Tversion: unexpected reply");
  if (v->version != kVersion9P2000L) {
    return Error::Posix(EPROTONOSUPPORT, "server speaks '" + v->version + "'");
  }
  if (v->msize > options.msize || v->msize < kHeaderSize + kIoHeaderSize) {
    return Error::Posix(EPROTO, "server msize " + std::to_string(v->msize) + " out of range");
  }
  msize_ = v->msize;
  return OkStatus();
}

void Client::ReaderLoop() {
  for (;;) {
    auto frame = ReadFrame(fd_, msize_);
    if (!frame) break;
    auto owned = std::make_unique<std::string>(std::move(*frame));
    auto decoded = DecodeResponse(*owned);
    uint16_t tag = ParseHeader(*owned)->tag;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(tag);
    if (it == pending_.end()) continue;  // a reply to a flushed call: dropped
    auto call = it->second;
    pending_.erase(it);
    if (call->free_fid != kNoFid) fids_in_use_.erase(call->free_fid);
    if (decoded.ok()) {
      call->result = Reply{std::move(owned), std::move(decoded->msg)};
    } else {
      call->result = decoded.error();
    }
    call->done = true;
    call->cv.notify_all();
    if (!flushing_.count(tag)) FreeTagLocked(tag);
  }
  FailAll();
}

void Client::FailAll() {
  std::lock_guard<std::mutex> lock(mu_);
  dead_ = true;
  for (auto& [tag, call] : pending_) {
    call->result = Disconnected();
    call->done = true;
    call->cv.notify_all();
  }
  pending_.clear();
  tag_cv_.notify_all();
}

void Client::FreeTagLocked(uint16_t tag) {
  tags_in_use_.erase(tag);
  tag_cv_.notify_one();
}

Status Client::SendFrame(const std::string& frame) {
  if (frame.size() > msize_) return Error::Posix(EMSGSIZE, "request larger than msize");
  std::lock_guard<std::mutex> lock(write_mu_);
  if (!WriteAll(fd_, frame.data(), frame.size())) {
    ::shutdown(fd_, SHUT_RDWR);  // the reader fails every pending call
    return Disconnected();
  }
  return OkStatus();
}

Result<std::shared_ptr<Client::Call>> Client::Start(const TMessage& msg) {
  return StartCall(msg, kNoFid);
}

Result<std::shared_ptr<Client::Call>> Client::StartCall(const TMessage& msg, uint32_t free_fid) {
  auto call = std::make_shared<Call>();
  call->free_fid = free_fid;
  {
    std::unique_lock<std::mutex> lock(mu_);
    tag_cv_.wait(lock, [&] { return dead_ || tags_in_use_.size() < kNoTag; });
    if (dead_) return Disconnected();
    while (next_tag_ == kNoTag || tags_in_use_.count(next_tag_)) next_tag_++;
    call->tag = next_tag_++;
    tags_in_use_.insert(call->tag);
    pending_[call->tag] = call;
  }
  Status sent = SendFrame(EncodeRequest(call->tag, msg));
  if (!sent.ok()) return sent.error();
  return call;
}

Result<Reply> Client::Wait(const std::shared_ptr<Call>& call) {
  std::unique_lock<std::mutex> lock(mu_);
  call->cv.wait(lock, [&] { return call->done; });
  return std::move(*call->result);
}

Result<Reply> Client::Rpc(const TMessage& msg) {
  ZFS_ASSIGN_OR_RETURN(auto call, Start(msg));
  return Wait(call);
}

std::vector<Result<Reply>> Client::RpcMany(const std::vector<TMessage>& msgs) {
  std::vector<Result<std::shared_ptr<Call>>> calls;
  calls.reserve(msgs.size());
  for (const auto& msg : msgs) calls.push_back(Start(msg));
  std::vector<Result<Reply>> out;
  out.reserve(msgs.size());
  for (auto& call : calls) {
    if (call.ok()) {
      out.push_back(Wait(*call));
    } else {
      out.push_back(call.error());
    }
  }
  return out;
}

void Client::ClunkNoWait(uint32_t fid) {
  // A dead connection forgot its fids; a failed send kills the connection.
  if (!StartCall(Tclunk{fid}, fid).ok()) FreeFid(fid);
}

uint16_t Client::TagOf(const std::shared_ptr<Call>& call) const { return call->tag; }

Status Client::Flush(const std::shared_ptr<Call>& call) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (call->done) return OkStatus();
    flushing_.insert(call->tag);
  }
  auto reply = Rpc(Tflush{call->tag});
  std::lock_guard<std::mutex> lock(mu_);
  flushing_.erase(call->tag);
  if (!call->done) {
    pending_.erase(call->tag);
    call->result = Error::Posix(EINTR, "flushed");
    call->done = true;
    call->cv.notify_all();
  }
  FreeTagLocked(call->tag);
  if (!reply.ok()) return reply.error();
  if (!std::holds_alternative<Rflush>(reply->msg)) return Error::Posix(EPROTO, "Tflush: reply");
  return OkStatus();
}

uint32_t Client::AllocFid() {
  std::lock_guard<std::mutex> lock(mu_);
  while (next_fid_ == kNoFid || fids_in_use_.count(next_fid_)) next_fid_++;
  fids_in_use_.insert(next_fid_);
  return next_fid_++;
}

void Client::FreeFid(uint32_t fid) {
  std::lock_guard<std::mutex> lock(mu_);
  fids_in_use_.erase(fid);
}

}  // namespace zerofs::ninep
