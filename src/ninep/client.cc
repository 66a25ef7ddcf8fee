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
  bool waiting = false;                 // guarded by Client::mu_: its thread sleeps in Wait
  std::optional<Result<Reply>> result;  // guarded by Client::mu_ until done
  std::condition_variable cv;
};

namespace {

Error Disconnected() { return Error::Posix(ECONNRESET, "9p connection closed"); }

// One recv usually brings a whole small reply (or several); larger frames
// are read straight into their own string.
constexpr size_t kReadBuffer = 64 * 1024;
// Unread replies of ClunkNoWait calls kept at most while no thread reads;
// beyond that the caller waits for its own, reading the others' on the way
// (each holds a tag, and there are 65535).
constexpr size_t kMaxUnread = 256;

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
  Status st = c->Negotiate(options, options.ask_zerofs);
  if (!st.ok() && options.ask_zerofs && st.error().sys_errno() == ECONNRESET) {
    // A server that hangs up on the extension's name: once more without it.
    ZFS_ASSIGN_OR_RETURN(fd, Dial(address));
    c.reset(new Client(fd, options.msize));
    st = c->Negotiate(options, false);
  }
  if (!st.ok()) return st.error();
  return c;
}

Client::Client(int fd, uint32_t msize) : fd_(fd), msize_(msize), rbuf_(kReadBuffer, '\0') {}

// No thread can be in a call: they hold the client by a reference.
Client::~Client() { ::close(fd_); }

void Client::Close() { ::shutdown(fd_, SHUT_RDWR); }

Result<RMessage> Client::ExchangeVersion(uint32_t msize, const std::string& version) {
  std::string frame = EncodeRequest(kNoTag, Tversion{msize, version});
  if (!WriteAll(fd_, frame.data(), frame.size())) return Disconnected();
  auto reply = ReadFrame(fd_, msize);
  if (!reply) return Disconnected();
  ZFS_ASSIGN_OR_RETURN(Response r, DecodeResponse(*reply));
  return std::move(r.msg);
}

// Before any call: Tversion, Rversion (twice when the server does not know
// the extension asked for).
Status Client::Negotiate(const ClientOptions& options, bool ask_zerofs) {
  std::optional<RMessage> r;
  if (ask_zerofs && options.version == kVersion9P2000L) {
    ZFS_ASSIGN_OR_RETURN(RMessage m, ExchangeVersion(options.msize, kVersion9P2000LZerofs));
    auto* v = std::get_if<Rversion>(&m);
    // Else "unknown", another suffix or an Rlerror (diod): the plain version next.
    if (v != nullptr && (v->version == kVersion9P2000LZerofs || v->version == kVersion9P2000L)) {
      r = std::move(m);
    }
  }
  if (!r) {
    ZFS_ASSIGN_OR_RETURN(RMessage m, ExchangeVersion(options.msize, options.version));
    r = std::move(m);
  }
  if (auto* e = std::get_if<Rlerror>(&*r)) {
    return Error::Posix(static_cast<int>(e->ecode), "Tversion refused");
  }
  auto* v = std::get_if<Rversion>(&*r);
  if (v == nullptr) return Error::Posix(EPROTO, "Tversion: unexpected reply");
  zerofs_ = v->version == kVersion9P2000LZerofs;
  if (v->version != kVersion9P2000L && !zerofs_) {
    return Error::Posix(EPROTONOSUPPORT, "server speaks '" + v->version + "'");
  }
  if (v->msize > options.msize || v->msize < kHeaderSize + kIoHeaderSize) {
    return Error::Posix(EPROTO, "server msize " + std::to_string(v->msize) + " out of range");
  }
  msize_ = v->msize;
  return OkStatus();
}

std::unique_ptr<std::string> Client::NextFrame() {
  for (;;) {
    const size_t have = rend_ - rbegin_;
    if (have >= kSizeFieldSize) {
      const uint32_t size = LoadLE32(rbuf_.data() + rbegin_);
      if (!FrameSizeOk(size, msize_)) return nullptr;
      if (have >= size) {
        auto frame = std::make_unique<std::string>(rbuf_.data() + rbegin_, size);
        rbegin_ += size;
        return frame;
      }
      if (size > rbuf_.size()) {
        auto frame = std::make_unique<std::string>(size, '\0');
        std::memcpy(frame->data(), rbuf_.data() + rbegin_, have);
        rbegin_ = rend_ = 0;
        if (!ReadAll(fd_, frame->data() + have, size - have)) return nullptr;
        return frame;
      }
    }
    if (rbegin_ > 0) {
      std::memmove(rbuf_.data(), rbuf_.data() + rbegin_, have);
      rbegin_ = 0;
      rend_ = have;
    }
    ssize_t n = ::recv(fd_, rbuf_.data() + rend_, rbuf_.size() - rend_, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return nullptr;
    rend_ += static_cast<size_t>(n);
  }
}

bool Client::FrameBuffered() const {
  const size_t have = rend_ - rbegin_;
  if (have < kSizeFieldSize) return false;
  const uint32_t size = LoadLE32(rbuf_.data() + rbegin_);
  return !FrameSizeOk(size, msize_) || have >= size;  // a bad size fails at once
}

bool Client::Dispatch(std::unique_ptr<std::string> frame, const Call* mine) {
  auto decoded = DecodeResponse(*frame);
  const uint16_t tag = ParseHeader(*frame)->tag;  // NextFrame checked the size
  std::shared_ptr<Call> call;
  bool mine_done = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(tag);
    if (it != pending_.end()) {  // else a reply to a flushed call: dropped
      call = std::move(it->second);
      pending_.erase(it);
      if (call->free_fid != kNoFid) fids_in_use_.erase(call->free_fid);
      if (decoded.ok()) {
        call->result = Reply{std::move(frame), std::move(decoded->msg)};
      } else {
        call->result = decoded.error();
      }
      call->done = true;
      if (!flushing_.count(tag)) FreeTagLocked(tag);
      if (!call->waiting) call.reset();  // `mine`, or not waited for yet: nobody to wake
    }
    // `mine` may also have been completed by Flush meanwhile.
    mine_done = mine != nullptr && mine->done;
  }
  // Woken after mu_ is released, so that the waiter does not block on it.
  if (call) call->cv.notify_one();
  return mine_done;
}

