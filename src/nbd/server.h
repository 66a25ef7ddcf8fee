// The NBD server: block devices backed by the regular files in /.nbd (see
// exports.h), over TCP and a Unix socket, through the shared listener
// (net/listener.h). Protocol support matrix: src/nbd/README.md.
#pragma once

#include <algorithm>
#include <memory>
#include <thread>

#include "base/protocol_server.h"
#include "base/result.h"
#include "fs/filesystem.h"
#include "nbd/limits.h"
#include "net/listener.h"

namespace zerofs::nbd {

struct NbdServerOptions {
  // Where to listen; `protocol` is set to "nbd". `io_threads`
  // single-threaded io_contexts run the connections (round robin, see
  // net/io_pool.h); the default is one per core, at most 8.
  net::ListenSpec listen;
  // Threads that run filesystem calls (reads, writes, flushes).
  int worker_threads = 8;
  NbdLimits limits;

  NbdServerOptions() {
    listen.io_threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);
  }
};

// Creates /.nbd if missing (exports.h), binds every address and serves until
// the returned server is stopped or destroyed. Errors: binding failures
// (named by the listener), /.nbd unusable, invalid limits.
// REQUIRES: `fs` outlives the returned server.
Result<std::unique_ptr<ProtocolServer>> StartNbdServer(fs::FileSystem* fs,
                                                       const NbdServerOptions& opts);

}  // namespace zerofs::nbd
