// The mount client's link to the 9P server, and the reconnect logic.
//
// One ninep::Client at a time. A call that fails with ECONNRESET (the
// connection broke: server restart, network drop) marks that client dead;
// the next call dials again, renegotiates and re-attaches, retrying with a
// growing pause until `reconnect_timeout` has passed. Each successful dial is
// a new *generation*: fids of older generations mean nothing to the new
// server session, so holders of long-lived fids (open files, handles.h)
// compare generations and re-open theirs.
//
// Identity (access=user on the server): one attach per calling uid, as
// n_uname, so the server checks permissions as the process that made the
// system call. Root fids are per generation and attached on first use.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>

#include "base/result.h"
#include "ninep/client.h"

namespace zerofs::mount {

struct Link {
  std::shared_ptr<ninep::Client> client;
  uint64_t generation = 0;
};

class Connection {
 public:
  Connection(std::string address, std::string aname, ninep::ClientOptions options,
             double reconnect_timeout_s);

  // Dials once, without retrying (for the check before mounting).
  Status ConnectOnce();
  // Drops the current client (before fork: its reader thread would not survive).
  void Disconnect();

  // The current link, dialing (and retrying) if there is none, until
  // `deadline`.
  Result<Link> Get(std::chrono::steady_clock::time_point deadline);
  // The current link if connected, without dialing.
  std::optional<Link> Current();
  // `link` failed with ECONNRESET: the next Get dials again.
  void Broken(const Link& link);
  // The root fid of `uid` on `link` (attached on first use).
  Result<uint32_t> Root(const Link& link, uint32_t uid);

  uint32_t msize();
  // The last server dialled granted 9P2000.L.zerofs (Treaddirplus).
  bool zerofs();
  uint64_t generation();
  // Called with each new link after a reconnect (not the first connection),
  // by the thread that dialled, before it goes on. Set before first use.
  void set_on_reconnect(std::function<void(const Link&)> f) { on_reconnect_ = std::move(f); }

  // Runs `f(const Link&)` (returning a Result<T> or Status); when it fails with
  // ECONNRESET, reconnects and runs it again, until the reconnect timeout.
  // Calls that are not idempotent may so run twice on the server (mkdir
  // answering EEXIST the second time): the price of a short pause instead of
  // an error.
  template <typename F>
  auto Run(F&& f) -> std::invoke_result_t<F, const Link&> {
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (;;) {
      auto link = Get(deadline);
      if (!link.ok()) return link.error();
      auto r = f(*link);
      if (r.ok() || r.error().sys_errno() != ECONNRESET) return r;
      Broken(*link);
      if (std::chrono::steady_clock::now() >= deadline) return r;
    }
  }

 private:
  Result<std::shared_ptr<ninep::Client>> Dial();

  const std::string address_;
  const std::string aname_;
  const ninep::ClientOptions options_;
  const std::chrono::steady_clock::duration timeout_;
  const std::string session_key_;  // Tsession: the same on every connection

  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<ninep::Client> client_;  // guarded by mu_; null when broken
  uint64_t generation_ = 0;                // guarded by mu_
  bool dialing_ = false;                   // guarded by mu_
  uint32_t msize_ = 0;                     // guarded by mu_
  bool zerofs_ = false;                    // guarded by mu_
  std::map<uint32_t, uint32_t> roots_;     // guarded by mu_: uid -> fid of generation_
  std::mutex attach_mu_;                   // one Tattach at a time
  std::function<void(const Link&)> on_reconnect_;
};

}  // namespace zerofs::mount