bool Client::Lead(const std::shared_ptr<Call>& call) {
  for (;;) {
    auto frame = NextFrame();
    if (!frame) return false;
    if (Dispatch(std::move(frame), call.get())) break;
  }
  // Replies read along with this one go to their callers now rather than
  // after the next reader wakes.
  while (FrameBuffered()) {
    auto frame = NextFrame();
    if (!frame) return false;
    Dispatch(std::move(frame), nullptr);
  }
  return true;
}

void Client::FailAll() {
  std::lock_guard<std::mutex> lock(mu_);
  FailAllLocked();
}

void Client::FailAllLocked() {
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
  std::lock_guard<std::mutex> lock(write_mu_);
  if (!WriteAll(fd_, frame.data(), frame.size())) {
    ::shutdown(fd_, SHUT_RDWR);  // a reader's recv fails too
    FailAll();
    return Disconnected();
  }
  return OkStatus();
}

Result<std::shared_ptr<Client::Call>> Client::Start(const TMessage& msg) {
  return StartCall(msg, kNoFid);
}

Result<std::shared_ptr<Client::Call>> Client::NewCall(uint32_t free_fid) {
  auto call = std::make_shared<Call>();
  call->free_fid = free_fid;
  std::unique_lock<std::mutex> lock(mu_);
  tag_cv_.wait(lock, [&] { return dead_ || tags_in_use_.size() < kNoTag; });
  if (dead_) return Disconnected();
  while (next_tag_ == kNoTag || tags_in_use_.count(next_tag_)) next_tag_++;
  call->tag = next_tag_++;
  tags_in_use_.insert(call->tag);
  pending_[call->tag] = call;
  return call;
}

void Client::Abandon(const std::shared_ptr<Call>& call) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.erase(call->tag);
  FreeTagLocked(call->tag);
}

Result<std::shared_ptr<Client::Call>> Client::StartCall(const TMessage& msg, uint32_t free_fid) {
  ZFS_ASSIGN_OR_RETURN(auto call, NewCall(free_fid));
  std::string frame = EncodeRequest(call->tag, msg);
  if (frame.size() > msize_) {
    Abandon(call);
    return Error::Posix(EMSGSIZE, "request larger than msize");
  }
  ZFS_RETURN_IF_ERROR(SendFrame(frame));
  return call;
}

Result<Reply> Client::Wait(const std::shared_ptr<Call>& call) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!call->done) {
    if (reading_) {
      call->waiting = true;
      waiters_++;
      call->cv.wait(lock);  // its reply, or the reading handed over
      waiters_--;
      call->waiting = false;
      continue;
    }
    reading_ = true;
    lock.unlock();
    const bool ok = Lead(call);
    lock.lock();
    reading_ = false;
    if (!ok) FailAllLocked();
    // The reading passes to a thread still waiting, if any.
    std::shared_ptr<Call> next;
    if (waiters_ > 0) {
      for (auto& [tag, c] : pending_) {
        if (c->waiting) {
          next = c;
          break;
        }
      }
    }
    lock.unlock();
    if (next) next->cv.notify_one();
    lock.lock();
  }
  return std::move(*call->result);
}

Result<Reply> Client::Rpc(const TMessage& msg) {
  ZFS_ASSIGN_OR_RETURN(auto call, Start(msg));
  return Wait(call);
}

std::vector<Result<Reply>> Client::RpcMany(const std::vector<TMessage>& msgs) {
  // One send for the batch: one syscall, and the server reads it in one go.
  std::vector<Result<std::shared_ptr<Call>>> calls;
  calls.reserve(msgs.size());
  std::string batch;
  for (const auto& msg : msgs) {
    auto call = NewCall(kNoFid);
    if (call.ok()) {
      std::string frame = EncodeRequest((*call)->tag, msg);
      if (frame.size() > msize_) {
        Abandon(*call);
        call = Error::Posix(EMSGSIZE, "request larger than msize");
      } else {
        batch += frame;
      }
    }
    calls.push_back(std::move(call));
  }
  // A failed send fails every pending call, these too.
  if (!batch.empty()) SendFrame(batch).Ignore();
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
  auto call = StartCall(Tclunk{fid}, fid);
  if (!call.ok()) return FreeFid(fid);
  bool drain;
  {
    std::lock_guard<std::mutex> lock(mu_);
    drain = !reading_ && pending_.size() > kMaxUnread;
  }
  if (drain) Wait(*call).Ignore();
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
