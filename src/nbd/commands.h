// The filesystem side of each transmission command. Blocking: runs on the
// server's thread pool, never on an I/O thread (except TryReadCached).
//
// REQUIRES: the request passed CheckRequest (request.h) for the connection's
// export, so ranges are inside the export and flags are allowed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "fs/filesystem.h"
#include "nbd/wire.h"

namespace zerofs::nbd {

struct CommandResult {
  int err = 0;       // errno (0 = success); errors.h maps it to the wire
  std::string data;  // READ: exactly the requested length (unless in `cached`)
  std::string what;  // on error: the fs error text, for logs and ERROR chunks
  // READ answered by TryReadCached: the data (exactly the requested
  // length) as views into the memory cache's extents, sent without a copy.
  std::optional<fs::SharedReadResult> cached;
};

// Runs `h` against inode `ino`:
//  - READ: fs Read; bytes past the file's current end (it shrank while
//    attached) read as zeros.
//  - WRITE: fs Write of `payload`.
//  - FLUSH: fs Fsync, which makes everything written so far durable in the
//    object store, on every connection (CAN_MULTI_CONN).
//  - TRIM: PunchHole. WRITE_ZEROES: PunchHole, or with NO_HOLE
//    Fallocate(ZERO_RANGE | KEEP_SIZE), the fallocate(2) mapping. Both are
//    metadata-only and fast, so FAST_ZERO never fails with ENOTSUP.
//  - CACHE: reads the range in `chunk`-sized pieces and drops the bytes,
//    which warms the cache.
//  - FUA (WRITE, TRIM, WRITE_ZEROES): fs Fsync before returning.
CommandResult ExecuteCommand(fs::FileSystem* fs, fs::InodeId ino, const RequestHeader& h,
                             const std::string& payload, uint32_t chunk);

// READ from memory only, for the I/O thread: never blocks (see
// fs::FileSystem::TryReadCachedShared). nullopt: run ExecuteCommand on the
// pool.
std::optional<CommandResult> TryReadCached(fs::FileSystem* fs, fs::InodeId ino,
                                           const RequestHeader& h);

}  // namespace zerofs::nbd
