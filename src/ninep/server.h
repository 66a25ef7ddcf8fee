// The 9P2000.L server: StartNinepServer() listens on TCP addresses and/or a
// Unix socket (net::Listener) and serves `fs` to every connection.
//
// Threads (docs/protocol/9p2000l.md): each connection is read on one of
// `io_threads` single-threaded io_contexts, which also answer the requests
// served from metadata or the memory cache (placement.h); requests that may
// wait on the object store run on a pool of `worker_threads`, so one slow
// request (an object-store GET) never stalls the others. Whichever thread
// finishes a request sends its reply; requests on one connection run
// concurrently and may complete out of order.
//
// One LockTable (lock_table.h) is shared by every listener and connection of
// a server.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/protocol_server.h"
#include "base/result.h"
#include "config/listen_address.h"
#include "fs/filesystem.h"

namespace zerofs::ninep {

// Largest msize granted by default (clients asking more get this much).
constexpr uint32_t kDefaultMaxMsize = 8u << 20;
// Smallest msize accepted in Tversion; below it Rlerror EINVAL.
constexpr uint32_t kMinMsize = 4096;

struct NinepServerOptions {
  std::vector<config::ListenAddress> addresses;  // TCP; port 0 = any free port
  std::string unix_socket;                       // empty = none
  int io_threads = 0;                            // 0: one per core, at least 2, at most 8
  int worker_threads = 16;                       // threads running fs calls that may block
  uint32_t max_msize = kDefaultMaxMsize;
};

// Starts serving `fs`. REQUIRES: `fs` outlives the returned server (Stop()
// or destroy the server first: open fids release their files on Stop).
Result<std::unique_ptr<ProtocolServer>> StartNinepServer(fs::FileSystem* fs,
                                                         const NinepServerOptions& options);

}  // namespace zerofs::ninep
