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
  // One I/O thread by default: it answers cached reads itself (everything
  // else runs on the workers), and with two asio hands most socket events
  // from the thread that polled them to the other, a futex wake-up per
  // request that costs more than the read.
  NbdServerOptions() { listen.io_threads = 1; }

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
