// A small synchronous 9P2000.L client: blocking, thread-safe calls over one
// TCP or Unix-socket connection, with requests from many threads in flight
// at once (multiplexed by tag). The base of the `zerofs mount` FUSE client
// and the client of the integration tests.
//
// Replies are read by the callers themselves (leader/follower): a thread in
// Wait() whose reply has not come reads the socket if no other thread does,
// handing each reply it reads to its caller, until its own arrives; then it
// passes the reading on to another waiting thread. A lone call thus costs
// one wakeup (its own thread's), not two (a reader thread's and then the
// caller's). Replies nobody waits for yet (ClunkNoWait, a started call not
// yet waited for) stay in the socket until some thread waits.
//
// Errors: an Rlerror reply is Error::Posix(ecode); a broken or closed
// connection is Error::Posix(ECONNRESET) (and every later call fails the
// same way); a reply of the wrong type is Error::Posix(EPROTO).
//
// Fids are numbers the caller chooses; AllocFid() hands out unused ones and
// Clunk/Remove give them back (also on failure, as the server forgets the fid
// either way).
#pragma once

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ninep/codec.h"

namespace zerofs::ninep {

struct ClientOptions {
  uint32_t msize = 1u << 20;  // asked for in Tversion; the server may lower it
  std::string version = kVersion9P2000L;
  // With version 9P2000.L: ask for 9P2000.L.zerofs first (wire.h); a server
  // that does not grant it costs one more Tversion (or one more dial).
  bool ask_zerofs = false;
};

struct OpenResult {
  Qid qid;
  uint32_t iounit = 0;
};

// A decoded reply and the frame it points into (Rread::data is a view).
struct Reply {
  std::unique_ptr<std::string> frame;
  RMessage msg;
};

class Client {
 public:
  // `address`: "host:port", "[v6addr]:port", "unix:/path" or "/path".
  // Connects and negotiates the version: a server that answers "unknown" is
  // EPROTONOSUPPORT.
  static Result<std::unique_ptr<Client>> Connect(const std::string& address,
                                                 const ClientOptions& options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  uint32_t msize() const { return msize_; }
  // The server granted 9P2000.L.zerofs: requests on the newfid of a Twalk
  // may be sent before its Rwalk (they fail with an error if the walk did).
  bool pipelines_walks() const { return zerofs_; }
  // Largest Tread/Twrite payload per message.
  uint32_t iounit() const { return msize_ - kIoHeaderSize; }

  uint32_t AllocFid();
  void FreeFid(uint32_t fid);

  // ---- Typed calls (each blocks until its reply) ----------------------------
  Result<Qid> Attach(uint32_t fid, std::string_view uname, uint32_t n_uname,
                     std::string_view aname = "");
  Result<std::vector<Qid>> Walk(uint32_t fid, uint32_t newfid,
                                const std::vector<std::string>& names);
  Result<OpenResult> Lopen(uint32_t fid, uint32_t flags);
  Result<OpenResult> Lcreate(uint32_t fid, std::string_view name, uint32_t flags, uint32_t mode,
                             uint32_t gid);
  Result<std::string> Read(uint32_t fid, uint64_t offset, uint32_t count);
  Result<uint32_t> Write(uint32_t fid, uint64_t offset, std::string_view data);
  Status Clunk(uint32_t fid);
  Status Remove(uint32_t fid);
  Result<std::vector<Dirent>> Readdir(uint32_t fid, uint64_t offset, uint32_t count);
  // Treaddir whose entries carry their attributes (a zerofs extension:
  // EOPNOTSUPP unless the server granted 9P2000.L.zerofs and knows it).
  Result<std::vector<DirentPlus>> Readdirplus(uint32_t fid, uint64_t offset, uint32_t count);
  Result<Rgetattr> Getattr(uint32_t fid, uint64_t request_mask = kGetattrAll);
  Status Setattr(const Tsetattr& request);
  // Tsetattr answered with the attributes after it, as Getattr with
  // kGetattrBasic would give them (a zerofs extension: EOPNOTSUPP unless
  // the server granted 9P2000.L.zerofs and knows it; the callers then fall
  // back on the 9P2000.L messages).
  Result<Rgetattr> SetattrPlus(const Tsetattr& request);
  Result<Qid> Mkdir(uint32_t dfid, std::string_view name, uint32_t mode, uint32_t gid);
  Result<Qid> Symlink(uint32_t dfid, std::string_view name, std::string_view target, uint32_t gid);
  Result<Qid> Mknod(uint32_t dfid, std::string_view name, uint32_t mode, uint32_t major,
                    uint32_t minor, uint32_t gid);
  Result<std::string> Readlink(uint32_t fid);
  Status Link(uint32_t dfid, uint32_t fid, std::string_view name);
  Status Rename(uint32_t fid, uint32_t dfid, std::string_view name);
  Status Renameat(uint32_t olddirfid, std::string_view oldname, uint32_t newdirfid,
                  std::string_view newname);
  // Trenameat with flags (0, kRenameNoReplace or kRenameExchange),
  // answered with both directories' attributes after it, as Getattr with
  // kGetattrBasic would give them (a zerofs extension: EOPNOTSUPP unless
  // the server granted 9P2000.L.zerofs and knows it).
  Result<Rrenameat2> Renameat2(uint32_t olddirfid, std::string_view oldname, uint32_t newdirfid,
                               std::string_view newname, uint32_t flags);
  Status Unlinkat(uint32_t dirfid, std::string_view name, uint32_t flags);
  // Tunlinkat answered with the directory's attributes after it, as Getattr
  // with kGetattrBasic would give them (a zerofs extension: EOPNOTSUPP
  // unless the server granted 9P2000.L.zerofs and knows it).
  Result<Rgetattr> UnlinkatPlus(uint32_t dirfid, std::string_view name, uint32_t flags);
  // Names this client's session (kSessionKeySize bytes, the same on every
  // connection of the client), so the server keeps unlinked files it has
  // open across a broken connection or a restart; ReclaimNew returns a new
  // fid for one of them (`fid`: an attached fid, whose user the new fid
  // takes; ESTALE when the server no longer keeps it for this session).
  // zerofs extensions: EOPNOTSUPP as for UnlinkatPlus.
  Status Session(std::string_view key);
  Result<uint32_t> ReclaimNew(uint32_t fid, uint64_t qid_path);
  Status Fsync(uint32_t fid, bool datasync = false);
  Result<Rstatfs> Statfs(uint32_t fid);
  // kLockSuccess or kLockBlocked.
  Result<uint8_t> Lock(const Tlock& request);
  Result<Rgetlock> Getlock(const Tgetlock& request);
  Result<uint64_t> Xattrwalk(uint32_t fid, uint32_t newfid, std::string_view name);
  Status Xattrcreate(uint32_t fid, std::string_view name, uint64_t size, uint32_t flags);

  // ---- Composites ------------------------------------------------------------
  // Walks a fresh fid from `fid` along `names` (all of them, or ENOENT).
  Result<uint32_t> WalkNew(uint32_t fid, const std::vector<std::string>& names);
  // Whole xattr get/list/set/remove on the file `fid` names (fid untouched).
  Result<std::string> GetXattr(uint32_t fid, std::string_view name);
  Result<std::vector<std::string>> ListXattr(uint32_t fid);
  Status SetXattr(uint32_t fid, std::string_view name, std::string_view value, uint32_t flags);
  Status RemoveXattr(uint32_t fid, std::string_view name);

  // ---- Raw and asynchronous use ----------------------------------------------
  class Call;
  // Sends `msg` and returns at once; Wait() for the reply.
  Result<std::shared_ptr<Call>> Start(const TMessage& msg);
  Result<Reply> Wait(const std::shared_ptr<Call>& call);
  // Tflush for `call`, waiting for Rflush. If `call`'s reply had not come by
  // then, `call` completes with Error::Posix(EINTR).
  Status Flush(const std::shared_ptr<Call>& call);
  // Start + Wait.
  Result<Reply> Rpc(const TMessage& msg);
  // Sends every message before waiting for any reply, so that independent
  // calls cost one round trip together; the results in the same order. The
  // server may run them in any order: none may depend on another.
  std::vector<Result<Reply>> RpcMany(const std::vector<TMessage>& msgs);
  // Tclunk without waiting for Rclunk. The fid number is handed out again
  // only once the reply came (the server runs requests concurrently, so a
  // reuse could overtake the clunk).
  void ClunkNoWait(uint32_t fid);
  // `reply` as an `R` (Rlerror -> its errno, another type -> EPROTO).
  template <typename R>
  static Result<R> As(Result<Reply> reply);
  uint16_t TagOf(const std::shared_ptr<Call>& call) const;

  // Closes the connection; pending and later calls fail with ECONNRESET.
  void Close();

 private:
  Client(int fd, uint32_t msize);
  Status Negotiate(const ClientOptions& options, bool ask_zerofs);
  Result<RMessage> ExchangeVersion(uint32_t msize, const std::string& version);
  // The leader's reading: the next frame from the socket (null on EOF, error
  // or a bad size field), and whether a whole one is already buffered.
  std::unique_ptr<std::string> NextFrame();
  bool FrameBuffered() const;
  // Hands a reply to its call; true if it was `mine`'s.
  bool Dispatch(std::unique_ptr<std::string> frame, const Call* mine);
  // Reads and dispatches replies until `call`'s came; false if the
  // connection broke. REQUIRES: this thread is the reader.
  bool Lead(const std::shared_ptr<Call>& call);
  void FailAll();
  void FailAllLocked();
  void FreeTagLocked(uint16_t tag);
  // A call with a tag, registered for its reply; the reply (whenever it
  // comes) frees `free_fid` unless it is kNoFid.
  Result<std::shared_ptr<Call>> NewCall(uint32_t free_fid);
  // Unregisters a call that was never sent.
  void Abandon(const std::shared_ptr<Call>& call);
  // NewCall and send.
  Result<std::shared_ptr<Call>> StartCall(const TMessage& msg, uint32_t free_fid);
  // Sends whole frames; a failure closes the connection and fails every call.
  Status SendFrame(const std::string& frames);
  // Rpc, then the reply as `R` (Rlerror -> its errno, else EPROTO).
  template <typename R>
  Result<R> Expect(const TMessage& msg);
  // Expect for a 9P2000.L.zerofs extension: EOPNOTSUPP without sending
  // unless the server granted 9P2000.L.zerofs and has not answered
  // EOPNOTSUPP to it before (`lacks` remembers that, per connection).
  template <typename R>
  Result<R> ExpectExtension(std::atomic<bool>* lacks, const TMessage& msg);

  const int fd_;
  uint32_t msize_;
  bool zerofs_ = false;  // 9P2000.L.zerofs granted
  // A zerofs server older than one of the extensions answered EOPNOTSUPP: not sent again on this
  // connection.
  std::atomic<bool> lacks_readdirplus_{false};
  std::atomic<bool> lacks_setattrplus_{false};
  std::atomic<bool> lacks_renameat2_{false};
  std::atomic<bool> lacks_unlinkatplus_{false};
  std::atomic<bool> lacks_session_{false};
  std::mutex write_mu_;  // one frame at a time on the socket

  // Input not yet dispatched, rbuf_[rbegin_, rend_): only the reader (the
  // thread with reading_ set) touches these.
  std::string rbuf_;
  size_t rbegin_ = 0;
  size_t rend_ = 0;

  mutable std::mutex mu_;
  std::condition_variable tag_cv_;
  bool dead_ = false;                                  // guarded by mu_
  bool reading_ = false;                               // guarded by mu_: a thread reads
  size_t waiters_ = 0;                                 // guarded by mu_: threads in Wait
  uint16_t next_tag_ = 0;                              // guarded by mu_
  std::set<uint16_t> tags_in_use_;                     // guarded by mu_
  std::set<uint16_t> flushing_;                        // guarded by mu_
  std::map<uint16_t, std::shared_ptr<Call>> pending_;  // guarded by mu_
  uint32_t next_fid_ = 1;                              // guarded by mu_
  std::set<uint32_t> fids_in_use_;                     // guarded by mu_
};

template <typename R>
Result<R> Client::As(Result<Reply> reply) {
  if (!reply.ok()) return reply.error();
  if (auto* e = std::get_if<Rlerror>(&reply->msg)) return Error::Posix(static_cast<int>(e->ecode));
  if (auto* r = std::get_if<R>(&reply->msg)) return std::move(*r);
  return Error::Posix(EPROTO, std::string("unexpected reply ") +
                                  MsgTypeName(static_cast<uint8_t>(TypeOf(reply->msg))));
}

}  // namespace zerofs::ninep
