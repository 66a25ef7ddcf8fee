// The NFSv3 server: ONC RPC over TCP carrying portmapper v2, MOUNT v3 and
// NFS v3 on every configured address (IPv4 and IPv6). See
// src/nfs/README.md for what is supported and how durability works.
//
// Threading (docs/protocol/nfs3.md): each connection is read on one of
// `listen.io_threads` single-threaded io_contexts. Calls answered from
// metadata or the memory cache run right there; calls that may wait on the
// store or are large (WRITE, COMMIT, uncached or large READ, READDIR) run
// on a pool of `worker_threads`, so many of them are in flight per
// connection. Whichever thread finishes a
// call sends its reply (non-blocking, queued when the socket is full), so
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
  // Workers mostly wait on the object store (uploads, ranged GETs), so
  // there are more than cores; cheap calls never reach them.
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
