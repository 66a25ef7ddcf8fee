// Message handlers: one overload of Handle() per T-message, grouped by
// family in msg_*.cc. Handlers run on a connection's I/O thread or on a
// worker, as placement.h decides; they validate their input first and
// return errors as values; Execute() is the only place where an error
// becomes Rlerror (errors.h).
#pragma once

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "base/result.h"
#include "fs/filesystem.h"
#include "ninep/fid_table.h"
#include "ninep/lock_table.h"
#include "ninep/messages.h"
#include "ninep/session_key.h"

namespace zerofs::ninep {

// What a handler may touch. One per request; fields other than `scratch`
// are shared with the rest of the connection.
struct RequestContext {
  fs::FileSystem* fs = nullptr;
  LockTable* locks = nullptr;         // the server-wide table
  FidTable* fids = nullptr;           // this connection's fids
  uint64_t session_id = 0;            // this connection, for LockTable
  SessionKey* session_key = nullptr;  // this connection's client session (Tsession)
  uint32_t msize = 0;                 // negotiated by Tversion
  // Set on the I/O thread for Placement::kTryInline messages (Tread,
  // Tclunk): a handler that would have to wait (object store, a commit)
  // calls WouldBlock() instead, and the request goes to a worker.
  bool cached_only = false;
  bool would_block = false;
  // Owns the bytes an Rread's view points at until the reply is encoded.
  std::string scratch;

  uint32_t iounit() const { return msize - kIoHeaderSize; }
  // The connection's client session key (Tsession), empty if none.
  std::string session() const { return session_key != nullptr ? session_key->Get() : ""; }
  Error WouldBlock() {
    would_block = true;
    return Error::Posix(EAGAIN, "would block");
  }
};

// An encoded reply: `head`, then `tail` (Rread data, else empty), sent back
// to back, so read data is not copied into the frame.
struct EncodedReply {
  std::string head;
  std::string tail;
  size_t size() const { return head.size() + tail.size(); }
};

// Runs one request and returns its encoded reply (an Rlerror on failure);
// nullopt only when ctx.cached_only and the handler would block. Tversion
// and Tflush belong to the session and answer EPROTO here.
std::optional<EncodedReply> Execute(RequestContext& ctx, uint16_t tag, const TMessage& msg);

// Result<RMessage> that converts from any R-message struct, so handlers can
// `return Rlopen{...};`.
class [[nodiscard]] HandlerResult : public Result<RMessage> {
 public:
  template <typename R>
  requires std::is_constructible_v<RMessage, R&&> &&(!std::is_same_v<std::decay_t<R>, RMessage>)
      HandlerResult(R&& r)  // NOLINT: implicit by design
      : Result<RMessage>(RMessage(std::forward<R>(r))) {}
  HandlerResult(RMessage m) : Result<RMessage>(std::move(m)) {}  // NOLINT
  HandlerResult(Error e) : Result<RMessage>(std::move(e)) {}     // NOLINT
};

// Rgetattr for `a` with exactly the fields in `request_mask` that the
// server provides (the others zero, their `valid` bits clear); the qid is
// always set. Tgetattr's answer, and Treaddirplus's per entry.
Rgetattr AttrReply(const fs::Attr& a, uint64_t request_mask);

// msg_attach.cc
HandlerResult Handle(RequestContext& c, const Tversion& m);
HandlerResult Handle(RequestContext& c, const Tflush& m);
HandlerResult Handle(RequestContext& c, const Tauth& m);
HandlerResult Handle(RequestContext& c, const Tattach& m);

// msg_session.cc
HandlerResult Handle(RequestContext& c, const Tsession& m);
HandlerResult Handle(RequestContext& c, const Treclaim& m);
// msg_walk.cc
HandlerResult Handle(RequestContext& c, const Twalk& m);
// msg_open.cc
HandlerResult Handle(RequestContext& c, const Tlopen& m);
HandlerResult Handle(RequestContext& c, const Tlcreate& m);
HandlerResult Handle(RequestContext& c, const Tclunk& m);
HandlerResult Handle(RequestContext& c, const Tremove& m);
// msg_io.cc
HandlerResult Handle(RequestContext& c, const Tread& m);
HandlerResult Handle(RequestContext& c, const Twrite& m);
HandlerResult Handle(RequestContext& c, const Tfsync& m);
// msg_dir.cc
HandlerResult Handle(RequestContext& c, const Treaddir& m);
HandlerResult Handle(RequestContext& c, const Treaddirplus& m);
// msg_create.cc
HandlerResult Handle(RequestContext& c, const Tmkdir& m);
HandlerResult Handle(RequestContext& c, const Tsymlink& m);
HandlerResult Handle(RequestContext& c, const Tmknod& m);
HandlerResult Handle(RequestContext& c, const Treadlink& m);
HandlerResult Handle(RequestContext& c, const Tlink& m);
// msg_rename.cc
HandlerResult Handle(RequestContext& c, const Trename& m);
HandlerResult Handle(RequestContext& c, const Trenameat& m);
HandlerResult Handle(RequestContext& c, const Trenameat2& m);
HandlerResult Handle(RequestContext& c, const Tunlinkat& m);
HandlerResult Handle(RequestContext& c, const Tunlinkatplus& m);
// msg_attr.cc
HandlerResult Handle(RequestContext& c, const Tgetattr& m);
HandlerResult Handle(RequestContext& c, const Tsetattr& m);
HandlerResult Handle(RequestContext& c, const Tsetattrplus& m);
HandlerResult Handle(RequestContext& c, const Tstatfs& m);
// msg_lock.cc
HandlerResult Handle(RequestContext& c, const Tlock& m);
HandlerResult Handle(RequestContext& c, const Tgetlock& m);
// msg_xattr.cc
HandlerResult Handle(RequestContext& c, const Txattrwalk& m);
HandlerResult Handle(RequestContext& c, const Txattrcreate& m);
// Applies a Txattrcreate fid's buffered value at Tclunk.
// REQUIRES: f.mu held and f.state == FidState::kXattrWrite.
Status CommitXattr(RequestContext& c, Fid& f);

// Identity for Tattach (identity.cc): uid from n_uname, or uname looked up
// in the server's passwd database when n_uname is kNoUname; gid and groups
// from the server's passwd/group databases when the uid is known there,
// else gid kNobodyGroup and no groups.
constexpr uint32_t kNobodyGroup = 65534;
Result<fs::Cred> AttachCred(std::string_view uname, uint32_t n_uname);

// `cred` with gid replaced by the gid a create message asks for (the Linux
// client sends the caller's fsgid).
fs::Cred WithGid(const fs::Cred& cred, uint32_t gid);

}  // namespace zerofs::ninep
