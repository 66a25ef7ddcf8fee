// Connection: dialing, reconnecting with backoff, per-uid attach.
#include "mount/connection.h"

#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <thread>

namespace zerofs::mount {

using Clock = std::chrono::steady_clock;

namespace {

// The user name for Tattach's uname; the server goes by n_uname, but some
// servers (diod) log or check the name.
std::string UserName(uint32_t uid) {
  passwd pw{};
  passwd* found = nullptr;
  char buf[4096];
  if (::getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return std::to_string(uid);
}

// Random bytes for the session key: it only has to be unguessable by other
// clients of the server and different for every mount.
std::string NewSessionKey() {
  std::string key(ninep::kSessionKeySize, '\0');
  size_t got = 0;
  while (got < key.size()) {
    ssize_t n = ::getrandom(key.data() + got, key.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got < key.size()) {  // no getrandom(2): the C++ library's source
    std::random_device rd;
    for (; got < key.size(); got++) key[got] = static_cast<char>(rd());
  }
  return key;
}

}  // namespace

Connection::Connection(std::string address, std::string aname, ninep::ClientOptions options,
                       double reconnect_timeout_s)
    : address_(std::move(address)),
      aname_(std::move(aname)),
      options_(std::move(options)),
      timeout_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(reconnect_timeout_s))),
      session_key_(NewSessionKey()) {}

Result<std::shared_ptr<ninep::Client>> Connection::Dial() {
  ZFS_ASSIGN_OR_RETURN(std::unique_ptr<ninep::Client> c,
                       ninep::Client::Connect(address_, options_));
  if (c->pipelines_walks()) {
    // One key for every connection of this mount: the server keeps the
    // unlinked files we have open for it when this connection breaks.
    Status s = c->Session(session_key_);
    if (!s.ok() && s.error().sys_errno() == ECONNRESET) return s.error();
    if (!s.ok() && s.error().sys_errno() != EOPNOTSUPP) {
      spdlog::warn("mount: Tsession: {}", s.error().ToString());
    }
  }
  return std::shared_ptr<ninep::Client>(std::move(c));
}

Status Connection::ConnectOnce() {
  ZFS_ASSIGN_OR_RETURN(auto client, Dial());
  std::lock_guard<std::mutex> lock(mu_);
  client_ = std::move(client);
  msize_ = client_->msize();
  zerofs_ = client_->pipelines_walks();
  generation_++;
  roots_.clear();
  return OkStatus();
}

void Connection::Disconnect() {
  std::shared_ptr<ninep::Client> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::move(client_);
    roots_.clear();
  }
}

Result<Link> Connection::Get(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (client_) return Link{client_, generation_};
    if (!dialing_) break;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && !client_) {
      return Error::Posix(ECONNRESET, "9P server " + address_ + " unreachable");
    }
  }
  dialing_ = true;
  lock.unlock();
  auto pause = std::chrono::milliseconds(50);
  Result<std::shared_ptr<ninep::Client>> dialed = Error::Posix(ECONNRESET);
  for (;;) {
    dialed = Dial();
    if (dialed.ok() || Clock::now() + pause >= deadline) break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
  lock.lock();
  dialing_ = false;
  cv_.notify_all();
  if (!dialed.ok()) {
    spdlog::warn("mount: cannot reach {}: {}", address_, dialed.error().ToString());
    return Error::Posix(ECONNRESET, "9P server " + address_ + " unreachable");
  }
  client_ = std::move(*dialed);
  msize_ = client_->msize();
  zerofs_ = client_->pipelines_walks();
  generation_++;
  roots_.clear();
  spdlog::info("mount: connected to {} (generation {}, msize {})", address_, generation_, msize_);
  Link link{client_, generation_};
  if (generation_ > 1 && on_reconnect_) {
    lock.unlock();
    on_reconnect_(link);
  }
  return link;
}

std::optional<Link> Connection::Current() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!client_) return std::nullopt;
  return Link{client_, generation_};
}

void Connection::Broken(const Link& link) {
  std::shared_ptr<ninep::Client> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (generation_ != link.generation || !client_) return;
    spdlog::warn("mount: connection to {} lost; reconnecting", address_);
    old = std::move(client_);
    roots_.clear();
  }
  old->Close();
}

Result<uint32_t> Connection::Root(const Link& link, uint32_t uid) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (generation_ != link.generation) return Error::Posix(ECONNRESET, "stale link");
    auto it = roots_.find(uid);
    if (it != roots_.end()) return it->second;
  }
  // Serialised so that two threads of one uid do not both attach.
  std::lock_guard<std::mutex> attach(attach_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = roots_.find(uid);
    if (generation_ == link.generation && it != roots_.end()) return it->second;
  }
  uint32_t fid = link.client->AllocFid();
  auto qid = link.client->Attach(fid, UserName(uid), uid, aname_);
  if (!qid.ok()) {
    link.client->FreeFid(fid);
    return qid.error();
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (generation_ != link.generation) return Error::Posix(ECONNRESET, "stale link");
  roots_[uid] = fid;
  return fid;
}

uint32_t Connection::msize() {
  std::lock_guard<std::mutex> lock(mu_);
  return msize_;
}

bool Connection::zerofs() {
  std::lock_guard<std::mutex> lock(mu_);
  return zerofs_;
}

uint64_t Connection::generation() {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

}  // namespace zerofs::mount
