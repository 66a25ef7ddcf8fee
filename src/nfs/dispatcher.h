// Turns one RPC record into its reply: parses the call header, checks
// version and credentials, routes to portmapper, MOUNT or NFS, and encodes
// the accepted or denied reply. Thread-safe; runs on io or worker threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nfs/programs.h"
#include "nfs/xdr.h"

namespace zerofs::nfs {

class Dispatcher {
 public:
  explicit Dispatcher(ServerState state) : state_(std::move(state)) {}

  enum class Outcome {
    kReply,       // send `reply`
    kIgnore,      // nothing to send (a REPLY message sent to us)
    kClose,       // the record is unparsable: close the connection
    kWouldBlock,  // only with `cached_only`: run it again on a worker
  };

  // A reply record: `head` (record mark included) then `tail` (READ data,
  // usually empty), sent back to back.
  struct Reply {
    std::string head;
    XdrTail tail;  // shares the memory cache's extents (not copied)
  };

  // With `cached_only`, a call that would wait for the object store (a READ
  // of data not in the memory cache) is not run and yields kWouldBlock; so
  // does a READ over 64 KiB unless `idle` (nothing else of the connection
  // in flight or read after it).
  Outcome Handle(std::string_view record, const ConnectionInfo& conn, Reply* reply,
                 bool cached_only = false, bool idle = false);
  // The same with the reply in one string (tests).
  Outcome Handle(std::string_view record, const ConnectionInfo& conn, std::string* reply);

  // Where the server runs a call. kInline: answered from metadata alone
  // (no fs change, no file data, no store round trip in the common case), so
  // on the connection's io thread: a hand-off to a worker and back would
  // cost more than the call. kTryInline: READ, inline with cached_only, on a
  // worker if that yields kWouldBlock (uncached, or larger than 64 KiB and the connection not
  // idle). kInlineIfIdle: metadata
  // changes (CREATE, REMOVE, RENAME, ...): one transaction without file data, so inline when
  // nothing else of the connection is in flight (running it inline would delay no other call of
  // this client); they can wait only on the engine's write back-pressure. kWorker: what may wait on
  // the store (READ misses, WRITE's read-modify-write, COMMIT) or is large (READDIR).
  enum class Placement { kInline, kTryInline, kInlineIfIdle, kWorker };
  // Peeks at the header only: a record too short or not a call is kInline
  // (its answer is an error or nothing).
  static Placement Place(std::string_view record);

  const ServerState& state() const { return state_; }

 private:
  ServerState state_;
  MountTable mounts_;
};

}  // namespace zerofs::nfs
