// `zerofs mount`: a FUSE file system backed by a 9P2000.L server.
//
// The pieces: options.h (what to do), connection.h (the 9P link and its
// reconnects), node_table.h (inode <-> path, kept fids), handles.h (open files),
// remote.h (fids for nodes), ops_*.cc (the FUSE low-level operations by kind)
// and this entry point, which mounts and runs the multi-threaded session
// loop until unmounted or signalled.
#pragma once

#include "base/result.h"
#include "mount/options.h"

namespace zerofs::mount {

// Checks the options and that the server answers, mounts, daemonizes unless
// `foreground`, and serves until the file system is unmounted or SIGINT,
// SIGTERM or SIGHUP arrives (then unmounts). Errors before the mount name
// what was wrong (address, server, mountpoint); after daemonizing they are
// logged only.
Status Mount(MountOptions options);

}  // namespace zerofs::mount
