// Turns one RPC record into its reply: parses the call header, checks
// version and credentials, routes to portmapper, MOUNT or NFS, and encodes
// the accepted or denied reply. Thread-safe; runs on worker threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nfs/programs.h"

namespace zerofs::nfs {

class Dispatcher {
 public:
  explicit Dispatcher(ServerState state) : state_(std::move(state)) {}

  enum class Outcome {
    kReply,   // send `reply`
    kIgnore,  // nothing to send (a REPLY message sent to us)
    kClose,   // the record is unparsable: close the connection
  };

  // `reply` receives a complete record (record mark included).
  Outcome Handle(std::string_view record, const ConnectionInfo& conn, std::string* reply);

  const ServerState& state() const { return state_; }

 private:
  ServerState state_;
  MountTable mounts_;
};

}  // namespace zerofs::nfs
