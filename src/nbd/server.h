// The NBD server: block devices backed by the regular files in /.nbd (see
// exports.h), over TCP and a Unix socket, through the shared listener
// (net/listener.h). Protocol support matrix: src/nbd/README.md.
#pragma once

#include <memory>

#include "base/protocol_server.h"
#include "base/result.h"
#include "fs/filesystem.h"
#include "nbd/limits.h"
#include "net/listener.h"

namespace zerofs::nbd {

struct NbdServerOptions {
  // Where to listen; `protocol` is set to "nbd". io_threads run the sockets.
  net::ListenSpec listen;
  // Threads that run filesystem calls (reads, writes, flushes).
  int worker_threads = 8;
  NbdLimits limits;
};

// Creates /.nbd if missing (exports.h), binds every address and serves until
// the returned server is stopped or destroyed. Errors: binding failures
// (named by the listener), /.nbd unusable, invalid limits.
// REQUIRES: `fs` outlives the returned server.
Result<std::unique_ptr<ProtocolServer>> StartNbdServer(fs::FileSystem* fs,
                                                       const NbdServerOptions& opts);

}  // namespace zerofs::nbd
