// The NFSv3 server: ONC RPC over TCP carrying portmapper v2, MOUNT v3 and
// NFS v3 on every configured address (IPv4 and IPv6). See
// src/nfs/README.md for what is supported and how durability works.
//
// Threading: connections are read and written on the listener's io threads
// (one strand per connection); each call's fs work runs on a pool of
// `worker_threads`, so many calls per connection are in flight at once and
// replies go out in completion order (clients match them by xid).
#pragma once

#include <cstddef>
#include <memory>

#include "base/protocol_server.h"
#include "base/result.h"
#include "config/config.h"
#include "fs/filesystem.h"
#include "net/listener.h"
#include "nfs/record.h"

namespace zerofs::nfs {

struct NfsServerOptions {
  net::ListenSpec listen;  // protocol is set to "nfs" if empty
  config::NfsWriteMode write_mode = config::NfsWriteMode::kSync;
  int worker_threads = 8;
  size_t max_record_bytes = kDefaultMaxRecord;
  // Calls read from one connection but not yet answered; reading pauses
  // beyond it.
  size_t max_calls_in_flight = 128;
  // Record bytes of those calls (bounds memory: WRITE records are large).
  size_t max_bytes_in_flight = 64u << 20;
};

// [servers.nfs] -> options (127.0.0.1:2049 when no address is given).
NfsServerOptions NfsServerOptionsFromConfig(const config::NfsServerConfig& config);

// Starts listening. REQUIRES: `fs` outlives the server (Stop() returns
// only after every call in flight has finished with it).
Result<std::unique_ptr<ProtocolServer>> StartNfsServer(fs::FileSystem* fs,
                                                       const NfsServerOptions& options);

}  // namespace zerofs::nfs
